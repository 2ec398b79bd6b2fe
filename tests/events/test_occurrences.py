"""Materialised sessions: what agendas and feeds read must match the series, its changes and the clock."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from calendars.reconcile import CONTENT_FIELDS
from events import enums
from events.models import Atelier, Occurrence, SessionOverride
from events.occurrences import (
    SESSION_FIELDS,
    build_rows,
    extend_all,
    materialise,
    materialise_many,
    session_records,
)
from events.recurrence import PARIS, localize
from tests.factories import AtelierFactory, StructureFactory

# A Monday in winter, morning in Paris.
TODAY = date(2027, 1, 11)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime(2027, 1, 11, 8, 0, tzinfo=PARIS), tick=False)
    return time_machine


@pytest.fixture
def structure(db):
    return StructureFactory(commune="Vierzon", adresse="1 rue de la Gare", latitude=47.22, longitude=2.07)


def weekly(structure, **fields) -> Atelier:
    values = {
        "structure": structure,
        "start_date": date(2027, 1, 12),
        "start_time": time(14),
        "end_time": time(16),
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "capacity": 10,
    }
    return AtelierFactory(**(values | fields))


def sessions(atelier):
    return list(Occurrence.objects.filter(atelier=atelier).order_by("recurrence_id"))


def test_open_ended_series_is_materialised_twelve_months_ahead(clock, structure):
    atelier = weekly(structure)

    rows = sessions(atelier)

    # Tuesdays from 12 January 2027 to the window end (11 January 2027 + 372 days, excluded).
    assert len(rows) == 53
    assert rows[0].start == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)
    assert rows[-1].local_date == date(2028, 1, 11)
    atelier.refresh_from_db()
    assert atelier.occurrences_until == date(2028, 1, 17)


def test_rows_carry_place_and_status_of_the_atelier(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=2")

    first = sessions(atelier)[0]

    assert (first.status, first.commune, first.place_name) == (
        enums.Status.SCHEDULED,
        "Vierzon",
        structure.title,
    )
    assert (first.address, first.latitude, first.longitude) == ("1 rue de la Gare", 47.22, 2.07)
    assert (first.seats_taken, first.places_left, first.is_moved) == (0, 10, False)


def test_local_facts_are_computed_in_paris(clock, structure):
    evening = weekly(
        structure, start_date=date(2027, 7, 3), start_time=time(18, 30), end_time=time(20), rrule=""
    )
    late = weekly(
        structure, start_date=date(2027, 7, 4), start_time=time(0, 30), end_time=time(1, 30), rrule=""
    )
    morning = weekly(structure, start_date=date(2027, 7, 6), start_time=time(10), end_time=time(12), rrule="")

    (saturday,) = sessions(evening)
    (night,) = sessions(late)
    (tuesday,) = sessions(morning)

    assert (saturday.is_evening, saturday.is_weekend, saturday.local_date) == (True, True, date(2027, 7, 3))
    assert saturday.start == datetime(2027, 7, 3, 16, 30, tzinfo=UTC)
    # 00:30 in Paris on Sunday is still Saturday in UTC: the local day is what people read.
    assert night.start.astimezone(UTC).date() == date(2027, 7, 3)
    assert (night.local_date, night.is_weekend, night.is_evening) == (date(2027, 7, 4), True, False)
    assert (tuesday.is_evening, tuesday.is_weekend) == (False, False)


def test_sessions_keep_their_wall_clock_time_across_the_march_change(clock, structure):
    atelier = weekly(
        structure, start_date=date(2027, 3, 21), rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=2", start_time=time(14)
    )

    assert [row.start for row in sessions(atelier)] == [
        datetime(2027, 3, 21, 13, tzinfo=UTC),
        datetime(2027, 3, 28, 12, tzinfo=UTC),
    ]
    assert {row.end - row.start for row in sessions(atelier)} == {timedelta(hours=2)}


def override(atelier, day: date, **fields) -> SessionOverride:
    moment = localize(datetime.combine(day, atelier.start_time))
    return SessionOverride.objects.create(atelier=atelier, original_start=moment, **fields)


def by_day(atelier) -> dict[date, Occurrence]:
    return {row.recurrence_id.astimezone(PARIS).date(): row for row in sessions(atelier)}


def test_overrides_cancel_move_relocate_and_fill_sessions(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5")
    override(atelier, date(2027, 1, 12), status=enums.Status.CANCELLED, note="Formateur absent")
    override(
        atelier,
        date(2027, 1, 19),
        new_start=localize(datetime(2027, 1, 21, 18)),
        new_end=localize(datetime(2027, 1, 21, 20)),
    )
    override(atelier, date(2027, 1, 26), place_name="Salle des fêtes", commune="Massay", latitude=47.15)
    override(atelier, date(2027, 2, 2), status=enums.Status.FULL, seats_taken=10)
    override(atelier, date(2027, 2, 9), seats_taken=7)

    rows = by_day(atelier)

    assert len(rows) == 5
    assert (rows[date(2027, 1, 12)].status, rows[date(2027, 1, 12)].note) == ("annule", "Formateur absent")
    moved = rows[date(2027, 1, 19)]
    assert moved.is_moved and moved.start == datetime(2027, 1, 21, 17, tzinfo=UTC)
    assert (moved.local_date, moved.is_evening) == (date(2027, 1, 21), True)
    assert moved.recurrence_id == datetime(2027, 1, 19, 13, tzinfo=UTC)
    elsewhere = rows[date(2027, 1, 26)]
    assert (elsewhere.place_name, elsewhere.commune, elsewhere.latitude) == (
        "Salle des fêtes",
        "Massay",
        47.15,
    )
    assert rows[date(2027, 2, 2)].is_full and rows[date(2027, 2, 2)].places_left == 0
    assert (rows[date(2027, 2, 9)].status, rows[date(2027, 2, 9)].places_left) == ("programme", 3)
    assert Occurrence.objects.filter(atelier=atelier).with_places_left().count() == 3


def test_deleting_an_override_restores_the_session(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=2")
    change = override(atelier, date(2027, 1, 12), status=enums.Status.CANCELLED)

    change.delete()

    assert by_day(atelier)[date(2027, 1, 12)].status == enums.Status.SCHEDULED


def test_editing_the_series_keeps_its_overrides(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    override(atelier, date(2027, 1, 19), status=enums.Status.CANCELLED)

    atelier.title = "Tablette : les bases"
    atelier.save()

    assert by_day(atelier)[date(2027, 1, 19)].status == enums.Status.CANCELLED
    assert Occurrence.objects.filter(atelier=atelier).count() == 3


def test_an_override_whose_session_is_gone_is_kept_but_ignored(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    override(atelier, date(2027, 1, 19), status=enums.Status.CANCELLED)

    atelier.start_time, atelier.end_time = time(15), time(17)
    atelier.save()

    assert SessionOverride.objects.filter(atelier=atelier).count() == 1
    assert {row.status for row in sessions(atelier)} == {enums.Status.SCHEDULED}


def test_a_cancelled_atelier_cancels_every_session(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    override(atelier, date(2027, 1, 12), status=enums.Status.FULL)
    override(atelier, date(2027, 1, 19), status=enums.Status.SCHEDULED, seats_taken=2)

    atelier.status = enums.Status.CANCELLED
    atelier.save()

    assert {row.status for row in sessions(atelier)} == {enums.Status.CANCELLED}


def test_build_rows_does_not_write(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    Occurrence.objects.all().delete()

    rows = build_rows(atelier, today=TODAY)

    assert [row.pk for row in rows] == [None] * 3
    assert Occurrence.objects.count() == 0
    assert materialise(atelier, today=TODAY) == 3


def test_extend_all_adds_the_new_days_of_open_ended_series_only(clock, structure):
    open_ended = weekly(structure)
    long_series = weekly(
        structure, rrule="FREQ=WEEKLY;BYDAY=WE;UNTIL=20290101T235959", start_date=date(2027, 1, 13)
    )
    bounded = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=4", start_date=date(2027, 1, 14))
    one_off = weekly(structure, rrule="", start_date=date(2027, 1, 15))
    bounded_rows = sorted(Occurrence.objects.filter(atelier=bounded).values_list("pk", flat=True))
    one_off_rows = list(Occurrence.objects.filter(atelier=one_off).values_list("pk", flat=True))
    before = Occurrence.objects.filter(atelier=open_ended).count()

    refreshed = extend_all(today=TODAY + timedelta(days=35))

    assert refreshed == 2
    last = Occurrence.objects.filter(atelier=open_ended).latest("start")
    assert last.local_date == date(2028, 2, 15)
    assert Occurrence.objects.filter(atelier=open_ended).count() == before + 5
    assert Occurrence.objects.filter(atelier=long_series).latest("start").local_date == date(2028, 2, 16)
    assert sorted(Occurrence.objects.filter(atelier=bounded).values_list("pk", flat=True)) == bounded_rows
    assert list(Occurrence.objects.filter(atelier=one_off).values_list("pk", flat=True)) == one_off_rows
    assert Atelier.objects.get(pk=bounded.pk).occurrences_until == date(2028, 2, 21)
    # Nothing left to do the same night.
    assert extend_all(today=TODAY + timedelta(days=35)) == 0


def test_extend_all_follows_the_clock(clock, structure):
    atelier = weekly(structure)

    clock.move_to(datetime(2027, 2, 15, 3, 0, tzinfo=PARIS), tick=False)

    assert extend_all() == 1
    assert Occurrence.objects.filter(atelier=atelier).latest("start").local_date == date(2028, 2, 15)


def test_materialise_records_the_day_of_the_last_session(clock, structure):
    bounded = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    open_ended = weekly(structure)

    bounded.refresh_from_db()
    open_ended.refresh_from_db()

    assert bounded.last_session_date == date(2027, 1, 26)
    assert open_ended.last_session_date == date(2028, 1, 11)


def test_materialise_many_writes_the_same_rows_as_materialise(clock, structure):
    def snapshot(atelier):
        return [
            (row.recurrence_id, row.start, row.end, row.status, row.commune, row.is_evening)
            for row in sessions(atelier)
        ]

    first = weekly(structure)
    second = weekly(structure, rrule="FREQ=MONTHLY;BYDAY=-1TH", start_date=date(2027, 1, 28))
    SessionOverride.objects.create(
        atelier=first, original_start=localize(datetime(2027, 1, 19, 14)), status=enums.Status.CANCELLED
    )
    expected = {first.pk: snapshot(first), second.pk: snapshot(second)}
    Occurrence.objects.all().delete()
    Atelier.objects.update(last_session_date=None)

    count = materialise_many(Atelier.objects.prefetch_related("overrides").select_related("structure"))

    assert {first.pk: snapshot(first), second.pk: snapshot(second)} == expected
    assert count == len(expected[first.pk]) + len(expected[second.pk])
    assert set(Atelier.objects.values_list("last_session_date", flat=True)) == {
        date(2028, 1, 11),
        date(2027, 12, 30),
    }


def test_session_records_read_no_synced_field_outside_session_fields(clock, structure):
    """The sync keeps the sessions of an atelier whose other fields changed: they must not show them."""
    atelier = weekly(structure, place_name="Médiathèque", commune="Vierzon")
    before = [vars(record) for record in session_records(atelier, overrides=[])]
    other_fields = sorted(set(CONTENT_FIELDS) - SESSION_FIELDS)
    for name in other_fields:
        setattr(atelier, name, "Autre valeur")

    after = [vars(record) for record in session_records(atelier, overrides=[])]

    assert other_fields == ["description", "postal_code", "summary", "title"]
    assert after == before


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("start_time", time(15)),
        ("status", enums.Status.CANCELLED),
        ("place_name", "Mairie"),
        ("latitude", 47.0),
    ],
)
def test_session_records_show_each_session_field(clock, structure, name, value):
    atelier = weekly(structure, latitude=47.22, longitude=2.07)
    before = [vars(record) for record in session_records(atelier, overrides=[])]
    setattr(atelier, name, value)

    assert [vars(record) for record in session_records(atelier, overrides=[])] != before
