"""An atelier's price takes the structures' list (`network.enums.Frais`, the national schema's values).

The stored codes change from our own (`gratuit`, `gratuit_sous_condition`, `payant`) to the schema's
(`Gratuit`, `Gratuit sous condition`, `Payant`); labels are the same.
"""

from django.db import migrations, models

OLD_TO_NEW = {
    "gratuit": "Gratuit",
    "gratuit_sous_condition": "Gratuit sous condition",
    "payant": "Payant",
}


def _rename(apps, mapping):
    Atelier = apps.get_model("events", "Atelier")
    for old, new in mapping.items():
        Atelier.objects.filter(price=old).update(price=new)


def forwards(apps, schema_editor):
    _rename(apps, OLD_TO_NEW)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in OLD_TO_NEW.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_sessionoverride_title"),
    ]

    operations = [
        migrations.AlterField(
            model_name="atelier",
            name="price",
            field=models.CharField(
                choices=[
                    ("Gratuit", "Gratuit"),
                    ("Gratuit sous condition", "Gratuit sous condition"),
                    ("Payant", "Payant"),
                ],
                default="Gratuit",
                max_length=25,
                verbose_name="tarif",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
