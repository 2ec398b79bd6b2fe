"""Give the moved `Feed` its own app's table name and content type, keeping every row.

The rename keeps the rows, the primary key sequence and the foreign key from `events_atelier.feed_id`. The
content type row is relabelled rather than recreated, so that anything pointing at it (admin log entries,
permissions) still finds the feed model.
"""

from django.db import migrations


def relabel_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label="calendars", model="feed").exists():
        return
    content_type.objects.filter(app_label="events", model="feed").update(app_label="calendars")


def restore_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label="events", model="feed").exists():
        return
    content_type.objects.filter(app_label="calendars", model="feed").update(app_label="events")


class Migration(migrations.Migration):
    dependencies = [
        ("calendars", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0009_move_feed_to_calendars"),
    ]

    operations = [
        migrations.AlterModelTable(name="feed", table=None),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
