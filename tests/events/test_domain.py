"""Workflows of `events.domain`: rebuilding and extending sessions, duplicating an atelier, changing,
cancelling and restoring one session."""

import math
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import domain, enums
from events.models import Atelier, Occurrence, SessionOverride
from events.occurrences import build_occurrences
from events.recurrence import PARIS, localize
from tests.events.schedules import TODAY, sessions, weekly
from tests.factories import AtelierFactory, StructureFactory


@pytest.fixture
def atelier(db):
    return AtelierFactory(title="Tablette", rrule="FREQ=WEEKLY;COUNT=3")


def session_start(atelier, index=0):
    return localize(datetime.combine(atelier.start_date + timedelta(days=7 * index), time(14)))


def test_cancel_session_cancels_only_that_occurrence(atelier):
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier, 1))

    statuses = list(atelier.occurrences.order_by("start").values_list("status", flat=True))
    assert statuses == [enums.Status.SCHEDULED, enums.Status.CANCELLED, enums.Status.SCHEDULED]


def test_cancel_session_twice_keeps_one_override(atelier):
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))

    assert SessionOverride.objects.filter(atelier=atelier).count() == 1


def test_restore_session_removes_bare_override(atelier):
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))

    result = domain.restore_session(atelier=atelier, original_start=session_start(atelier))

    assert result is None
    assert not SessionOverride.objects.exists()
    assert Occurrence.objects.get(recurrence_id=session_start(atelier)).status == enums.Status.SCHEDULED


def test_restore_session_keeps_other_changes(atelier):
    domain.update_session(atelier=atelier, original_start=session_start(atelier), note="Salle 2")
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))

    override = domain.restore_session(atelier=atelier, original_start=session_start(atelier))

    assert (override.status, override.note) == (enums.Status.SCHEDULED, "Salle 2")
    assert Occurrence.objects.get(recurrence_id=session_start(atelier)).note == "Salle 2"


def test_update_session_moves_and_fills(atelier):
    new_start = session_start(atelier) + timedelta(hours=1)

    domain.update_session(
        atelier=atelier,
        original_start=session_start(atelier),
        status=enums.Status.FULL,
        new_start=new_start,
        new_end=new_start + timedelta(hours=2),
        seats_taken=10,
    )

    occurrence = Occurrence.objects.get(recurrence_id=session_start(atelier))
    assert (occurrence.start, occurrence.status, occurrence.seats_taken, occurrence.is_moved) == (
        new_start,
        enums.Status.FULL,
        10,
        True,
    )


def test_update_session_unknown_start_is_refused(atelier):
    with pytest.raises(ValidationError) as error:
        domain.cancel_session(atelier=atelier, original_start=session_start(atelier) + timedelta(hours=1))

    assert error.value.messages == ["Cette séance ne fait pas partie de l'atelier « Tablette »."]
    assert not SessionOverride.objects.exists()


def test_duplicate_atelier_new_identity_same_content_no_overrides(atelier):
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))
    atelier.refresh_from_db()

    copy = domain.duplicate_atelier(atelier=atelier)

    assert copy.pk != atelier.pk and copy.uid != atelier.uid
    assert (copy.title, copy.sequence, copy.structure_id, copy.rrule) == (
        "Tablette (copie)",
        0,
        atelier.structure_id,
        atelier.rrule,
    )
    assert not copy.overrides.exists()
    assert list(copy.occurrences.values_list("status", flat=True)) == [enums.Status.SCHEDULED] * 3


def test_duplicate_imported_atelier_becomes_local(atelier):
    atelier.source = enums.Source.FEED
    domain.save_atelier(atelier=atelier)

    copy = domain.duplicate_atelier(atelier=atelier)

    assert copy.source == enums.Source.LOCAL
    assert copy.start_date >= timezone.localdate()


# ---- rebuilding sessions -------------------------------------------------------------------------------


def test_build_occurrences_does_not_write(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    Occurrence.objects.all().delete()

    rows = build_occurrences(atelier, today=TODAY)

    assert [row.pk for row in rows] == [None] * 3
    assert Occurrence.objects.count() == 0
    assert domain.rebuild_sessions(atelier=atelier, today=TODAY) == 3


def test_extend_sessions_adds_the_new_days_of_open_ended_series_only(clock, structure):
    open_ended = weekly(structure)
    long_series = weekly(
        structure, rrule="FREQ=WEEKLY;BYDAY=WE;UNTIL=20290101T235959", start_date=date(2027, 1, 13)
    )
    bounded = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=4", start_date=date(2027, 1, 14))
    one_off = weekly(structure, rrule="", start_date=date(2027, 1, 15))
    bounded_rows = sorted(Occurrence.objects.filter(atelier=bounded).values_list("pk", flat=True))
    one_off_rows = list(Occurrence.objects.filter(atelier=one_off).values_list("pk", flat=True))
    before = Occurrence.objects.filter(atelier=open_ended).count()

    refreshed = domain.extend_sessions(today=TODAY + timedelta(days=35))

    assert refreshed == 2
    last = Occurrence.objects.filter(atelier=open_ended).latest("start")
    assert last.local_date == date(2028, 2, 15)
    assert Occurrence.objects.filter(atelier=open_ended).count() == before + 5
    assert Occurrence.objects.filter(atelier=long_series).latest("start").local_date == date(2028, 2, 16)
    assert sorted(Occurrence.objects.filter(atelier=bounded).values_list("pk", flat=True)) == bounded_rows
    assert list(Occurrence.objects.filter(atelier=one_off).values_list("pk", flat=True)) == one_off_rows
    assert Atelier.objects.get(pk=bounded.pk).occurrences_until == date(2028, 2, 21)
    # Nothing left to do the same night.
    assert domain.extend_sessions(today=TODAY + timedelta(days=35)) == 0


def test_extend_sessions_follows_the_clock(clock, structure):
    atelier = weekly(structure)

    clock.move_to(datetime(2027, 2, 15, 3, 0, tzinfo=PARIS), tick=False)

    assert domain.extend_sessions() == 1
    assert Occurrence.objects.filter(atelier=atelier).latest("start").local_date == date(2028, 2, 15)


def test_rebuild_sessions_records_the_day_of_the_last_session(clock, structure):
    bounded = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    open_ended = weekly(structure)

    bounded.refresh_from_db()
    open_ended.refresh_from_db()

    assert bounded.last_session_date == date(2027, 1, 26)
    assert open_ended.last_session_date == date(2028, 1, 11)


def test_rebuild_many_sessions_writes_the_same_rows_as_rebuild_sessions(clock, structure):
    def snapshot(atelier):
        return [
            (row.recurrence_id, row.start, row.end, row.status, row.commune, row.is_evening)
            for row in sessions(atelier)
        ]

    first = weekly(structure)
    second = weekly(structure, rrule="FREQ=MONTHLY;BYDAY=-1TH", start_date=date(2027, 1, 28))
    domain.cancel_session(atelier=first, original_start=localize(datetime(2027, 1, 19, 14)))
    expected = {first.pk: snapshot(first), second.pk: snapshot(second)}
    Occurrence.objects.all().delete()
    Atelier.objects.update(last_session_date=None)

    count = domain.rebuild_many_sessions(
        ateliers=Atelier.objects.prefetch_related("overrides").select_related("structure")
    )

    assert {first.pk: snapshot(first), second.pk: snapshot(second)} == expected
    assert count == len(expected[first.pk]) + len(expected[second.pk])
    assert set(Atelier.objects.values_list("last_session_date", flat=True)) == {
        date(2028, 1, 11),
        date(2027, 12, 30),
    }


def test_create_ateliers_inserts_each_row_once_with_the_sessions_rebuild_would_write(clock, structure):
    def unsaved(title, rrule):
        return Atelier(
            structure=structure,
            title=title,
            start_date=date(2027, 1, 12),
            start_time=time(14),
            end_time=time(16),
            rrule=rrule,
        )

    def snapshot(atelier):
        atelier.refresh_from_db()
        rows = [(row.recurrence_id, row.start, row.end, row.status, row.commune) for row in sessions(atelier)]
        return rows, atelier.last_session_date, atelier.occurrences_until

    bounded, open_ended = unsaved("Tablette", "FREQ=WEEKLY;BYDAY=TU;COUNT=3"), unsaved("Café", "FREQ=WEEKLY")

    with CaptureQueriesContext(connection) as queries:
        count = domain.create_ateliers(ateliers=[bounded, open_ended])

    written = snapshot(bounded), snapshot(open_ended)
    domain.rebuild_many_sessions(ateliers=[bounded, open_ended])
    assert (snapshot(bounded), snapshot(open_ended)) == written
    assert written[0][1:] == (date(2027, 1, 26), date(2028, 1, 17))
    assert (len(written[0][0]), count) == (3, 3 + len(written[1][0]))
    # The ateliers, then their sessions: as many INSERTs as the backend's batches (SQLite caps
    # the parameters of one statement).
    fields = [field for field in Occurrence._meta.concrete_fields if not field.primary_key]
    batches = math.ceil(count / min(connection.ops.bulk_batch_size(fields, range(count)), domain.WRITE_BATCH))
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["INSERT"] * (1 + batches)


def test_create_ateliers_without_sessions_inserts_the_ateliers_only(clock, structure):
    atelier = Atelier(
        structure=structure,
        title="Tablette",
        start_date=date(2027, 1, 12),
        start_time=time(14),
        end_time=time(16),
    )

    assert domain.create_ateliers(ateliers=[atelier], sessions=False) == 0
    assert (Atelier.objects.filter(pk=atelier.pk).exists(), Occurrence.objects.count()) == (True, 0)


def test_a_session_change_is_stamped_for_peers_the_series_is_not(atelier):
    """Federation reads `sessions_changed_at`; `updated_at` stays the series' own (digests, LAST-MODIFIED)."""
    Atelier.objects.filter(pk=atelier.pk).update(updated_at=timezone.now() - timedelta(days=2))
    before = Atelier.objects.get(pk=atelier.pk).updated_at

    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))
    cancelled = Atelier.objects.get(pk=atelier.pk).sessions_changed_at
    domain.restore_session(atelier=atelier, original_start=session_start(atelier))
    restored = Atelier.objects.get(pk=atelier.pk)

    assert restored.updated_at == before
    assert before < cancelled <= restored.sessions_changed_at


# ---- sessions follow their structure ----


def test_follow_structure_moves_the_sessions_held_there_only(db):
    structure = StructureFactory(latitude=47.0, longitude=2.0)
    at_structure = AtelierFactory(structure=structure, rrule="FREQ=WEEKLY;COUNT=2")
    own_place = AtelierFactory(
        structure=structure, rrule="FREQ=WEEKLY;COUNT=2", commune="Méreau", latitude=47.16, longitude=2.05
    )
    structure.latitude, structure.longitude = 46.5, 1.5
    structure.save()

    changed = domain.follow_structure(structure=structure)

    assert changed == 2
    assert set(at_structure.occurrences.values_list("place_latitude", "place_longitude", "latitude")) == {
        (46.5, 1.5, 46.5)
    }
    assert set(own_place.occurrences.values_list("place_latitude", "place_longitude")) == {(47.16, 2.05)}
    assert domain.follow_structure(structure=structure) == 0  # already right: nothing written


def test_publishing_a_moved_structure_moves_its_sessions(db):
    atelier = AtelierFactory(rrule="FREQ=WEEKLY;COUNT=2")
    structure = atelier.structure
    structure.latitude, structure.longitude = 45.75, 4.85

    structure.save_revision().publish()

    assert set(atelier.occurrences.values_list("place_latitude", "place_longitude")) == {(45.75, 4.85)}


def test_a_structure_losing_its_coordinates_leaves_its_sessions_to_be_placed_when_read(db):
    structure = StructureFactory(latitude=47.0, longitude=2.0)
    atelier = AtelierFactory(structure=structure, rrule="FREQ=WEEKLY;COUNT=2")
    structure.latitude = structure.longitude = None
    structure.save()

    domain.follow_structure(structure=structure)

    assert set(atelier.occurrences.values_list("place_latitude", "at_structure")) == {(None, True)}
