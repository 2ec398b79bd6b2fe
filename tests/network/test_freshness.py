"""Freshness of structure pages (`network.freshness`): the one reminder per period, « Toujours à jour »,
and the date the public page shows."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from network import domain, freshness, tasks
from network.enums import MemberRole
from network.models import StructurePage
from outbox.models import Message
from tests.factories import UserFactory


def _age(structure, days):
    moment = timezone.now() - timedelta(days=days)
    StructurePage.objects.filter(pk=structure.pk).update(last_published_at=moment)
    return StructurePage.objects.get(pk=structure.pk)


def confirm_url(structure):
    return reverse("network_admin:confirm_up_to_date", kwargs={"structure_id": structure.pk})


def test_freshness_months_default_is_six():
    assert settings.MAILLAGE_FRESHNESS_MONTHS == 6


def test_stale_page_reminder_task_twice_queues_one_message(editor):
    _age(editor.structure, 200)

    first = tasks.send_freshness_reminders()
    second = tasks.send_freshness_reminders()

    messages = Message.objects.filter(reason="freshness_reminder")
    assert (first["emails"], second["emails"]) == (1, 0)
    assert f"{settings.WAGTAILADMIN_BASE_URL}/admin/" in messages.get().body_text
    assert [(m.email, m.subject) for m in messages] == [
        (editor.email, f"La fiche « {editor.structure.title} » est-elle toujours à jour ?")
    ]


def test_reminder_marks_the_structure_reminded(editor):
    structure = _age(editor.structure, 200)

    freshness.send_freshness_reminders()

    structure.refresh_from_db()
    assert (freshness.is_stale(structure), freshness.was_reminded(structure)) == (True, True)


def test_fresh_page_gets_no_reminder(editor):
    _age(editor.structure, 30)

    outcome = freshness.send_freshness_reminders()

    assert outcome == {"stale": 0, "reminded": 0, "emails": 0}


def test_setting_changes_the_period(editor, settings):
    settings.MAILLAGE_FRESHNESS_MONTHS = 1
    _age(editor.structure, 40)

    assert freshness.send_freshness_reminders()["emails"] == 1


def test_confirmation_restarts_the_clock_and_a_new_period_reminds_again(editor):
    structure = _age(editor.structure, 200)
    freshness.send_freshness_reminders()

    freshness.confirm_up_to_date(structure=structure, user=editor)
    # As if the reminder had gone out 195 days ago, the editor confirmed 5 days later, then 190 days passed.
    StructurePage.objects.filter(pk=structure.pk).update(
        freshness_reminded_at=timezone.now() - timedelta(days=195),
        confirmed_at=timezone.now() - timedelta(days=190),
    )
    outcome = freshness.send_freshness_reminders()

    assert outcome["emails"] == 1
    assert Message.objects.filter(reason="freshness_reminder").count() == 2


def test_confirm_view_records_date_and_history(client, editor):
    client.force_login(editor)
    structure = _age(editor.structure, 200)

    response = client.post(confirm_url(structure), {"next": "/admin/"})

    structure.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert structure.date_maj == timezone.localdate()
    assert freshness.is_stale(structure) is False
    assert list(
        PageLogEntry.objects.filter(page=structure, action=freshness.CONFIRM_LOG_ACTION).values_list(
            "user", flat=True
        )
    ) == [editor.pk]


def test_confirm_view_refuses_foreign_next_url(client, editor):
    client.force_login(editor)

    response = client.post(confirm_url(editor.structure), {"next": "https://ailleurs.example/"})

    assert response["Location"] == reverse("wagtailadmin_home")


def test_confirm_view_get_is_not_allowed(client, editor):
    client.force_login(editor)

    assert client.get(confirm_url(editor.structure)).status_code == 405


@pytest.mark.parametrize(
    ("role", "status"),
    # A mediator has no admin access at all (sent to « Accès réservé »); a volunteer has, but may not vouch.
    [(MemberRole.MEDIATEUR, 302), (MemberRole.SERVICE_CIVIQUE, 403)],
)
def test_confirm_view_refuses_non_editors(client, editor, role, status):
    member = UserFactory()
    domain.add_member(structure=editor.structure, user=member, role=role)
    client.force_login(member)

    response = client.post(confirm_url(editor.structure))

    assert response.status_code == status
    assert StructurePage.objects.get(pk=editor.structure.pk).confirmed_at is None


def test_confirm_view_requires_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    refused = client.post(confirm_url(editor.structure))
    token_response = client.get(reverse("wagtailadmin_home"))
    accepted = client.post(
        confirm_url(editor.structure), {"csrfmiddlewaretoken": get_token(token_response.wsgi_request)}
    )

    assert (refused.status_code, accepted.status_code) == (403, 302)


def test_publishing_an_older_revision_keeps_the_confirmation(editor):
    structure = StructurePage.objects.get(pk=editor.structure.pk)
    old_revision = structure.latest_revision
    freshness.confirm_up_to_date(structure=structure, user=editor)
    confirmed_at = StructurePage.objects.get(pk=structure.pk).confirmed_at

    old_revision.publish()

    assert StructurePage.objects.get(pk=structure.pk).confirmed_at == confirmed_at


def test_public_page_shows_confirmation_date(client, editor):
    structure = _age(editor.structure, 200)
    freshness.confirm_up_to_date(structure=structure, user=editor)
    today = timezone.localdate()

    response = client.get(structure.url)

    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    assert f"mise à jour le {today.day} {months[today.month - 1]} {today.year}" in response.content.decode()


def test_reminder_task_is_in_beat_schedule_on_default_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["send-freshness-reminders"]

    assert entry["task"] == tasks.send_freshness_reminders.name
    assert tasks.send_freshness_reminders.name not in settings.CELERY_TASK_ROUTES
