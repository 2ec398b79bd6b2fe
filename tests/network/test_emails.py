"""E-mails of requests to join: who is told, and what they read (French, plain text and HTML)."""

import pytest
from django.core import mail

from network import domain
from network.enums import MemberRole
from network.models import MemberProfile
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
