"""`Atelier.changed_at`: the API's `updated_at` (the later of `updated_at` and `sessions_changed_at`) stored
by the database itself and indexed with `uid`, the order of `/api/v1/ateliers/`; and a narrow partial index
of the public series by structure, which the list's count reads. Adding a stored generated column computes
it for every existing row (SQLite rebuilds the table; PostgreSQL rewrites it)."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    # Only the events app's own history: the column and indexes read Atelier's columns alone (depending on
    # other apps' latest migrations would make rolling one of them back drop this column too).
    dependencies = [
        ("events", "0016_occurrence_place_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name='atelier',
            name='changed_at',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.comparison.Greatest('updated_at', django.db.models.functions.comparison.Coalesce('sessions_changed_at', 'updated_at')), output_field=models.DateTimeField()),
        ),
        migrations.AddIndex(
            model_name='atelier',
            index=models.Index(fields=['changed_at', 'uid'], name='atelier_changed'),
        ),
        migrations.AddIndex(
            model_name='atelier',
            index=models.Index(
                condition=models.Q(('visibility', 'public')), fields=['structure'], name='atelier_public_structure'
            ),
        ),
    ]
