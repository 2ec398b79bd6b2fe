"""Moving the programmes' outbox into `outbox.Message` (programmes/migrations/0002): no e-mail is lost,
none is sent twice, each keeps its key, state and what it was about."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from outbox.models import Message, MessageStatus

BEFORE = [("programmes", "0001_initial"), ("outbox", "0001_initial")]
AFTER = [("programmes", "0002_move_notifications_to_outbox")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notifications_become_outbox_messages_with_their_state():
    old_apps = migrate(BEFORE)
    Notification = old_apps.get_model("programmes", "Notification")
    retry_at = timezone.now() + timedelta(minutes=4)
    Notification.objects.create(
        key="call-open:1:2",
        reason="reminder_call_open",
        email="awa@exemple.fr",
        subject="Appel ouvert",
        body_text="Bonjour",
        body_html="<p>Bonjour</p>",
        status="attente",
        attempts=2,
        next_attempt_at=retry_at,
        last_error="ConnectionRefusedError",
    )
    Notification.objects.create(
        key="accepted:3:4",
        reason="contribution_accepted",
        email="bruno@exemple.fr",
        subject="Retenue",
        body_text="Bonjour",
        status="envoye",
        attempts=1,
        sent_at=timezone.now(),
    )

    migrate(AFTER)

    rows = list(
        Message.objects.order_by("key").values_list(
            "key", "email", "status", "attempts", "last_error", "topic"
        )
    )
    assert rows == [
        ("accepted:3:4", "bruno@exemple.fr", MessageStatus.SENT, 1, "", ""),
        ("call-open:1:2", "awa@exemple.fr", MessageStatus.PENDING, 2, "ConnectionRefusedError", ""),
    ]
    pending = Message.objects.get(key="call-open:1:2")
    assert (pending.next_attempt_at, pending.body_html, pending.max_attempts) == (
        retry_at,
        "<p>Bonjour</p>",
        8,
    )
    assert list(Message.objects.due(retry_at).values_list("key", flat=True)) == ["call-open:1:2"]
