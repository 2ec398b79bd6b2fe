"""`Feed` moved to the `calendars` app: state only (no table is dropped; `calendars.0001` takes it over)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calendars', '0001_initial'),
        ('events', '0008_drop_redundant_fk_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='atelier',
                    name='feed',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='ateliers', to='calendars.feed', verbose_name="calendrier d'origine"),
                ),
                migrations.DeleteModel(
                    name='Feed',
                ),
            ],
        ),
    ]
