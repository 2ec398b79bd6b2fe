"""The « Courriels » screen: administrators see every e-mail and may send a failed one again; nobody else
sees any."""

import pytest
from django.core import mail
from django.urls import reverse

from outbox.models import Message, MessageStatus
from tests.factories import StructureFactory, UserFactory
from tests.programmes.factories import editor_of

from .factories import MessageFactory

pytestmark = pytest.mark.django_db

ST = MessageStatus


@pytest.fixture
def admin(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def failed():
    return MessageFactory(
        subject="Rappel de clôture", status=ST.FAILED, attempts=8, last_error="ConnectionRefusedError: refusé"
    )


def test_administrators_see_the_list_filtered_by_status_and_reason(admin, failed):
    MessageFactory(subject="Invitation envoyée", status=ST.SENT, reason="invitation")

    everything = admin.get(reverse("outbox:index"))
    failures = admin.get(reverse("outbox:index"), {"status": ST.FAILED})
    invitations = admin.get(reverse("outbox:index"), {"reason": "invitation"})

    assert everything.status_code == 200
    assert ("Rappel de clôture" in everything.text, "Invitation envoyée" in everything.text) == (True, True)
    assert ("Rappel de clôture" in failures.text, "Invitation envoyée" in failures.text) == (True, False)
    assert ("Rappel de clôture" in invitations.text, "Invitation envoyée" in invitations.text) == (
        False,
        True,
    )
    assert "Courriels" in everything.text
    assert reverse("outbox:resend", args=[failed.pk]) in everything.text  # « Renvoyer » in the row's menu


def test_the_detail_shows_the_error_and_offers_renvoyer_for_a_failed_one_only(admin, failed):
    sent = MessageFactory(status=ST.SENT)

    detail = admin.get(reverse("outbox:inspect", args=[failed.pk]))
    sent_detail = admin.get(reverse("outbox:inspect", args=[sent.pk]))

    assert detail.status_code == 200
    assert "ConnectionRefusedError: refusé" in detail.text
    resend = reverse("outbox:resend", args=[failed.pk])
    assert (resend in detail.text, reverse("outbox:resend", args=[sent.pk]) in sent_detail.text) == (
        True,
        False,
    )


def test_renvoyer_puts_a_failed_email_back_and_sends_it(
    admin, failed, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    confirm = admin.get(reverse("outbox:resend", args=[failed.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("outbox:resend", args=[failed.pk]))

    assert confirm.status_code == 200
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[failed.email]]
    assert Message.objects.get(pk=failed.pk).status == ST.SENT


def test_renvoyer_never_sends_a_sent_email_again(admin):
    sent = MessageFactory(status=ST.SENT)

    response = admin.post(reverse("outbox:resend", args=[sent.pk]))

    assert response.status_code == 302
    assert Message.objects.get(pk=sent.pk).status == ST.SENT


def test_nobody_may_add_edit_or_delete_an_email(admin, failed):
    assert admin.get(reverse("outbox:add")).status_code in (302, 403, 404)
    assert admin.get(reverse("outbox:edit", args=[failed.pk])).status_code in (302, 403)
    assert admin.post(reverse("outbox:delete", args=[failed.pk])).status_code in (302, 403)
    assert Message.objects.filter(pk=failed.pk).exists()


def test_structure_editors_do_not_see_the_outbox(client, failed):
    client.force_login(editor_of(StructureFactory()))

    assert client.get(reverse("outbox:index")).status_code in (302, 403)
    assert client.get(reverse("outbox:inspect", args=[failed.pk])).status_code in (302, 403)
    assert client.post(reverse("outbox:resend", args=[failed.pk])).status_code in (302, 403)
    assert reverse("outbox:index") not in client.get(reverse("wagtailadmin_home")).text
    assert Message.objects.get(pk=failed.pk).status == ST.FAILED
