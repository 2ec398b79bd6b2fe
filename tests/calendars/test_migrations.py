"""calendars/migrations/0005: calendars saved twice for one structure are merged into the oldest before the
one-per-address constraint; their ateliers move to it, twins of its own are not kept twice."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from calendars.models import Feed
from events import enums
from events.models import Atelier
from tests.factories import AtelierFactory, StructureFactory

BEFORE = [("calendars", "0004_feedpreview")]
AFTER = [("calendars", "0005_feed_unique_url")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def imported(feed, uid, **fields):
    fields = {"source": enums.Source.FEED, **fields}
    return AtelierFactory(structure=feed.structure, feed=feed, remote_uid=uid, title=uid, **fields)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_duplicates_merge_into_the_oldest_with_their_ateliers():
    meli, ruches = StructureFactory(title="MELI"), StructureFactory(title="Les Ruches")
    migrate(BEFORE)  # the tables as they were: the same address may be saved twice
    oldest = Feed.objects.create(structure=meli, name="Agenda", url="https://agenda.example/a.ics")
    written_webcal = Feed.objects.create(
        structure=meli, name="Agenda bis", url="webcal://agenda.example/a.ics", active=True
    )
    copy = Feed.objects.create(structure=meli, name="Agenda ter", url="https://agenda.example/a.ics")
    elsewhere = Feed.objects.create(structure=ruches, url="https://agenda.example/a.ics")
    imported(oldest, "cafe")
    imported(oldest, "tablette")
    imported(copy, "cafe")  # the same event imported twice: the copy goes
    imported(copy, "smartphone")  # only in the copy: moves to the oldest
    imported(copy, "tablette", detached=True, source=enums.Source.LOCAL)  # edited here: kept, off any feed

    migrate(AFTER)

    [kept] = Feed.objects.filter(structure=meli)
    assert (kept.pk, kept.name, kept.url, kept.active) == (
        oldest.pk,
        "Agenda",
        "https://agenda.example/a.ics",
        True,
    )
    assert not Feed.objects.filter(pk__in=[written_webcal.pk, copy.pk]).exists()
    assert Feed.objects.filter(pk=elsewhere.pk).exists()
    rows = Atelier.objects.filter(structure=meli).order_by("remote_uid", "pk")
    assert [(row.remote_uid, row.feed_id, row.detached) for row in rows] == [
        ("cafe", kept.pk, False),
        ("smartphone", kept.pk, False),
        ("tablette", kept.pk, False),
        ("tablette", None, True),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Feed.objects.create(structure=meli, url="https://agenda.example/a.ics")
