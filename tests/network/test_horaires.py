"""Tests of network.horaires: the OSM `opening_hours` subset Maillage reads, displays and evaluates.

These tests need no database: they only render lazy translations, hence the minimal settings below.
"""

import json
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from network.horaires import (
    PARIS,
    OpeningHoursError,
    WeeklyHours,
    format_minutes_fr,
    format_opening_hours,
    parse_opening_hours,
    validate_opening_hours,
)

CLOSED: tuple = ()
FULL_DAY = ((0, 1440),)


@pytest.fixture(autouse=True, scope="module")
def _settings_for_translations():
    """Lazy messages need settings to be rendered; reuse the project's when pytest-django set them up."""
    if not settings.configured:
        settings.configure(USE_I18N=False)


def _m(hhmm: str) -> int:
    """Minutes since midnight ("09:30" → 570), to keep the expected grids readable."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _r(start: str, end: str) -> tuple[int, int]:
    return (_m(start), _m(end))


# --- Parsing: syntax elements -------------------------------------------------------------------


def test_parse_single_day_sets_only_that_day():
    hours = parse_opening_hours("Mo 09:00-12:00")

    assert hours.days == ((_r("09:00", "12:00"),), CLOSED, CLOSED, CLOSED, CLOSED, CLOSED, CLOSED)
    assert hours.known is True
    assert hours.closed_on_public_holidays is False


def test_parse_weekday_range_covers_each_day_of_the_range():
    hours = parse_opening_hours("Tu-Th 10:00-11:00")

    assert hours.days == (CLOSED,) + ((_r("10:00", "11:00"),),) * 3 + (CLOSED,) * 3


def test_parse_wrapping_weekday_range_goes_through_sunday():
    hours = parse_opening_hours("Sa-Mo 10:00-11:00")

    open_day = (_r("10:00", "11:00"),)
    assert hours.days == (open_day, CLOSED, CLOSED, CLOSED, CLOSED, open_day, open_day)


def test_parse_weekday_list_covers_listed_days_only():
    hours = parse_opening_hours("Mo,We,Fr 10:00-11:00")

    open_day = (_r("10:00", "11:00"),)
    assert hours.days == (open_day, CLOSED, open_day, CLOSED, open_day, CLOSED, CLOSED)


def test_parse_weekday_list_mixed_with_range_and_spaces():
    hours = parse_opening_hours("Mo-We, Fr 10:00-11:00")

    open_day = (_r("10:00", "11:00"),)
    assert hours.days == (open_day, open_day, open_day, CLOSED, open_day, CLOSED, CLOSED)


def test_parse_rule_without_selector_applies_every_day():
    hours = parse_opening_hours("10:00-11:00")

    assert hours.days == ((_r("10:00", "11:00"),),) * 7


def test_parse_several_ranges_are_sorted_and_overlaps_merged():
    hours = parse_opening_hours("Mo 14:00-18:30, 09:00-12:00,11:00-12:30")

    assert hours.days[0] == (_r("09:00", "12:30"), _r("14:00", "18:30"))


def test_parse_touching_ranges_are_merged():
    hours = parse_opening_hours("Mo 09:00-12:00,12:00-13:00")

    assert hours.days[0] == (_r("09:00", "13:00"),)


def test_parse_tolerates_whitespace_and_trailing_separator():
    hours = parse_opening_hours("  Mo-Fr  09:00 - 12:00 ;Sa 10:00-12:00  ; ")

    assert hours.days == ((_r("09:00", "12:00"),),) * 5 + ((_r("10:00", "12:00"),), CLOSED)


def test_parse_end_at_24_00_means_end_of_day():
    hours = parse_opening_hours("Mo 18:00-24:00")

    assert hours.days[0] == ((_m("18:00"), 1440),)
    assert hours.days[1] == CLOSED


@pytest.mark.parametrize("word", ["off", "closed"])
def test_parse_off_word_closes_named_days(word):
    hours = parse_opening_hours(f"Mo-Su 09:00-12:00; Su {word}")

    assert hours.days == ((_r("09:00", "12:00"),),) * 6 + (CLOSED,)


def test_parse_all_days_off_is_known_and_closed():
    hours = parse_opening_hours("Mo-Su off")

    assert hours == WeeklyHours(days=(CLOSED,) * 7, known=True)


@pytest.mark.parametrize("text", ["", "   ", " ; "])
def test_parse_blank_text_is_unknown(text):
    hours = parse_opening_hours(text)

    assert hours == WeeklyHours(days=(CLOSED,) * 7, known=False, closed_on_public_holidays=False)


def test_parse_24_7_opens_all_day_every_day():
    hours = parse_opening_hours("24/7")

    assert hours.days == (FULL_DAY,) * 7


# --- Parsing: override semantics --------------------------------------------------------------


def test_parse_later_rule_replaces_earlier_rule_for_its_days():
    hours = parse_opening_hours("Mo-Fr 09:00-12:00,14:00-18:00; We 09:00-12:00")

    full = (_r("09:00", "12:00"), _r("14:00", "18:00"))
    assert hours.days == (full, full, (_r("09:00", "12:00"),), full, full, CLOSED, CLOSED)


def test_parse_repeated_selector_replaces_instead_of_adding():
    hours = parse_opening_hours("Mo 09:00-12:00; Mo 14:00-18:00")

    assert hours.days[0] == (_r("14:00", "18:00"),)


def test_parse_24_7_then_off_closes_only_named_day():
    hours = parse_opening_hours("24/7; Su off")

    assert hours.days == (FULL_DAY,) * 6 + (CLOSED,)


# --- Parsing: past midnight -------------------------------------------------------------------


def test_parse_range_past_midnight_spills_into_next_day():
    hours = parse_opening_hours("Fr 22:00-02:00")

    assert hours.days[4] == ((_m("22:00"), 1440),)
    assert hours.days[5] == (_r("00:00", "02:00"),)


def test_parse_sunday_past_midnight_spills_into_monday():
    hours = parse_opening_hours("Su 23:00-01:30")

    assert hours.days[6] == ((_m("23:00"), 1440),)
    assert hours.days[0] == (_r("00:00", "01:30"),)


def test_parse_range_ending_at_midnight_does_not_spill():
    hours = parse_opening_hours("Fr 22:00-00:00")

    assert hours.days[4] == ((_m("22:00"), 1440),)
    assert hours.days[5] == CLOSED


def test_parse_spill_is_kept_when_next_day_is_overridden():
    hours = parse_opening_hours("Fr 22:00-02:00; Sa 10:00-12:00")

    assert hours.days[5] == (_r("00:00", "02:00"), _r("10:00", "12:00"))


# --- Parsing: public holidays -----------------------------------------------------------------


def test_parse_ph_off_sets_flag_without_changing_grid():
    hours = parse_opening_hours("Mo-Fr 09:00-12:00; PH off")

    assert hours.closed_on_public_holidays is True
    assert hours.days == ((_r("09:00", "12:00"),),) * 5 + (CLOSED, CLOSED)


def test_parse_ph_with_hours_is_accepted_and_ignored_for_grid():
    hours = parse_opening_hours("Mo-Fr 09:00-12:00; PH 10:00-11:00")

    assert hours.closed_on_public_holidays is False
    assert hours.days == ((_r("09:00", "12:00"),),) * 5 + (CLOSED, CLOSED)


def test_parse_ph_in_weekday_list_closes_day_and_sets_flag():
    hours = parse_opening_hours("Mo-Su 09:00-12:00; Su,PH off")

    assert hours.closed_on_public_holidays is True
    assert hours.days[6] == CLOSED


def test_parse_later_ph_rule_with_hours_clears_flag():
    hours = parse_opening_hours("PH off; PH 10:00-12:00")

    assert hours.closed_on_public_holidays is False


def test_parse_weekday_rule_after_ph_off_keeps_flag():
    hours = parse_opening_hours("PH off; Mo-Fr 09:00-12:00")

    assert hours.closed_on_public_holidays is True


# --- Rejections -------------------------------------------------------------------------------

UNSUPPORTED = (
    "Horaires non reconnus : « {} » — seuls les jours (Mo-Fr, Sa, Su), les heures (09:00-12:00), "
    "« off », « 24/7 » et « PH off » sont pris en charge ; les mois, semaines, levers du soleil et "
    "commentaires ne le sont pas."
)
TIME_FORMAT = "Horaires non reconnus : « {} » — écrivez les heures sous la forme 09:00-12:00."
IMPOSSIBLE_TIME = "Heure impossible : « {} » — les heures vont de 00:00 à 24:00."
EMPTY_RANGE = "Plage horaire vide : « {} » — l’heure de fin doit être différente de l’heure de début."
INCOMPLETE = "Horaires incomplets : « {} » — précisez des heures (09:00-12:00) ou « off »."


@pytest.mark.parametrize(
    ("text", "expected_message"),
    [
        ("Mo-Fr 9h-12h", TIME_FORMAT.format("Mo-Fr 9h-12h")),
        ("Mo-Fr 9:00-12:00", TIME_FORMAT.format("Mo-Fr 9:00-12:00")),
        ("Mo 09.00-12.00", TIME_FORMAT.format("Mo 09.00-12.00")),
        ("Mo-Fr 09:00-12:00; Sa 10h-12h", TIME_FORMAT.format("Sa 10h-12h")),
        ("Jan-Mar Mo 09:00-12:00", UNSUPPORTED.format("Jan-Mar Mo 09:00-12:00")),
        ("week 01-10 Mo 09:00-12:00", UNSUPPORTED.format("week 01-10 Mo 09:00-12:00")),
        ("Mo[1] 09:00-12:00", UNSUPPORTED.format("Mo[1] 09:00-12:00")),
        ("Lundi 09:00-12:00", UNSUPPORTED.format("Lundi 09:00-12:00")),
        ("Mo-Fr sunrise-sunset", UNSUPPORTED.format("Mo-Fr sunrise-sunset")),
        ('Mo 09:00-12:00 "sur rendez-vous"', UNSUPPORTED.format('Mo 09:00-12:00 "sur rendez-vous"')),
        ("Sa 09:00+", UNSUPPORTED.format("Sa 09:00+")),
        ("Mo-Fr 09:00-12:00 || Sa off", UNSUPPORTED.format("Mo-Fr 09:00-12:00 || Sa off")),
        ("Mo-Fr 24/7", UNSUPPORTED.format("Mo-Fr 24/7")),
        ("Mo 25:00-26:00", IMPOSSIBLE_TIME.format("25:00-26:00")),
        ("Mo 09:60-12:00", IMPOSSIBLE_TIME.format("09:60-12:00")),
        ("Mo 24:00-02:00", IMPOSSIBLE_TIME.format("24:00-02:00")),
        ("Mo 09:00-24:30", IMPOSSIBLE_TIME.format("09:00-24:30")),
        ("Mo 09:00-09:00", EMPTY_RANGE.format("09:00-09:00")),
        ("Mo-Fr", INCOMPLETE.format("Mo-Fr")),
        ("PH", INCOMPLETE.format("PH")),
    ],
)
def test_parse_unsupported_text_raises_french_error_naming_it(text, expected_message):
    with pytest.raises(OpeningHoursError) as excinfo:
        parse_opening_hours(text)

    assert excinfo.value.code == "horaires_invalid"
    assert excinfo.value.messages == [expected_message]


def test_opening_hours_error_is_a_django_validation_error():
    with pytest.raises(ValidationError) as excinfo:
        parse_opening_hours("Mo 9h-12h")

    assert excinfo.value.code == "horaires_invalid"


def test_validate_opening_hours_accepts_valid_text():
    assert validate_opening_hours("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00; PH off") is None


def test_validate_opening_hours_accepts_blank_text():
    assert validate_opening_hours("") is None


def test_validate_opening_hours_rejects_invalid_text():
    with pytest.raises(ValidationError) as excinfo:
        validate_opening_hours("Mo-Fr 9h-12h")

    assert excinfo.value.messages == [TIME_FORMAT.format("Mo-Fr 9h-12h")]


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
    assert parse_opening_hours(text).opens_after(_m("18:00")) is expected


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

DEMO_HOURS = [
    "Mo-Su 09:00-12:00",
    "Tu 14:00-22:00; We 14:00-20:00; Th 16:00-22:00; Fr-Sa 14:00-20:00",
    "Mo-Fr 09:30-12:00,14:00-16:30",
    "Mo 14:00-18:00; Tu 09:00-12:00,14:00-19:00; We 09:00-12:00,14:00-18:30; Th 14:00-18:00; "
    "Fr 09:00-12:00,14:00-17:00",
    "Mo-Fr 09:00-12:00,14:00-17:30; PH off",
    "Tu-Sa 10:00-12:00,14:00-18:00",
    "Mo-Su 00:00-24:00",
    "PH off",
    "",
]


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
