"""Store each structure's bassin (its parent page) on the structure.

The rows are filled from the tree: the structures of a bassin are its children, i.e. the pages one level below
it in its subtree, the definition Wagtail's `child_of` uses.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_bassin(apps, schema_editor):
    BassinPage = apps.get_model("network", "BassinPage")
    StructurePage = apps.get_model("network", "StructurePage")
    for bassin in BassinPage.objects.only("pk", "path", "depth"):
        StructurePage.objects.filter(path__startswith=bassin.path, depth=bassin.depth + 1).update(
            bassin=bassin.pk
        )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0003_membershiprequest_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="structurepage",
            name="bassin",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="structures",
                to="network.bassinpage",
                verbose_name="bassin de vie",
            ),
        ),
        migrations.RunPython(fill_bassin, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="structurepage",
            name="bassin",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="structures",
                to="network.bassinpage",
                verbose_name="bassin de vie",
            ),
        ),
    ]
