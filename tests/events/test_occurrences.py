"""Materialised sessions: what agendas and exports read must match the series, its changes and the clock.

The expansion is `events.occurrences`; writing it is `events.domain` (see test_domain.py for the writers).
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.forms.models import model_to_dict

from calendars.reconcile import CONTENT_FIELDS
from events import enums
from events.domain import (
    rebuild_sessions,
    save_atelier,
    update_session,
)
from events.models import Occurrence, SessionOverride
from events.occurrences import SESSION_FIELDS, build_occurrences
from events.recurrence import PARIS, localize
from tests.events.schedules import sessions, weekly


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
    return update_session(atelier=atelier, original_start=moment, **fields)


def records(atelier) -> list[dict]:
    """The unsaved sessions `build_occurrences` gives, as plain values."""
    return [model_to_dict(row) for row in build_occurrences(atelier, overrides=[])]


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
    rebuild_sessions(atelier=atelier)

    assert by_day(atelier)[date(2027, 1, 12)].status == enums.Status.SCHEDULED


def test_editing_the_series_keeps_its_overrides(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    override(atelier, date(2027, 1, 19), status=enums.Status.CANCELLED)

    atelier.title = "Tablette : les bases"
    save_atelier(atelier=atelier)

    assert by_day(atelier)[date(2027, 1, 19)].status == enums.Status.CANCELLED
    assert Occurrence.objects.filter(atelier=atelier).count() == 3


def test_an_override_whose_session_is_gone_is_kept_but_ignored(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    override(atelier, date(2027, 1, 19), status=enums.Status.CANCELLED)

    atelier.start_time, atelier.end_time = time(15), time(17)
    save_atelier(atelier=atelier)

    assert SessionOverride.objects.filter(atelier=atelier).count() == 1
    assert {row.status for row in sessions(atelier)} == {enums.Status.SCHEDULED}


def test_a_cancelled_atelier_cancels_every_session(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    override(atelier, date(2027, 1, 12), status=enums.Status.FULL)
    override(atelier, date(2027, 1, 19), status=enums.Status.SCHEDULED, seats_taken=2)

    atelier.status = enums.Status.CANCELLED
    save_atelier(atelier=atelier)

    assert {row.status for row in sessions(atelier)} == {enums.Status.CANCELLED}


def test_build_occurrences_read_no_synced_field_outside_session_fields(clock, structure):
    """The sync keeps the sessions of an atelier whose other fields changed: they must not show them."""
    atelier = weekly(structure, place_name="Médiathèque", commune="Vierzon")
    before = records(atelier)
    other_fields = sorted(set(CONTENT_FIELDS) - SESSION_FIELDS)
    for name in other_fields:
        setattr(atelier, name, "Autre valeur")

    after = records(atelier)

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
def test_build_occurrences_show_each_session_field(clock, structure, name, value):
    atelier = weekly(structure, latitude=47.22, longitude=2.07)
    before = records(atelier)
    setattr(atelier, name, value)

    assert records(atelier) != before


def test_a_session_title_is_materialised_and_shown_instead_of_the_ateliers(clock, structure):
    atelier = weekly(structure, title="Tablette", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    override(atelier, date(2027, 1, 19), title="Tablette : spéciale photos")

    rows = by_day(atelier)

    assert [rows[day].title for day in sorted(rows)] == ["", "Tablette : spéciale photos", ""]
    assert [rows[day].display_title for day in sorted(rows)] == [
        "Tablette",
        "Tablette : spéciale photos",
        "Tablette",
    ]


def test_an_all_day_series_has_whole_day_sessions(clock, structure):
    atelier = weekly(
        structure,
        all_day=True,
        start_time=time(0),
        end_time=time(0),
        end_date=date(2027, 1, 13),
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=2",
    )

    rows = sessions(atelier)

    assert [(row.local_date, row.end - row.start, row.is_evening) for row in rows] == [
        (date(2027, 1, 12), timedelta(days=1), False),
        (date(2027, 1, 19), timedelta(days=1), False),
    ]
    assert {row.hours_label for row in rows} == {"toute la journée"}


def test_daily_series_over_the_whole_window_is_not_capped(clock, structure):
    """The default cap holds a daily series from a year back to twelve months ahead (typed ateliers too)."""
    atelier = weekly(structure, start_date=date(2026, 1, 12), rrule="FREQ=DAILY")

    rows = build_occurrences(atelier)

    assert (len(rows), atelier.sessions_capped) == (736, False)


def test_series_over_the_sessions_cap_keeps_the_coming_sessions_first(clock, structure, settings):
    settings.MAILLAGE_MAX_SESSIONS_PER_SERIES = 5
    atelier = weekly(structure, start_date=date(2026, 1, 12), rrule="FREQ=DAILY")

    rows = build_occurrences(atelier)

    assert [row.local_date for row in rows] == [date(2027, 1, day) for day in range(11, 16)]
    assert atelier.sessions_capped is True


def test_typed_atelier_in_the_spring_forward_gap_moves_forward_by_the_gap(clock, structure):
    """A weekly atelier at 2:30 on Sundays: 2:30 does not exist on 28 March 2027, that session is at 3:30."""
    atelier = weekly(
        structure,
        start_date=date(2027, 3, 21),
        start_time=time(2, 30),
        end_time=time(4),
        rrule="FREQ=WEEKLY;COUNT=3",
    )

    rows = sessions(atelier)

    assert [to_local(row.start) for row in rows] == [
        datetime(2027, 3, 21, 2, 30),
        datetime(2027, 3, 28, 3, 30),
        datetime(2027, 4, 4, 2, 30),
    ]
    assert rows[1].recurrence_id == localize(datetime(2027, 3, 28, 2, 30))
    assert rows[1].start == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS).replace(tzinfo=None)


# ---- where « près de » finds a session, and whether it runs past its first day ----


def test_a_session_at_its_structure_takes_its_position_and_follows_it(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;COUNT=1")

    row = sessions(atelier)[0]

    assert (row.place_latitude, row.place_longitude, row.at_structure) == (47.22, 2.07, True)


def test_a_session_with_coordinates_of_its_own_keeps_them(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;COUNT=1", commune="Bourges", latitude=47.08, longitude=2.4)

    row = sessions(atelier)[0]

    assert (row.place_latitude, row.place_longitude, row.at_structure) == (47.08, 2.4, False)


@pytest.mark.parametrize(
    "fields",
    [
        {"commune": "Méreau"},  # elsewhere without coordinates: looked up when read
        {"format": enums.Format.REMOTE, "online_url": "https://visio.example/"},  # near everyone
    ],
)
def test_a_session_elsewhere_without_coordinates_or_remote_has_no_position(clock, structure, fields):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;COUNT=1", **fields)

    row = sessions(atelier)[0]

    assert (row.place_latitude, row.place_longitude, row.at_structure) == (None, None, False)


def test_a_session_moved_to_a_place_takes_the_place_coordinates(clock, structure):
    atelier = weekly(structure, rrule="FREQ=WEEKLY;COUNT=2")
    first = sessions(atelier)[0]

    update_session(
        atelier=atelier,
        original_start=first.recurrence_id,
        place_name="Salle des fêtes",
        commune="Méreau",
        latitude=47.16,
        longitude=2.05,
    )

    places = [(row.place_latitude, row.place_longitude, row.at_structure) for row in sessions(atelier)]
    assert places == [(47.16, 2.05, False), (47.22, 2.07, True)]


@pytest.mark.parametrize(
    ("fields", "spans"),
    [
        ({}, False),
        # An all-day session ends at the midnight that closes its day.
        ({"all_day": True, "start_time": time(0), "end_time": time(0), "end_date": date(2027, 1, 13)}, False),
        ({"all_day": True, "start_time": time(0), "end_time": time(0), "end_date": date(2027, 1, 15)}, True),
        ({"start_time": time(22), "end_time": time(1), "end_date": date(2027, 1, 13)}, True),
    ],
)
def test_spans_days_says_whether_a_session_runs_past_its_first_day(clock, structure, fields, spans):
    atelier = weekly(structure, rrule="", **fields)

    assert [row.spans_days for row in sessions(atelier)] == [spans]
