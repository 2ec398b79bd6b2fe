"""The programmes' outbox, sending for real to an SMTP server on 127.0.0.1: each e-mail leaves once, a failed
send waits in the outbox and leaves on a later try, a row claimed twice or left half-sent is never resent."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from programmes.enums import NotificationStatus
from programmes.models import Notification
from programmes.models.notification import MAX_ATTEMPTS
from programmes.notifications import queue_email, send_due_notifications, send_notification
from programmes.tasks import send_due_programme_emails, send_notifications
from tests.factories import UserFactory

from .factories import CycleFactory

pytestmark = pytest.mark.django_db

ST = NotificationStatus


@pytest.fixture
def cycle():
    return CycleFactory(title="Human Tech Days 2027", slug="human-tech-days-2027")


@pytest.fixture
def queue(cycle):
    """Queue a call-open reminder to the person with `email` (created if needed), under `key`."""

    def queue(email="awa@exemple.fr", key=None, user=None):
        user = user or UserFactory(email=email)
        return queue_email(
            key=key or f"test:{user.pk}",
            reason="reminder_call_open",
            user=user,
            template="reminder_call_open",
            context={
                "cycle": cycle,
                "structures": [],
                "propose_url": "http://127.0.0.1:8000/pro/programmes/human-tech-days-2027/proposer/",
                "cycle_url": "http://127.0.0.1:8000/human-tech-days-2027/",
                "days_left": 10,
            },
            cycle=cycle,
        )

    return queue


def row(notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


def later(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


# Queueing ---------------------------------------------------------------------------------------------------


def test_queue_email_renders_and_stores_one_row_per_key(queue):
    first = queue(key="call-open:1:1")
    again = queue(key="call-open:1:1", email="autre@exemple.fr")

    assert again is None
    assert list(Notification.objects.values_list("key", "email", "status")) == [
        ("call-open:1:1", "awa@exemple.fr", ST.PENDING)
    ]
    assert first.subject == "Appel à contributions ouvert : Human Tech Days 2027"
    assert "http://127.0.0.1:8000/pro/programmes/human-tech-days-2027/proposer/" in first.body_text
    assert first.body_html.startswith("<!DOCTYPE html>")


def test_queue_email_skips_people_without_address_or_inactive(queue):
    inactive = UserFactory(email="partie@exemple.fr", is_active=False)
    silent = UserFactory(email="")

    assert (queue(user=inactive), queue(user=silent)) == (None, None)
    assert Notification.objects.count() == 0


def test_queue_email_sends_after_commit_through_the_task(
    queue, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = queue()

        assert smtp_sink.recipients() == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 1
    assert smtp_sink.recipients() == ["awa@exemple.fr"]
    assert row(notification).status == ST.SENT


# Sending ----------------------------------------------------------------------------------------------------


def test_due_emails_are_sent_once_through_smtp(queue, smtp_sink):
    queue("awa@exemple.fr")
    queue("bruno@exemple.fr")

    first = send_due_notifications()
    second = send_due_notifications(now=later(60))

    assert first == {"sent": 2, "retry": 0, "failed": 0, "stuck": 0}
    assert second == {"sent": 0, "retry": 0, "failed": 0, "stuck": 0}
    assert smtp_sink.recipients() == ["awa@exemple.fr", "bruno@exemple.fr"]
    assert list(Notification.objects.order_by("pk").values_list("status", "attempts")) == [(ST.SENT, 1)] * 2
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


def test_the_message_has_text_and_html_from_the_site_address(queue, smtp_sink):
    queue()

    send_due_notifications()

    [message] = smtp_sink.messages
    # A long non-ASCII subject is folded onto the next line; unfolding leaves the fold's space in front.
    assert (message["Subject"].strip(), message["To"], message["From"]) == (
        "Appel à contributions ouvert : Human Tech Days 2027",
        "awa@exemple.fr",
        settings.DEFAULT_FROM_EMAIL,
    )
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_temporary_refusal_stays_pending_and_leaves_on_a_later_try(queue, smtp_sink):
    notification = queue("pleine@exemple.fr")
    smtp_sink.refuse("pleine@exemple.fr", "450 4.2.2 Boîte pleine")
    before = timezone.now()

    outcome = send_due_notifications()

    refused = row(notification)
    assert outcome == {"sent": 0, "retry": 1, "failed": 0, "stuck": 0}
    assert (refused.status, refused.attempts, refused.sent_at) == (ST.PENDING, 1, None)
    assert refused.last_error.startswith("SMTPRecipientsRefused: {'pleine@exemple.fr': (450")
    assert timedelta(seconds=59) < refused.next_attempt_at - before < timedelta(seconds=70)

    assert send_due_notifications()["retry"] == 0  # not due yet: the outbox waits
    smtp_sink.accept("pleine@exemple.fr")
    retried = send_due_notifications(now=later(2))

    assert retried == {"sent": 1, "retry": 0, "failed": 0, "stuck": 0}
    assert smtp_sink.recipients() == ["pleine@exemple.fr"]
    assert (row(notification).status, row(notification).attempts, row(notification).last_error) == (
        ST.SENT,
        2,
        "",
    )


def test_smtp_down_then_up_loses_nothing_and_doubles_nothing(queue, smtp_sink):
    notifications = [queue("awa@exemple.fr"), queue("bruno@exemple.fr")]
    smtp_sink.stop()

    down = send_due_notifications()

    assert down == {"sent": 0, "retry": 2, "failed": 0, "stuck": 0}
    assert row(notifications[0]).last_error.startswith("ConnectionRefusedError")

    smtp_sink.start()
    up = send_due_notifications(now=later(2))
    again = send_due_notifications(now=later(60))

    assert (up["sent"], again["sent"]) == (2, 0)
    assert smtp_sink.recipients() == ["awa@exemple.fr", "bruno@exemple.fr"]


def test_one_refused_address_does_not_hold_back_the_others(queue, smtp_sink):
    queue("awa@exemple.fr")
    queue("pleine@exemple.fr")
    smtp_sink.refuse("pleine@exemple.fr", "452 4.2.2 Boîte pleine")

    outcome = send_due_notifications()

    assert (outcome["sent"], outcome["retry"]) == (1, 1)
    assert smtp_sink.recipients() == ["awa@exemple.fr"]


def test_the_wait_between_tries_doubles(queue, smtp_sink):
    notification = queue()
    smtp_sink.stop()
    waits = []

    for attempt in range(3):
        before = timezone.now()
        send_due_notifications(now=later(24 * 60 * (attempt + 1)))
        waits.append(round((row(notification).next_attempt_at - before).total_seconds() / 60))

    assert waits == [1, 2, 4]
    assert row(notification).attempts == 3


def test_permanent_refusal_fails_at_once_and_is_never_retried(queue, smtp_sink):
    notification = queue("inconnue@exemple.fr")
    smtp_sink.refuse("inconnue@exemple.fr", "550 5.1.1 Adresse inconnue")

    outcome = send_due_notifications()
    smtp_sink.accept("inconnue@exemple.fr")
    later_run = send_due_notifications(now=later(24 * 60))

    assert (outcome["failed"], later_run["sent"]) == (1, 0)
    assert (row(notification).status, row(notification).attempts) == (ST.FAILED, 1)
    assert smtp_sink.recipients() == []


def test_gives_up_after_the_last_attempt(queue, smtp_sink):
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1)
    smtp_sink.stop()

    outcome = send_due_notifications()

    assert outcome["failed"] == 1
    assert (row(notification).status, row(notification).attempts) == (ST.FAILED, MAX_ATTEMPTS)


# Never twice ------------------------------------------------------------------------------------------------


def test_a_row_is_claimed_once(queue):
    notification = queue()

    assert [Notification.objects.claim(notification.pk), Notification.objects.claim(notification.pk)] == [
        True,
        False,
    ]


def test_a_sent_row_is_not_sent_again_when_a_second_worker_has_it(queue, smtp_sink):
    notification = queue()

    first = send_notification(notification.pk)
    second = send_notification(notification.pk)  # the task and the five-minute sweep on the same row

    assert (first, second) == (ST.SENT, "")
    assert smtp_sink.recipients() == ["awa@exemple.fr"]


def test_a_row_left_half_sent_is_reported_and_never_resent(queue, smtp_sink, caplog):
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(
        status=ST.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )

    with caplog.at_level(logging.WARNING, logger="programmes.notifications"):
        outcome = send_due_notifications(now=later(60))

    assert outcome == {"sent": 0, "retry": 0, "failed": 0, "stuck": 1}
    assert row(notification).status == ST.SENDING
    assert smtp_sink.recipients() == []
    assert f"stuck in 'sending' (not resent, at most once): [{notification.pk}]" in caplog.text


def test_a_row_being_sent_right_now_is_not_reported_stuck(queue, smtp_sink):
    notification = queue()
    Notification.objects.claim(notification.pk)

    assert send_due_notifications()["stuck"] == 0


# Tasks ------------------------------------------------------------------------------------------------------


def test_the_task_sends_the_new_rows_and_the_sweep_the_rest(queue, smtp_sink):
    fresh = queue("awa@exemple.fr")
    missed = queue("bruno@exemple.fr")

    assert send_notifications(notification_ids=[fresh.pk]) == 1
    assert send_due_programme_emails() == {"sent": 1, "retry": 0, "failed": 0, "stuck": 0}
    assert send_notifications(notification_ids=[fresh.pk, missed.pk]) == 0
    assert smtp_sink.recipients() == ["awa@exemple.fr", "bruno@exemple.fr"]


def test_emails_queued_in_one_transaction_are_sent_by_one_task(
    django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import transaction

    from programmes import tasks
    from programmes.notifications import queue_email
    from tests.factories import UserFactory

    calls = []
    monkeypatch.setattr(tasks.send_notifications, "delay", lambda **kwargs: calls.append(kwargs))
    people = [UserFactory() for _ in range(3)]
    context = {"contribution": None, "cycle": None, "structure": None, "event": None}

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rows = [
            queue_email(
                key=f"test:{p.pk}",
                reason="test",
                user=p,
                template="contribution_comment",
                context=context,
            )
            for p in people
        ]

    assert calls == [{"notification_ids": [row.pk for row in rows]}]
