"""Tests of network.horaires, reading: the OSM `opening_hours` subset Maillage accepts, how later rules
override earlier ones, ranges past midnight, public holidays, and the French errors for the rest
(evaluating and displaying the parsed hours: test_horaires_display.py).
"""

import pytest
from django.core.exceptions import ValidationError

from network.horaires import (
    OpeningHoursError,
    WeeklyHours,
    parse_opening_hours,
    validate_opening_hours,
)
from tests.network.hours_grid import CLOSED, FULL_DAY, at, span

# --- Parsing: syntax elements -------------------------------------------------------------------


def test_parse_single_day_sets_only_that_day():
    hours = parse_opening_hours("Mo 09:00-12:00")

    assert hours.days == ((span("09:00", "12:00"),), CLOSED, CLOSED, CLOSED, CLOSED, CLOSED, CLOSED)
    assert hours.known is True
    assert hours.closed_on_public_holidays is False


def test_parse_weekday_range_covers_each_day_of_the_range():
    hours = parse_opening_hours("Tu-Th 10:00-11:00")

    assert hours.days == (CLOSED,) + ((span("10:00", "11:00"),),) * 3 + (CLOSED,) * 3


def test_parse_wrapping_weekday_range_goes_through_sunday():
    hours = parse_opening_hours("Sa-Mo 10:00-11:00")

    open_day = (span("10:00", "11:00"),)
    assert hours.days == (open_day, CLOSED, CLOSED, CLOSED, CLOSED, open_day, open_day)


def test_parse_weekday_list_covers_listed_days_only():
    hours = parse_opening_hours("Mo,We,Fr 10:00-11:00")

    open_day = (span("10:00", "11:00"),)
    assert hours.days == (open_day, CLOSED, open_day, CLOSED, open_day, CLOSED, CLOSED)


def test_parse_weekday_list_mixed_with_range_and_spaces():
    hours = parse_opening_hours("Mo-We, Fr 10:00-11:00")

    open_day = (span("10:00", "11:00"),)
    assert hours.days == (open_day, open_day, open_day, CLOSED, open_day, CLOSED, CLOSED)


def test_parse_rule_without_selector_applies_every_day():
    hours = parse_opening_hours("10:00-11:00")

    assert hours.days == ((span("10:00", "11:00"),),) * 7


def test_parse_several_ranges_are_sorted_and_overlaps_merged():
    hours = parse_opening_hours("Mo 14:00-18:30, 09:00-12:00,11:00-12:30")

    assert hours.days[0] == (span("09:00", "12:30"), span("14:00", "18:30"))


def test_parse_touching_ranges_are_merged():
    hours = parse_opening_hours("Mo 09:00-12:00,12:00-13:00")

    assert hours.days[0] == (span("09:00", "13:00"),)


def test_parse_tolerates_whitespace_and_trailing_separator():
    hours = parse_opening_hours("  Mo-Fr  09:00 - 12:00 ;Sa 10:00-12:00  ; ")

    assert hours.days == ((span("09:00", "12:00"),),) * 5 + ((span("10:00", "12:00"),), CLOSED)


def test_parse_end_at_24_00_means_end_of_day():
    hours = parse_opening_hours("Mo 18:00-24:00")

    assert hours.days[0] == ((at("18:00"), 1440),)
    assert hours.days[1] == CLOSED


@pytest.mark.parametrize("word", ["off", "closed"])
def test_parse_off_word_closes_named_days(word):
    hours = parse_opening_hours(f"Mo-Su 09:00-12:00; Su {word}")

    assert hours.days == ((span("09:00", "12:00"),),) * 6 + (CLOSED,)


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

    full = (span("09:00", "12:00"), span("14:00", "18:00"))
    assert hours.days == (full, full, (span("09:00", "12:00"),), full, full, CLOSED, CLOSED)


def test_parse_repeated_selector_replaces_instead_of_adding():
    hours = parse_opening_hours("Mo 09:00-12:00; Mo 14:00-18:00")

    assert hours.days[0] == (span("14:00", "18:00"),)


def test_parse_24_7_then_off_closes_only_named_day():
    hours = parse_opening_hours("24/7; Su off")

    assert hours.days == (FULL_DAY,) * 6 + (CLOSED,)


# --- Parsing: past midnight -------------------------------------------------------------------


def test_parse_range_past_midnight_spills_into_next_day():
    hours = parse_opening_hours("Fr 22:00-02:00")

    assert hours.days[4] == ((at("22:00"), 1440),)
    assert hours.days[5] == (span("00:00", "02:00"),)


def test_parse_sunday_past_midnight_spills_into_monday():
    hours = parse_opening_hours("Su 23:00-01:30")

    assert hours.days[6] == ((at("23:00"), 1440),)
    assert hours.days[0] == (span("00:00", "01:30"),)


def test_parse_range_ending_at_midnight_does_not_spill():
    hours = parse_opening_hours("Fr 22:00-00:00")

    assert hours.days[4] == ((at("22:00"), 1440),)
    assert hours.days[5] == CLOSED


def test_parse_spill_is_kept_when_next_day_is_overridden():
    hours = parse_opening_hours("Fr 22:00-02:00; Sa 10:00-12:00")

    assert hours.days[5] == (span("00:00", "02:00"), span("10:00", "12:00"))


# --- Parsing: public holidays -----------------------------------------------------------------


def test_parse_ph_off_sets_flag_without_changing_grid():
    hours = parse_opening_hours("Mo-Fr 09:00-12:00; PH off")

    assert hours.closed_on_public_holidays is True
    assert hours.days == ((span("09:00", "12:00"),),) * 5 + (CLOSED, CLOSED)


def test_parse_ph_with_hours_is_accepted_and_ignored_for_grid():
    hours = parse_opening_hours("Mo-Fr 09:00-12:00; PH 10:00-11:00")

    assert hours.closed_on_public_holidays is False
    assert hours.days == ((span("09:00", "12:00"),),) * 5 + (CLOSED, CLOSED)


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
