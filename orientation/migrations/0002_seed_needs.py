"""Seed the lexicon of needs with the French words of the field study (`orientation.lexicon`)."""

from django.db import migrations


def seed_needs(apps, schema_editor):
    from orientation.lexicon import need_rows

    Need = apps.get_model("orientation", "Need")
    for row in need_rows():
        slug = row.pop("slug")
        Need.objects.get_or_create(slug=slug, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("orientation", "0001_need")]

    operations = [migrations.RunPython(seed_needs, migrations.RunPython.noop)]
