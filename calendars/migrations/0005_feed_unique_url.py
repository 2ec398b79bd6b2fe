"""One calendar per structure and address, and the « à corriger » state of a calendar not read yet.

Before the constraint, a data step merges the calendars saved twice (a first try that failed, then a second):
in each group of the same structure and normalised address the oldest is kept; the others' ateliers move to
it, except those it already imported under the same UID (the same event twice: the copy goes, unless an
editor detached it, then it stays as the structure's own, off any calendar); the kept one stays active if
any of them was. The data step commits on its own (`atomic=False` below) so that PostgreSQL adds the
constraint after the deletions' deferred checks have run.
"""

from django.db import migrations, models


def normalise(url):
    url = (url or "").strip()
    for scheme in ("webcals://", "webcal://"):
        if url.lower().startswith(scheme):
            return "https://" + url[len(scheme) :]
    return url


def merge_duplicate_feeds(apps, schema_editor):
    Feed = apps.get_model("calendars", "Feed")
    Atelier = apps.get_model("events", "Atelier")
    groups = {}
    for feed in Feed.objects.order_by("created_at", "pk"):
        url = normalise(feed.url)
        if url != feed.url:
            Feed.objects.filter(pk=feed.pk).update(url=url)
        groups.setdefault((feed.structure_id, url), []).append(feed)
    for kept, *copies in groups.values():
        if not copies:
            continue
        for copy in copies:
            known = set(Atelier.objects.filter(feed=kept).values_list("remote_uid", flat=True))
            twins = Atelier.objects.filter(feed=copy, remote_uid__in=known)
            twins.filter(detached=True).update(feed=None)
            twins.filter(detached=False).delete()
            Atelier.objects.filter(feed=copy).update(feed=kept)
            if copy.active and not kept.active:
                Feed.objects.filter(pk=kept.pk).update(active=True, next_run_at=None)
                kept.active = True
            Feed.objects.filter(pk=copy.pk).delete()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("calendars", "0004_feedpreview"),
        ("events", "0011_atelier_price_from_frais"),
        ("network", "0004_structurepage_bassin"),
    ]

    operations = [
        migrations.AlterField(
            model_name="feed",
            name="status",
            field=models.CharField(
                choices=[
                    ("corriger", "À corriger"),
                    ("attente", "Pas encore synchronisé"),
                    ("ok", "Fonctionne"),
                    ("erreur", "En erreur"),
                ],
                default="attente",
                editable=False,
                max_length=10,
                verbose_name="état",
            ),
        ),
        migrations.RunPython(merge_duplicate_feeds, migrations.RunPython.noop, atomic=True),
        migrations.AddConstraint(
            model_name="feed",
            constraint=models.UniqueConstraint(
                fields=("structure", "url"),
                name="one_feed_per_structure_url",
                violation_error_message="Ce calendrier est déjà relié à cette structure.",
            ),
        ),
    ]
