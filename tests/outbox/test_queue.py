"""`queue_email`: one row per key, written in the caller's transaction, rendered on the one base template,
sent once the transaction commits; `cancel_emails` and `resend_email`."""

import pytest
from django.db import transaction

from outbox.models import Message, MessageStatus
from outbox.queue import cancel_emails, queue_email, resend_email
from outbox.sending import send_due
from outbox.tasks import send_message
from tests.factories import UserFactory
from tests.programmes.factories import CycleFactory

from .factories import MessageFactory, queued

pytestmark = pytest.mark.django_db

ST = MessageStatus


@pytest.fixture
def cycle():
    return CycleFactory(title="Human Tech Days 2027", slug="human-tech-days-2027")


def call_open(cycle, user, key="call-open:1:1", **kwargs):
    """The programmes' call-open reminder: a real template extending the outbox's base ones."""
    return queue_email(
        key=key,
        reason="reminder_call_open",
        to=user.email,
        user=user,
        template="programmes/emails/reminder_call_open",
        context={
            "cycle": cycle,
            "structures": [],
            "propose_url": "http://127.0.0.1:8000/pro/programmes/human-tech-days-2027/proposer/",
            "cycle_url": "http://127.0.0.1:8000/human-tech-days-2027/",
            "days_left": 10,
        },
        topic=f"cycle:{cycle.pk}",
        **kwargs,
    )


def test_queue_email_renders_and_stores_one_row_per_key(cycle):
    awa = UserFactory(email="awa@exemple.fr", first_name="Awa", last_name="Diallo")
    first = call_open(cycle, awa, enqueue=False)
    again = call_open(cycle, UserFactory(email="autre@exemple.fr"), enqueue=False)

    assert again is None
    assert list(Message.objects.values_list("key", "email", "status")) == [
        ("call-open:1:1", "awa@exemple.fr", ST.PENDING)
    ]
    assert first.subject == "Appel à contributions ouvert : Human Tech Days 2027"
    assert first.body_text.startswith("Bonjour Awa Diallo,\n\n")
    assert "http://127.0.0.1:8000/pro/programmes/human-tech-days-2027/proposer/" in first.body_text
    assert first.body_html.startswith("<!DOCTYPE html>")
    assert 'style="max-width:560px;' in first.body_html  # the outbox's base layout


def test_queue_email_stores_what_the_caller_rendered():
    message = queued("bruno@exemple.fr", key="k", headers={"Precedence": "bulk"}, topic="digest:2030-W01")

    assert (message.email, message.subject, message.headers, message.topic, message.user) == (
        "bruno@exemple.fr",
        "Votre demande sur Maillage",
        {"Precedence": "bulk"},
        "digest:2030-W01",
        None,
    )


def test_queue_email_skips_people_without_address_or_inactive():
    inactive = UserFactory(email="partie@exemple.fr", is_active=False)

    assert (queued(""), queued(inactive.email, user=inactive)) == (None, None)
    assert Message.objects.count() == 0


def test_queue_email_is_part_of_the_callers_transaction():
    with transaction.atomic():
        queued("awa@exemple.fr")
        transaction.set_rollback(True)

    assert Message.objects.count() == 0


def test_queue_email_sends_after_commit_through_the_task(
    cycle, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = call_open(cycle, UserFactory(email="awa@exemple.fr"))

        assert smtp_sink.recipients() == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 1
    assert smtp_sink.recipients() == ["awa@exemple.fr"]
    assert Message.objects.get(pk=message.pk).status == ST.SENT


def test_queue_email_without_enqueue_waits_for_the_sweep(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        queued("awa@exemple.fr", enqueue=False)

    assert (callbacks, Message.objects.due().count()) == ([], 1)


def test_cancel_emails_drops_the_pending_ones_of_a_topic():
    MessageFactory(topic="structure:1/invitation:5")
    MessageFactory(topic="structure:1/invitation:5", status=ST.SENT)
    MessageFactory(topic="structure:1/invitation:6")

    assert cancel_emails(topic="structure:1/invitation:5", reason="Invitation remplacée") == 1
    assert list(Message.objects.order_by("pk").values_list("status", flat=True)) == [
        ST.CANCELLED,
        ST.SENT,
        ST.PENDING,
    ]


def test_resend_email_enqueues_a_failed_one_and_nothing_else(django_capture_on_commit_callbacks):
    failed, sent = MessageFactory(status=ST.FAILED), MessageFactory(status=ST.SENT)

    with django_capture_on_commit_callbacks() as callbacks:
        assert (resend_email(message=failed), resend_email(message=sent)) == (True, False)

    assert len(callbacks) == 1
    assert Message.objects.get(pk=failed.pk).status == ST.PENDING


def test_queue_email_with_the_broker_down_commits_and_leaves_the_row_to_the_sweep(
    broker_down, smtp_sink, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queued("awa@exemple.fr", enqueue=True)  # the publish after commit fails: no exception

    assert len(callbacks) == 1
    assert "left to its periodic task, the broker is unreachable" in caplog.text
    assert (Message.objects.get().status, smtp_sink.recipients()) == (ST.PENDING, [])
    assert send_due() == {"sent": 1, "retry": 0, "failed": 0, "stuck": 0}
    assert send_message(message_id=message.pk) == ""  # the task arriving late finds the row sent
    assert smtp_sink.recipients() == ["awa@exemple.fr"]
