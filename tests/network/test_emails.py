"""The network's e-mails (invitations, requests to join, decisions): who is told, what they read (French,
plain text and HTML), and that an e-mail whose reason went away before it left is not sent."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from network import domain
from network.enums import MemberRole
from network.models import MemberProfile
from outbox.models import Message, MessageStatus
from outbox.sending import send_due
from tests.factories import StructureFactory, UserFactory


@pytest.fixture
def eager_tasks(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def structure(db):
    return StructureFactory(title="L'Escale numérique")


@pytest.fixture
def team(structure):
    """An editor, a responsable, a mediator of the structure and the bassin's coordinator."""
    people = {
        "editor": UserFactory(email="editrice@exemple.fr"),
        "responsable": UserFactory(email="responsable@exemple.fr"),
        "mediator": UserFactory(email="mediateur@exemple.fr"),
        "coordinator": UserFactory(email="coordination@exemple.fr"),
    }
    domain.add_member(structure=structure, user=people["editor"], role=MemberRole.EDITOR)
    domain.add_member(structure=structure, user=people["responsable"], role=MemberRole.RESPONSABLE)
    domain.add_member(structure=structure, user=people["mediator"], role=MemberRole.MEDIATEUR)
    domain.add_coordinator(bassin=structure.get_parent().specific, user=people["coordinator"])
    return people


@pytest.fixture
def asker(db):
    user = UserFactory(email="noe@exemple.fr", first_name="Noé", last_name="Petit")
    MemberProfile.objects.create(user=user, display_name="Noé P.")
    return user


def ask(structure, asker, django_capture_on_commit_callbacks, role=MemberRole.BENEVOLE, message=""):
    with django_capture_on_commit_callbacks(execute=True):
        return domain.request_membership(user=asker, structure=structure, role=role, message=message)


def test_new_request_emails_editors_and_coordinators_only(
    structure, team, asker, eager_tasks, django_capture_on_commit_callbacks
):
    ask(structure, asker, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "coordination@exemple.fr",
        "editrice@exemple.fr",
        "responsable@exemple.fr",
    ]
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)


def test_new_request_email_says_who_what_and_where_to_decide(
    structure, team, asker, eager_tasks, django_capture_on_commit_callbacks
):
    ask(structure, asker, django_capture_on_commit_callbacks, message="Je viens le mardi <matin>.")

    message = mail.outbox[0]
    assert message.subject == "Demande pour rejoindre « L'Escale numérique » sur Maillage"
    assert (
        "Noé P. (noe@exemple.fr) demande à rejoindre « L'Escale numérique » sur Maillage, "
        "en tant que Bénévole." in message.body
    )
    assert "Je viens le mardi <matin>." in message.body
    assert "pas à la modification de la fiche" in message.body
    assert "http://127.0.0.1:8000/pro/demandes/" in message.body
    html = message.alternatives[0].content
    assert "Je viens le mardi &lt;matin&gt;." in html
    assert 'href="http://127.0.0.1:8000/pro/demandes/"' in html


def test_new_request_without_team_emails_administrators(
    structure, asker, eager_tasks, django_capture_on_commit_callbacks
):
    UserFactory(email="admin@exemple.fr", is_superuser=True)

    ask(structure, asker, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [["admin@exemple.fr"]]


def test_new_request_is_not_emailed_to_the_asker(structure, eager_tasks, django_capture_on_commit_callbacks):
    coordinator = UserFactory(email="coordination@exemple.fr")
    domain.add_coordinator(bassin=structure.get_parent().specific, user=coordinator)
    other = UserFactory(email="autre-coordination@exemple.fr")
    domain.add_coordinator(bassin=structure.get_parent().specific, user=other)

    ask(structure, coordinator, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [["autre-coordination@exemple.fr"]]


def test_accepted_request_emails_the_person_with_pro_link(
    structure, team, asker, eager_tasks, django_capture_on_commit_callbacks
):
    request = ask(structure, asker, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        domain.accept_request(request=request, by=team["editor"])

    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["noe@exemple.fr"],
        "Bienvenue dans « L'Escale numérique » sur Maillage",
    )
    assert (
        "vous faites maintenant partie de « L'Escale numérique » sur Maillage, en tant que Bénévole."
        in message.body
    )
    assert "http://127.0.0.1:8000/pro/" in message.body
    assert "modifier la fiche" not in message.body
    assert 'href="http://127.0.0.1:8000/pro/"' in message.alternatives[0].content


def test_accepted_responsable_request_email_links_to_page_editing(
    structure, team, asker, eager_tasks, django_capture_on_commit_callbacks
):
    request = ask(structure, asker, django_capture_on_commit_callbacks, role=MemberRole.RESPONSABLE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        domain.accept_request(request=request, by=team["coordinator"])

    assert f"http://127.0.0.1:8000/admin/pages/{structure.pk}/edit/" in mail.outbox[0].body


def test_refused_request_emails_the_reason(
    structure, team, asker, eager_tasks, django_capture_on_commit_callbacks
):
    request = ask(structure, asker, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        domain.refuse_request(
            request=request, by=team["responsable"], reason="Nous n'avons pas de bénévoles."
        )

    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["noe@exemple.fr"],
        "Votre demande pour rejoindre « L'Escale numérique »",
    )
    assert "n'a pas été acceptée" in message.body
    assert "Nous n'avons pas de bénévoles." in message.body
    assert "Nous n&#x27;avons pas de bénévoles." in message.alternatives[0].content


def test_withdrawn_request_emails_nobody(
    structure, team, asker, eager_tasks, django_capture_on_commit_callbacks
):
    request = ask(structure, asker, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        domain.withdraw_request(request=request, user=asker)

    assert mail.outbox == []


# Invitations (moved from tests/network/test_tasks.py: the e-mail is now queued by `invite_member`) --------


@pytest.fixture
def invitation(db):
    structure = StructureFactory(title="EPN de Châteauroux")
    inviter = UserFactory(first_name="Claire", last_name="Moreau")
    domain.add_member(structure=structure, user=inviter)
    return domain.invite_member(
        structure=structure, email="camille@exemple.fr", invited_by=inviter, role=MemberRole.RESPONSABLE
    )


def test_invitation_email_sends_link_in_french(invitation):
    send_due()

    link = "http://127.0.0.1:8000" + reverse("network:accept_invitation", kwargs={"token": invitation.token})
    message = mail.outbox[0]
    assert len(mail.outbox) == 1
    assert (message.to, message.subject) == (
        ["camille@exemple.fr"],
        "Invitation à rejoindre EPN de Châteauroux sur Maillage",
    )
    assert "Claire Moreau vous invite à rejoindre « EPN de Châteauroux » sur Maillage" in message.body
    assert "en tant que Responsable" in message.body
    assert link in message.body
    assert link in message.alternatives[0].content


def test_invitation_email_writes_the_first_of_the_month_in_french(db, settings, time_machine):
    # Noon in Paris, 14 days before 1 March: the link expires on « 1er mars 2027 », not « 1 mars ».
    time_machine.move_to(datetime(2027, 2, 15, 11, 0, tzinfo=UTC), tick=False)
    settings.MAILLAGE_INVITATION_DAYS = 14
    structure = StructureFactory(title="EPN de Châteauroux")
    inviter = UserFactory()
    domain.add_member(structure=structure, user=inviter)
    domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=inviter)

    send_due()

    message = mail.outbox[0]
    assert "Ce lien est valable jusqu'au 1er mars 2027." in message.body
    assert "jusqu'au 1er mars 2027." in message.alternatives[0].content


def test_invitation_email_link_opens_invitation_page(client, invitation):
    send_due()
    path = mail.outbox[0].body.split("http://127.0.0.1:8000", 1)[1].split()[0]

    response = client.get(path)

    assert response.status_code == 200
    assert response.context["invitation"] == invitation


def test_invitation_email_is_queued_once_under_the_invitations_key(invitation):
    message = Message.objects.get()

    assert (message.key, message.reason, message.email, message.topic, message.expires_at) == (
        f"invitation:{invitation.pk}",
        "invitation",
        "camille@exemple.fr",
        f"structure:{invitation.structure_id}/invitation:{invitation.pk}",
        invitation.expires_at,
    )


def test_revoked_invitation_email_is_not_sent(invitation):
    domain.revoke_invitation(invitation=invitation)

    send_due()

    assert mail.outbox == []
    assert Message.objects.get().status == MessageStatus.CANCELLED


def test_replaced_invitation_email_is_not_sent(invitation):
    newer = domain.invite_member(
        structure=invitation.structure, email=invitation.email, invited_by=invitation.invited_by
    )

    send_due()

    assert [message.to for message in mail.outbox] == [["camille@exemple.fr"]]
    assert newer.token in mail.outbox[0].body


def test_expired_invitation_email_is_not_sent(invitation):
    Message.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    send_due()

    assert mail.outbox == []
    assert Message.objects.get().status == MessageStatus.CANCELLED


def test_accepted_invitation_email_is_not_sent(invitation):
    domain.accept_invitation(invitation=invitation, user=UserFactory(email="camille@exemple.fr"))

    send_due()

    assert mail.outbox == []


def test_invite_member_enqueues_email_on_commit(invitation, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        newer = domain.invite_member(
            structure=invitation.structure, email="dominique@exemple.fr", invited_by=invitation.invited_by
        )

        assert mail.outbox == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["dominique@exemple.fr"]]
    assert newer.token in mail.outbox[0].body


def test_invitation_email_plain_text_is_not_html_escaped(db):
    structure = StructureFactory(title="L'Atelier & Co")
    inviter = UserFactory()
    domain.add_member(structure=structure, user=inviter)
    domain.invite_member(structure=structure, email="a@exemple.fr", invited_by=inviter)

    send_due()

    message = mail.outbox[0]
    assert message.subject == "Invitation à rejoindre L'Atelier & Co sur Maillage"
    assert "« L'Atelier & Co »" in message.body


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (MemberRole.EDITOR, "mettre à jour la fiche", "espace professionnel"),
        (MemberRole.MEDIATEUR, "espace professionnel", "mettre à jour la fiche"),
        (MemberRole.SERVICE_CIVIQUE, "espace professionnel", "mettre à jour la fiche"),
    ],
)
def test_invitation_email_says_what_the_role_opens(db, role, expected, absent):
    structure = StructureFactory()
    inviter = UserFactory()
    domain.add_member(structure=structure, user=inviter)
    domain.invite_member(structure=structure, email="b@exemple.fr", invited_by=inviter, role=role)

    send_due()

    body = mail.outbox[0].body
    assert (expected in body, absent in body) == (True, False)


def test_invitation_is_committed_even_when_the_broker_is_down(
    db, settings, django_capture_on_commit_callbacks
):
    """The e-mail is a row of the invitation's own transaction: a broker that refuses the task loses
    nothing, the sweep sends it."""
    structure = StructureFactory()
    inviter = UserFactory()
    domain.add_member(structure=structure, user=inviter)
    with django_capture_on_commit_callbacks(execute=False):
        invitation = domain.invite_member(structure=structure, email="c@exemple.fr", invited_by=inviter)

    send_due()

    assert invitation.token in mail.outbox[0].body


def test_request_withdrawn_before_its_emails_left_tells_nobody(structure, team, asker):
    request = domain.request_membership(user=asker, structure=structure, role=MemberRole.BENEVOLE)
    domain.withdraw_request(request=request, user=asker)

    send_due()

    assert mail.outbox == []
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.CANCELLED}


def test_decision_email_waits_for_no_request_email(structure, team, asker):
    """Decided before the deciders' e-mails left: they are not told, the person is."""
    request = domain.request_membership(user=asker, structure=structure, role=MemberRole.BENEVOLE)
    domain.accept_request(request=request, by=team["editor"])

    send_due()

    assert [message.to for message in mail.outbox] == [["noe@exemple.fr"]]
