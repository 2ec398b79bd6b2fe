"""Give every bassin and structure its Maillage identity (a UUID), one per row, then make it unique."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    for name in ("BassinPage", "StructurePage"):
        model = apps.get_model("network", name)
        rows = list(model.objects.filter(global_id__isnull=True).only("pk"))
        for row in rows:
            row.global_id = uuid.uuid4()
        model.objects.bulk_update(rows, ["global_id"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("network", "0008_load_communes")]

    operations = [
        migrations.AddField(
            model_name="bassinpage",
            name="global_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifiant Maillage"),
        ),
        migrations.AddField(
            model_name="structurepage",
            name="global_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifiant Maillage"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="bassinpage",
            name="global_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifiant Maillage"
            ),
        ),
        migrations.AlterField(
            model_name="structurepage",
            name="global_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifiant Maillage"
            ),
        ),
    ]
