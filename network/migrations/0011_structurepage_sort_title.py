from django.db import migrations, models

from network.text import fold_accents


def fill_sort_titles(apps, schema_editor):
    """Existing structures get their folded title (new and saved ones get it from `save`)."""
    StructurePage = apps.get_model("network", "StructurePage")
    rows = [
        StructurePage(pk=pk, sort_title=fold_accents(title))
        for pk, title in StructurePage.objects.values_list("pk", "title").iterator()
    ]
    StructurePage.objects.bulk_update(rows, ["sort_title"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0010_federation_origin"),
    ]

    operations = [
        migrations.AddField(
            model_name="structurepage",
            name="sort_title",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill_sort_titles, migrations.RunPython.noop),
    ]
