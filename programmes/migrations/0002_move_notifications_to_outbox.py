"""The programmes' outbox becomes the site's: every `Notification` row is copied into `outbox.Message`
(same key, status, attempts, dates: a pending e-mail stays pending, a sent one is never sent again), then
the table goes. The beat entry of the old sweep goes too (the outbox's own sweep replaces it)."""

from django.db import migrations


def copy_notifications(apps, schema_editor):
    Notification = apps.get_model("programmes", "Notification")
    Message = apps.get_model("outbox", "Message")
    rows = []
    for notification in Notification.objects.order_by("pk").iterator():
        topic = f"cycle:{notification.cycle_id}" if notification.cycle_id else ""
        if notification.contribution_id:
            topic = f"{topic}/contribution:{notification.contribution_id}".lstrip("/")
        rows.append(
            Message(
                key=notification.key,
                reason=notification.reason,
                topic=topic,
                user_id=notification.user_id,
                email=notification.email,
                subject=notification.subject,
                body_text=notification.body_text,
                body_html=notification.body_html,
                status=notification.status,
                attempts=notification.attempts,
                max_attempts=max(8, notification.attempts),
                last_error=notification.last_error,
                created_at=notification.created_at,
                next_attempt_at=notification.next_attempt_at,
                claimed_at=notification.claimed_at,
                sent_at=notification.sent_at,
            )
        )
    Message.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def drop_old_beat_entry(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task="programmes.tasks.send_due_programme_emails").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("outbox", "0001_initial"),
        ("django_celery_beat", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_notifications, migrations.RunPython.noop),
        migrations.RunPython(drop_old_beat_entry, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
