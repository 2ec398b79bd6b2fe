"""The outbox's Celery tasks: `send_message` for a fresh row, `send_due_messages` (beat) for the rest, and a
real worker process sending through a real SMTP server."""

import re
import sqlite3

import pytest
from celery.schedules import crontab
from django.conf import settings

from outbox.models import Message, MessageStatus
from outbox.tasks import send_due_messages, send_message

from .factories import queued


@pytest.mark.django_db
def test_the_task_sends_the_new_row_and_the_sweep_the_rest(smtp_sink):
    fresh = queued("awa@exemple.fr")
    missed = queued("bruno@exemple.fr")  # its task never reached the broker

    assert send_message(message_id=fresh.pk) == MessageStatus.SENT
    assert send_due_messages() == {"sent": 1, "retry": 0, "failed": 0, "stuck": 0}
    assert [send_message(message_id=fresh.pk), send_message(message_id=missed.pk)] == ["", ""]
    assert smtp_sink.recipients() == ["awa@exemple.fr", "bruno@exemple.fr"]


@pytest.mark.django_db
def test_the_task_records_a_failure_for_the_sweep_instead_of_raising(smtp_sink):
    message = queued()
    smtp_sink.stop()

    assert send_message(message_id=message.pk) == MessageStatus.PENDING
    assert Message.objects.get().attempts == 1


def test_the_beat_runs_the_sweep_every_five_minutes():
    from celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-due-emails"]

    assert entry["task"] == "outbox.tasks.send_due_messages"
    assert isinstance(entry["schedule"], crontab)
    assert (entry["schedule"].hour, entry["schedule"].minute) == (set(range(24)), set(range(0, 60, 5)))
    assert {"outbox.tasks.send_message", "outbox.tasks.send_due_messages"} <= set(app.tasks)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_sends_an_email_once_even_when_enqueued_twice(start_celery_worker, smtp_sink):
    message = queued("awa@exemple.fr")
    worker = start_celery_worker(smtp_port=smtp_sink.port)

    first = worker.send("outbox.tasks.send_message", message_id=message.pk)
    worker.wait_for(re.escape(f"[{first}] succeeded") + r".*'envoye'", timeout=60)
    second = worker.send("outbox.tasks.send_message", message_id=message.pk)
    worker.wait_for(re.escape(f"[{second}] succeeded") + r".*''", timeout=60)
    worker.stop()

    assert smtp_sink.recipients() == ["awa@exemple.fr"]
    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            rows = database.execute("SELECT status, attempts FROM outbox_message").fetchall()
    else:
        rows = list(Message.objects.values_list("status", "attempts"))
    assert rows == [("envoye", 1)]
