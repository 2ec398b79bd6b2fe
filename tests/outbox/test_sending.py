"""Sending for real to an SMTP server on 127.0.0.1 (moved from tests/programmes/test_notifications.py): each
e-mail leaves once, a failed send waits in the outbox and leaves on a later try, a row claimed twice or left
half-sent is never sent twice."""

import logging
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from outbox.models import Message, MessageStatus
from outbox.sending import send_due, send_queued

from .factories import MessageFactory, later, queued

pytestmark = pytest.mark.django_db

ST = MessageStatus


def row(message) -> Message:
    return Message.objects.get(pk=message.pk)


def test_due_emails_are_sent_once_through_smtp(smtp_sink):
    queued("awa@exemple.fr")
    queued("bruno@exemple.fr")

    first = send_due()
    second = send_due(now=later(60))

    assert first == {"sent": 2, "retry": 0, "failed": 0, "stuck": 0}
    assert second == {"sent": 0, "retry": 0, "failed": 0, "stuck": 0}
    assert smtp_sink.recipients() == ["awa@exemple.fr", "bruno@exemple.fr"]
    assert list(Message.objects.order_by("pk").values_list("status", "attempts")) == [(ST.SENT, 1)] * 2
    assert Message.objects.filter(sent_at__isnull=True).count() == 0


def test_the_message_has_text_html_and_its_headers(smtp_sink):
    queued(subject="Appel à contributions ouvert : Human Tech Days 2027", headers={"Precedence": "bulk"})

    send_due()

    [message] = smtp_sink.messages
    # A long non-ASCII subject is folded onto the next line; unfolding leaves the fold's space in front.
    assert (message["Subject"].strip(), message["To"], message["From"], message["Precedence"]) == (
        "Appel à contributions ouvert : Human Tech Days 2027",
        "awa@exemple.fr",
        settings.DEFAULT_FROM_EMAIL,
        "bulk",
    )
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_temporary_refusal_stays_pending_and_leaves_on_a_later_try(smtp_sink):
    message = queued("pleine@exemple.fr")
    smtp_sink.refuse("pleine@exemple.fr", "450 4.2.2 Boîte pleine")
    before = timezone.now()

    outcome = send_due()

    refused = row(message)
    assert outcome == {"sent": 0, "retry": 1, "failed": 0, "stuck": 0}
    assert (refused.status, refused.attempts, refused.sent_at) == (ST.PENDING, 1, None)
    assert refused.last_error.startswith("SMTPRecipientsRefused: {'pleine@exemple.fr': (450")
    assert timedelta(seconds=59) < refused.next_attempt_at - before < timedelta(seconds=70)

    assert send_due()["retry"] == 0  # not due yet: the outbox waits
    smtp_sink.accept("pleine@exemple.fr")
    retried = send_due(now=later(2))

    assert retried == {"sent": 1, "retry": 0, "failed": 0, "stuck": 0}
    assert smtp_sink.recipients() == ["pleine@exemple.fr"]
    assert (row(message).status, row(message).attempts, row(message).last_error) == (ST.SENT, 2, "")


def test_smtp_down_then_up_loses_nothing_and_doubles_nothing(smtp_sink):
    messages = [queued("awa@exemple.fr"), queued("bruno@exemple.fr")]
    smtp_sink.stop()

    down = send_due()

    # The relay itself fails: the sweep stops at the first e-mail, the others wait untouched.
    assert down == {"sent": 0, "retry": 1, "failed": 0, "stuck": 0}
    assert row(messages[0]).last_error.startswith("ConnectionRefusedError")
    assert (row(messages[1]).status, row(messages[1]).attempts) == (ST.PENDING, 0)

    smtp_sink.start()
    up = send_due(now=later(2))
    again = send_due(now=later(60))

    assert (up["sent"], again["sent"]) == (2, 0)
    assert smtp_sink.recipients() == ["awa@exemple.fr", "bruno@exemple.fr"]


def test_one_refused_address_does_not_hold_back_the_others(smtp_sink):
    queued("pleine@exemple.fr")
    queued("awa@exemple.fr")
    smtp_sink.refuse("pleine@exemple.fr", "452 4.2.2 Boîte pleine")

    outcome = send_due()

    assert (outcome["sent"], outcome["retry"]) == (1, 1)
    assert smtp_sink.recipients() == ["awa@exemple.fr"]


def test_the_wait_between_tries_doubles(smtp_sink):
    message = queued()
    smtp_sink.stop()
    waits = []

    for attempt in range(3):
        before = timezone.now()
        send_due(now=later(24 * 60 * (attempt + 1)))
        waits.append(round((row(message).next_attempt_at - before).total_seconds() / 60))

    assert waits == [1, 2, 4]
    assert row(message).attempts == 3


def test_permanent_refusal_fails_at_once_and_is_never_retried(smtp_sink):
    message = queued("inconnue@exemple.fr")
    smtp_sink.refuse("inconnue@exemple.fr", "550 5.1.1 Adresse inconnue")

    outcome = send_due()
    smtp_sink.accept("inconnue@exemple.fr")
    later_run = send_due(now=later(24 * 60))

    assert (outcome["failed"], later_run["sent"]) == (1, 0)
    assert (row(message).status, row(message).attempts) == (ST.FAILED, 1)
    assert smtp_sink.recipients() == []


def test_gives_up_after_the_last_attempt(smtp_sink):
    message = queued()
    Message.objects.filter(pk=message.pk).update(attempts=settings.OUTBOX["MAX_ATTEMPTS"] - 1)
    smtp_sink.stop()

    outcome = send_due()

    assert outcome["failed"] == 1
    assert (row(message).status, row(message).attempts) == (ST.FAILED, settings.OUTBOX["MAX_ATTEMPTS"])


def test_a_failed_email_sent_again_by_hand_leaves_once(smtp_sink):
    message = queued("inconnue@exemple.fr")
    smtp_sink.refuse("inconnue@exemple.fr", "550 5.1.1 Adresse inconnue")
    send_due()
    smtp_sink.accept("inconnue@exemple.fr")

    row(message).resend()
    outcomes = [send_due(), send_due(now=later(60))]

    assert [outcome["sent"] for outcome in outcomes] == [1, 0]
    assert smtp_sink.recipients() == ["inconnue@exemple.fr"]
    assert (row(message).status, row(message).attempts) == (ST.SENT, 2)


def test_an_email_past_its_expiry_is_cancelled_not_sent(smtp_sink):
    message = queued(expires_at=timezone.now() - timedelta(minutes=1))

    assert send_queued(message_id=message.pk).status == ST.CANCELLED
    assert (smtp_sink.recipients(), row(message).status) == ([], ST.CANCELLED)
    assert row(message).last_error.startswith("Sans objet : non envoyé avant le ")


def test_an_expiry_on_the_first_of_the_month_is_written_1er(smtp_sink):
    expired = timezone.make_aware(datetime(2026, 12, 1, 9, 30))
    message = queued(expires_at=expired)

    send_queued(message_id=message.pk)

    assert row(message).last_error == "Sans objet : non envoyé avant le 1er décembre 2026 à 09:30."


# Never twice ------------------------------------------------------------------------------------------------


def test_a_sent_row_is_not_sent_again_when_a_second_worker_has_it(smtp_sink):
    message = queued()

    first = send_queued(message_id=message.pk)
    second = send_queued(message_id=message.pk)  # the task and the five-minute sweep on the same row

    assert (first.status, second.status) == (ST.SENT, "")
    assert smtp_sink.recipients() == ["awa@exemple.fr"]


def test_of_two_workers_holding_the_same_row_one_sends(smtp_sink):
    message = queued()
    claimed_first = Message.objects.claim(message.pk)  # worker A, between its claim and SMTP

    second = send_queued(message_id=message.pk)  # worker B

    assert (claimed_first, second.status, smtp_sink.recipients()) == (True, "", [])


def test_a_row_left_half_sent_is_marked_failed_and_never_resent(smtp_sink, caplog):
    message = queued()
    Message.objects.filter(pk=message.pk).update(
        status=ST.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )

    with caplog.at_level(logging.WARNING, logger="outbox.sending"):
        outcome = send_due(now=later(60))
        again = send_due(now=later(24 * 60))

    assert (outcome["stuck"], again["stuck"], again["sent"]) == (1, 0, 0)
    assert row(message).status == ST.FAILED
    assert row(message).last_error.startswith("Envoi interrompu")
    assert smtp_sink.recipients() == []
    assert f"marked failed (not resent, at most once): [{message.pk}]" in caplog.text


def test_a_row_being_sent_right_now_is_not_reported_stuck(smtp_sink):
    message = queued()
    Message.objects.claim(message.pk)

    assert send_due()["stuck"] == 0
    assert row(message).status == ST.SENDING


def test_the_sweep_sends_at_most_its_limit(smtp_sink):
    for number in range(3):
        MessageFactory(email=f"p{number}@exemple.fr")

    assert [send_due(limit=2)["sent"], send_due(limit=2)["sent"]] == [2, 1]
