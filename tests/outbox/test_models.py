"""`Message` and its queries: claimed once, due when its time has come, found by topic, resent only when
failed."""

import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import Message, MessageStatus, is_permanent

from .factories import MessageFactory, later

pytestmark = pytest.mark.django_db

ST = MessageStatus


def test_a_row_is_claimed_once():
    message = MessageFactory()

    assert [Message.objects.claim(message.pk), Message.objects.claim(message.pk)] == [True, False]
    message.refresh_from_db()
    assert (message.status, message.claimed_at is not None) == (ST.SENDING, True)


def test_only_pending_rows_can_be_claimed():
    rows = [MessageFactory(status=status) for status in (ST.SENT, ST.FAILED, ST.CANCELLED, ST.SENDING)]

    assert [Message.objects.claim(row.pk) for row in rows] == [False] * 4


def test_due_rows_are_pending_and_their_time_has_come():
    now_row = MessageFactory()
    MessageFactory(next_attempt_at=later(10))
    MessageFactory(status=ST.SENT)
    MessageFactory(status=ST.FAILED)

    assert list(Message.objects.due()) == [now_row]
    assert Message.objects.due(later(11)).count() == 2


def test_stuck_rows_are_those_claimed_long_ago():
    old = MessageFactory(status=ST.SENDING, claimed_at=timezone.now() - timedelta(hours=1))
    MessageFactory(status=ST.SENDING, claimed_at=timezone.now())

    assert list(Message.objects.stuck(older_than=timezone.now() - timedelta(minutes=30))) == [old]


def test_about_finds_a_topic_and_what_is_under_it_only():
    cycle = MessageFactory(topic="cycle:3")
    contribution = MessageFactory(topic="cycle:3/contribution:8")
    MessageFactory(topic="cycle:30")
    MessageFactory(topic="cycle:30/contribution:9")

    assert set(Message.objects.about("cycle:3")) == {cycle, contribution}
    assert list(Message.objects.about("cycle:3/contribution:8")) == [contribution]


def test_resend_puts_a_failed_row_back_with_more_attempts():
    message = MessageFactory(status=ST.FAILED, attempts=8, max_attempts=8, next_attempt_at=later(-60))

    assert message.resend() is True
    message.refresh_from_db()
    assert (message.status, message.attempts, message.max_attempts) == (ST.PENDING, 8, 16)
    assert Message.objects.due().get() == message


@pytest.mark.parametrize("status", [ST.PENDING, ST.SENDING, ST.SENT, ST.CANCELLED])
def test_resend_never_touches_a_row_that_did_not_fail(status):
    message = MessageFactory(status=status)

    assert (message.resend(), Message.objects.get().status) == (False, status)


def test_cancel_drops_an_unsent_row_but_not_a_sent_one():
    pending, sent = MessageFactory(), MessageFactory(status=ST.SENT)

    assert (pending.cancel(reason="Sans objet"), sent.cancel(reason="Sans objet")) == (True, False)
    assert list(Message.objects.order_by("pk").values_list("status", "last_error")) == [
        (ST.CANCELLED, "Sans objet"),
        (ST.SENT, ""),
    ]


def test_as_email_has_text_html_and_headers():
    message = MessageFactory(body_html="<p>Un rappel.</p>", headers={"Precedence": "bulk"})

    email = message.as_email()

    assert (email.to, email.subject, email.body, email.extra_headers) == (
        [message.email],
        "Rappel",
        "Bonjour,\n\nUn rappel.\n",
        {"Precedence": "bulk"},
    )
    assert email.alternatives[0].content == "<p>Un rappel.</p>"


def test_only_a_5xx_refusal_of_every_recipient_is_permanent():
    def refused(code):
        return smtplib.SMTPRecipientsRefused({"a@exemple.fr": (code, b"non")})

    assert [
        is_permanent(refused(550)),
        is_permanent(refused(452)),
        is_permanent(ConnectionRefusedError()),
    ] == [
        True,
        False,
        False,
    ]
