"""Tests of network.horaires, using parsed hours: open at a given moment (Paris time, clock changes),
weekends and evenings, the JSON kept on the page, and the French display.
"""

import json
from datetime import UTC, datetime

import pytest

from network.horaires import (
    PARIS,
    WeeklyHours,
    format_minutes_fr,
    format_opening_hours,
    parse_opening_hours,
)
from tests.network.hours_grid import DEMO_HOURS, at

# --- is_open_at -------------------------------------------------------------------------------


def test_is_open_at_inside_range_in_paris_time_is_true():
    hours = parse_opening_hours("Mo 09:00-12:00")

    assert hours.is_open_at(datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)) is True


def test_is_open_at_range_end_is_exclusive():
    hours = parse_opening_hours("Mo 09:00-12:00")

    assert hours.is_open_at(datetime(2026, 1, 5, 12, 0, tzinfo=PARIS)) is False


def test_is_open_at_converts_utc_to_paris_time():
    hours = parse_opening_hours("Mo 09:00-12:00")

    # 08:30 UTC is 09:30 in Paris in winter (UTC+1).
    assert hours.is_open_at(datetime(2026, 1, 5, 8, 30, tzinfo=UTC)) is True


@pytest.mark.parametrize(
    ("utc_moment", "expected"),
    [
        # Saturday 2026-03-28, still UTC+1: 07:30 UTC is 08:30 in Paris.
        (datetime(2026, 3, 28, 7, 30, tzinfo=UTC), False),
        # Sunday 2026-03-29, clocks went forward at 01:00 UTC: 07:30 UTC is 09:30 in Paris.
        (datetime(2026, 3, 29, 7, 30, tzinfo=UTC), True),
        # Saturday 2026-10-24, still UTC+2: 07:30 UTC is 09:30 in Paris.
        (datetime(2026, 10, 24, 7, 30, tzinfo=UTC), True),
        # Sunday 2026-10-25, clocks went back at 01:00 UTC: 07:30 UTC is 08:30 in Paris.
        (datetime(2026, 10, 25, 7, 30, tzinfo=UTC), False),
    ],
)
def test_is_open_at_follows_paris_daylight_saving_changes(utc_moment, expected):
    hours = parse_opening_hours("Sa-Su 09:00-12:00")

    assert hours.is_open_at(utc_moment) is expected


def test_is_open_at_after_midnight_uses_spilled_range():
    hours = parse_opening_hours("Mo 22:00-02:00")

    assert hours.is_open_at(datetime(2026, 1, 6, 1, 30, tzinfo=PARIS)) is True


def test_is_open_at_naive_datetime_raises_value_error():
    hours = parse_opening_hours("24/7")

    with pytest.raises(ValueError, match="timezone-aware"):
        hours.is_open_at(datetime(2026, 1, 5, 9, 0))


def test_is_open_at_unknown_hours_is_false():
    hours = parse_opening_hours("")

    assert hours.is_open_at(datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)) is False


# --- Weekend and evening ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Mo-Fr 09:00-18:00", False), ("Sa 10:00-12:00", True), ("Su 10:00-12:00", True), ("", False)],
)
def test_is_open_on_weekend(text, expected):
    assert parse_opening_hours(text).is_open_on_weekend() is expected


def test_is_open_on_weekend_friday_night_spill_counts():
    assert parse_opening_hours("Fr 22:00-02:00").is_open_on_weekend() is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mo-Fr 09:00-18:00", False),
        ("Mo-Fr 09:00-12:00; Th 14:00-19:00", True),
        ("Fr 22:00-02:00", True),
        ("", False),
    ],
)
def test_opens_after_six_pm(text, expected):
    assert parse_opening_hours(text).opens_after(at("18:00")) is expected


# --- JSON -------------------------------------------------------------------------------------


def test_to_json_gives_plain_lists():
    hours = parse_opening_hours("Mo 09:00-12:00; PH off")

    assert hours.to_json() == {
        "days": [[[540, 720]], [], [], [], [], [], []],
        "known": True,
        "closed_on_public_holidays": True,
    }


@pytest.mark.parametrize(
    "text", ["Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00; PH off", "Su 22:00-02:00", "24/7", ""]
)
def test_from_json_round_trips_through_json_text(text):
    hours = parse_opening_hours(text)

    restored = WeeklyHours.from_json(json.loads(json.dumps(hours.to_json())))

    assert restored == hours


def test_weekly_hours_with_wrong_number_of_days_raises_value_error():
    with pytest.raises(ValueError, match="7 days"):
        WeeklyHours(days=((),) * 6)


# --- French display ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minute", "expected"),
    [(0, "0 h"), (540, "9 h"), (545, "9 h 05"), (1110, "18 h 30"), (1440, "24 h")],
)
def test_format_minutes_fr(minute, expected):
    assert format_minutes_fr(minute) == expected


@pytest.mark.parametrize("minute", [-1, 1441])
def test_format_minutes_fr_out_of_day_raises_value_error(minute):
    with pytest.raises(ValueError, match="between 0 and 1440"):
        format_minutes_fr(minute)


def test_humanize_lists_every_day_in_french():
    hours = parse_opening_hours("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00")

    assert hours.humanize() == [
        ("Lundi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Mardi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Mercredi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Jeudi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Vendredi", "9 h – 12 h, 14 h – 18 h 30"),
        ("Samedi", "8 h 30 – 12 h"),
        ("Dimanche", "Fermé"),
    ]


def test_humanize_full_day_says_open_24_hours():
    hours = parse_opening_hours("24/7; Su off")

    assert hours.humanize()[0] == ("Lundi", "Ouvert 24 h/24")
    assert hours.humanize()[6] == ("Dimanche", "Fermé")


def test_humanize_range_past_midnight_is_shown_on_both_days():
    hours = parse_opening_hours("Fr 22:00-02:00")

    assert hours.humanize()[4:6] == [("Vendredi", "22 h – 24 h"), ("Samedi", "0 h – 2 h")]


def test_humanize_unknown_hours_is_empty():
    assert parse_opening_hours("").humanize() == []


def test_humanize_compact_groups_consecutive_identical_days():
    hours = parse_opening_hours("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00")

    assert hours.humanize_compact() == [
        ("Du lundi au vendredi", "9 h – 12 h, 14 h – 18 h"),
        ("Samedi", "9 h – 12 h"),
        ("Dimanche", "Fermé"),
    ]


def test_humanize_compact_two_day_run_uses_et():
    hours = parse_opening_hours("Mo,Tu 09:00-12:00")

    assert hours.humanize_compact() == [
        ("Lundi et mardi", "9 h – 12 h"),
        ("Du mercredi au dimanche", "Fermé"),
    ]


def test_humanize_compact_does_not_group_non_consecutive_days():
    hours = parse_opening_hours("Mo,We 09:00-12:00")

    assert hours.humanize_compact() == [
        ("Lundi", "9 h – 12 h"),
        ("Mardi", "Fermé"),
        ("Mercredi", "9 h – 12 h"),
        ("Du jeudi au dimanche", "Fermé"),
    ]


def test_humanize_compact_same_hours_all_week_says_every_day():
    hours = parse_opening_hours("24/7")

    assert hours.humanize_compact() == [("Tous les jours", "Ouvert 24 h/24")]


def test_humanize_compact_unknown_hours_is_empty():
    assert parse_opening_hours("").humanize_compact() == []


# format_opening_hours: what the admin's hours editor writes ---------------------------------------------


@pytest.mark.parametrize("text", DEMO_HOURS)
def test_format_opening_hours_gives_back_the_demo_texts(text):
    assert format_opening_hours(parse_opening_hours(text)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mo-Fr 09:00-18:00; We 09:00-12:00", "Mo-Tu 09:00-18:00; We 09:00-12:00; Th-Fr 09:00-18:00"),
        ("Fr 22:00-02:00", "Fr 22:00-24:00; Sa 00:00-02:00"),
        ("24/7", "Mo-Su 00:00-24:00"),
        ("Mo 14:00-18:00,09:00-12:00", "Mo 09:00-12:00,14:00-18:00"),
        ("Mo-Su off", "Mo-Su off"),
    ],
)
def test_format_opening_hours_writes_the_same_week_in_the_plain_form(text, expected):
    formatted = format_opening_hours(parse_opening_hours(text))

    assert formatted == expected
    assert parse_opening_hours(formatted).days == parse_opening_hours(text).days


# Next opening -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Wednesday 3 June 2026, 08:00 in Paris: opens at 9 this morning.
        (datetime(2026, 6, 3, 8, 0, tzinfo=PARIS), datetime(2026, 6, 3, 9, 0, tzinfo=PARIS)),
        # During the lunch break: this afternoon.
        (datetime(2026, 6, 3, 12, 30, tzinfo=PARIS), datetime(2026, 6, 3, 14, 0, tzinfo=PARIS)),
        # Open now: the next opening is the next one after now (the afternoon).
        (datetime(2026, 6, 3, 10, 0, tzinfo=PARIS), datetime(2026, 6, 3, 14, 0, tzinfo=PARIS)),
        # Friday evening: Saturday is closed, Sunday too, so Monday morning.
        (datetime(2026, 6, 5, 19, 0, tzinfo=PARIS), datetime(2026, 6, 8, 9, 0, tzinfo=PARIS)),
        # Read in Paris time, whatever the moment's zone: 06:30 UTC is 08:30 in Paris in June.
        (datetime(2026, 6, 3, 6, 30, tzinfo=UTC), datetime(2026, 6, 3, 9, 0, tzinfo=PARIS)),
    ],
)
def test_next_opening_after(moment, expected):
    hours = parse_opening_hours("Mo-Fr 09:00-12:00,14:00-17:00")

    assert hours.next_opening_after(moment) == expected


def test_next_opening_after_a_whole_week_comes_back_to_the_same_weekday():
    hours = parse_opening_hours("We 09:00-12:00")

    assert hours.next_opening_after(datetime(2026, 6, 3, 10, 0, tzinfo=PARIS)) == datetime(
        2026, 6, 10, 9, 0, tzinfo=PARIS
    )


@pytest.mark.parametrize("text", ["", "Mo-Su off"])
def test_no_next_opening_when_hours_are_unknown_or_always_closed(text):
    assert parse_opening_hours(text).next_opening_after(datetime(2026, 6, 3, 10, 0, tzinfo=PARIS)) is None


def test_next_opening_after_needs_an_aware_moment():
    with pytest.raises(ValueError):
        parse_opening_hours("Mo 09:00-12:00").next_opening_after(datetime(2026, 6, 3, 10, 0))
