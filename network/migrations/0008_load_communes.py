"""Fill the communes of the configured regions from GeoNames, so that « près de … » works on a new database."""

from django.db import migrations

from network.communes import load_communes


def load(apps, schema_editor):
    load_communes(commune_model=apps.get_model("network", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("network", "0007_commune")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
