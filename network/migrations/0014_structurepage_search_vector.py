"""The directory's own full-text column (`StructurePage.search_vector`, see `network.search_index`).

The column is added everywhere (SQLite stores the declared type as it is and leaves it null); on PostgreSQL
the existing structures get their vector, then the GIN index that the directory's search reads. The index
is made here rather than in `Meta.indexes`: SQLite cannot build a GIN index, and it rebuilds a table with
every index of `Meta` each time a later migration alters that table.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from network.search_index import has_search_vector, write_search_vectors

INDEX = GinIndex(fields=["search_vector"], name="structure_search_vector")


def fill_search_vectors(apps, schema_editor):
    """Each existing structure's vector, computed by the database from its folded texts, in batches."""
    StructurePage = apps.get_model("network", "StructurePage")
    structures = StructurePage.objects.using(schema_editor.connection.alias)
    if has_search_vector(structures.db):
        write_search_vectors(structures, structures.order_by("pk").iterator(chunk_size=2000))


def add_search_index(apps, schema_editor):
    if has_search_vector(schema_editor.connection.alias):
        schema_editor.add_index(apps.get_model("network", "StructurePage"), INDEX)


def remove_search_index(apps, schema_editor):
    if has_search_vector(schema_editor.connection.alias):
        schema_editor.remove_index(apps.get_model("network", "StructurePage"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0013_opening_interval"),
    ]

    operations = [
        migrations.AddField(
            model_name="structurepage",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_search_vectors, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_search_index, remove_search_index),
    ]
