"""Tests of the stored series chunks behind the .ics exports: used when current, rewritten when not."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, reset_queries
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from events.domain import save_atelier, update_session
from events.ical.export import join_calendar, series_chunk
from events.models import Atelier, SeriesExport
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

URL = "/agenda.ics"
BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def structure(db):
    return StructureFactory(bassin=BassinFactory(slug="centre"), slug="espace-centre", title="Espace Centre")


def written_anew(ateliers) -> bytes:
    """The VCALENDAR of `ateliers` written anew, nothing stored."""
    chunks = (series_chunk(atelier, base_url=BASE_URL) for atelier in ateliers)
    return join_calendar(chunks, name="Ateliers – Maillage")


def served(client) -> bytes:
    cache.clear()  # The whole-body cache would hide what this module does.
    response = client.get(URL)
    assert response.status_code == 200
    return response.content


def summaries(body: bytes) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in Calendar.from_ical(body).walk("VEVENT"))


def test_first_request_stores_each_series_and_serves_what_a_fresh_build_gives(client, structure):
    first = AtelierFactory(structure=structure, title="Tablette", rrule="FREQ=WEEKLY;COUNT=5")
    second = AtelierFactory(structure=structure, title="Smartphone")

    body = served(client)

    assert sorted(SeriesExport.objects.values_list("atelier_id", flat=True)) == [first.pk, second.pk]
    series = Atelier.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")
    assert body == written_anew(series.prefetch_related("structure", "overrides"))


def test_a_current_chunk_is_served_as_stored(client, structure):
    AtelierFactory(structure=structure, title="Tablette")
    served(client)
    SeriesExport.objects.update(body="BEGIN:VEVENT\r\nSUMMARY:Lu depuis la base\r\nEND:VEVENT\r\n")

    assert b"SUMMARY:Lu depuis la base" in served(client)


CHANGES = ["atelier", "new_override", "override_edit", "override_delete", "structure"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_makes_the_stored_chunk_stale(client, structure, change):
    atelier = AtelierFactory(structure=structure, title="Tablette", rrule="FREQ=WEEKLY;COUNT=5")
    override = update_session(
        atelier=atelier, original_start=atelier.occurrences.first().recurrence_id, note="Salle 2"
    )
    served(client)
    marker = "BEGIN:VEVENT\r\nSUMMARY:Ancienne version\r\nEND:VEVENT\r\n"
    SeriesExport.objects.update(body=marker)

    if change == "atelier":
        atelier.title = "Tablette (nouveau)"
        save_atelier(atelier=atelier)
    elif change == "new_override":
        update_session(
            atelier=atelier, original_start=atelier.occurrences.last().recurrence_id, note="Salle 3"
        )
    elif change == "override_edit":
        override.note = "Salle 4"
        override.save()
    elif change == "override_delete":
        override.delete()
    else:
        structure.save_revision().publish()
    body = served(client)

    assert b"Ancienne version" not in body
    assert SeriesExport.objects.get().body != marker
    assert "Tablette" in summaries(body)[0]


def test_current_chunks_save_the_loading_queries(client, structure):
    for _index in range(3):
        AtelierFactory(structure=structure, rrule="FREQ=WEEKLY;COUNT=5")

    def count() -> int:
        cache.clear()
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(URL)
        return len(queries)

    cold, warm = count(), count()

    # Stale series cost: loading them (ateliers, structures, overrides), a savepoint and the upsert.
    assert cold - warm == 6


def test_a_failed_store_still_serves_the_export(client, structure):
    AtelierFactory(structure=structure, title="Tablette")

    with mock.patch.object(SeriesExport.objects, "bulk_create", side_effect=DatabaseError("lecture seule")):
        body = served(client)

    assert summaries(body) == ["Tablette"]
    assert SeriesExport.objects.count() == 0
