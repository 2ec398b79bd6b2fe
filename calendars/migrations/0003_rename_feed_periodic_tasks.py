"""Point the scheduled feed tasks stored by django-celery-beat at their new module.

Beat copies `CELERY_BEAT_SCHEDULE` into its tables, where admins may have changed the timing; renaming the
stored task (instead of letting beat add a second entry) keeps those changes and never dispatches twice.
"""

from django.db import migrations

RENAMED = {
    "calendars.tasks.dispatch_due_feeds": "calendars.tasks.dispatch_due_feeds",
    "calendars.tasks.sync_feed_task": "calendars.tasks.sync_feed_task",
}


def rename(apps, schema_editor, mapping):
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in mapping.items():
        periodic_task.objects.filter(task=old).update(task=new)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, RENAMED)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("calendars", "0002_feed_default_table"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
