"""The indexes of 0015's columns, built once the rows are filled."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0015_occurrence_place_and_span"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="occurrence",
            index=models.Index(
                fields=["place_latitude", "place_longitude", "local_date"], name="occurrence_place"
            ),
        ),
        migrations.AddIndex(
            model_name="occurrence",
            index=models.Index(
                condition=models.Q(("spans_days", True)), fields=["end"], name="occurrence_spanning_end"
            ),
        ),
    ]
