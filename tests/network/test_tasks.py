"""`send_invitation_email`: one e-mail per pending invitation, none for the others."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from network import domain
from network.enums import MemberRole
from network.models import Invitation
from network.tasks import send_invitation_email
from tests.factories import StructureFactory, UserFactory


@pytest.fixture
def invitation(db):
    structure = StructureFactory(title="EPN de Châteauroux")
    inviter = UserFactory(first_name="Claire", last_name="Moreau")
    domain.add_member(structure=structure, user=inviter)
    return domain.invite_member(
        structure=structure, email="camille@exemple.fr", invited_by=inviter, role=MemberRole.RESPONSABLE
    )


def test_send_invitation_email_sends_link_in_french(invitation):
    send_invitation_email(invitation_id=invitation.pk)

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


def test_send_invitation_email_link_opens_invitation_page(client, invitation):
    send_invitation_email(invitation_id=invitation.pk)
    path = mail.outbox[0].body.split("http://127.0.0.1:8000", 1)[1].split()[0]

    response = client.get(path)

    assert response.status_code == 200
    assert response.context["invitation"] == invitation


def test_send_invitation_email_skips_revoked_invitation(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    send_invitation_email(invitation_id=invitation.pk)

    assert mail.outbox == []


def test_send_invitation_email_skips_replaced_invitation(invitation):
    domain.invite_member(
        structure=invitation.structure, email=invitation.email, invited_by=invitation.invited_by
    )

    send_invitation_email(invitation_id=invitation.pk)

    assert mail.outbox == []


def test_send_invitation_email_skips_expired_invitation(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    send_invitation_email(invitation_id=invitation.pk)

    assert mail.outbox == []


def test_send_invitation_email_skips_accepted_invitation(invitation):
    domain.accept_invitation(invitation=invitation, user=UserFactory(email="camille@exemple.fr"))

    send_invitation_email(invitation_id=invitation.pk)

    assert mail.outbox == []


def test_send_invitation_email_skips_deleted_invitation(invitation):
    invitation_id = invitation.pk
    invitation.delete()

    send_invitation_email(invitation_id=invitation_id)

    assert mail.outbox == []


def test_invite_member_enqueues_email_on_commit(invitation, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        newer = domain.invite_member(
            structure=invitation.structure, email="dominique@exemple.fr", invited_by=invitation.invited_by
        )

    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["dominique@exemple.fr"]]
    assert newer.token in mail.outbox[0].body


def test_send_invitation_email_plain_text_is_not_html_escaped(db):
    structure = StructureFactory(title="L'Atelier & Co")
    inviter = UserFactory()
    domain.add_member(structure=structure, user=inviter)
    invitation = domain.invite_member(structure=structure, email="a@exemple.fr", invited_by=inviter)

    send_invitation_email(invitation_id=invitation.pk)

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
def test_send_invitation_email_says_what_the_role_opens(db, role, expected, absent):
    structure = StructureFactory()
    inviter = UserFactory()
    domain.add_member(structure=structure, user=inviter)
    invitation = domain.invite_member(
        structure=structure, email="b@exemple.fr", invited_by=inviter, role=role
    )

    send_invitation_email(invitation_id=invitation.pk)

    body = mail.outbox[0].body
    assert (expected in body, absent in body) == (True, False)
