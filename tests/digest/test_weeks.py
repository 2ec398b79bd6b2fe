"""ISO weeks and the Monday-morning sending time, in Paris."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from digest.weeks import monday_of, next_sending, parse_week, week_of

PARIS = ZoneInfo("Europe/Paris")


def test_week_of_uses_iso_weeks_across_the_new_year():
    assert [week_of(date(2026, 12, 31)), week_of(date(2027, 1, 4))] == ["2026-W53", "2027-W01"]


def test_monday_of_a_week():
    assert monday_of("2027-W12") == date(2027, 3, 22)


def test_parse_week_refuses_weeks_that_do_not_exist():
    assert parse_week(" 2026-W53 ") == "2026-W53"
    with pytest.raises(ValidationError):
        parse_week("2027-W53")
    with pytest.raises(ValidationError):
        parse_week("2027-12")


def test_next_sending_is_the_next_monday_at_half_past_seven_in_paris():
    cases = [
        (datetime(2027, 3, 22, 7, 29, tzinfo=PARIS), datetime(2027, 3, 22, 7, 30, tzinfo=PARIS)),
        (datetime(2027, 3, 22, 7, 30, tzinfo=PARIS), datetime(2027, 3, 29, 7, 30, tzinfo=PARIS)),
        (datetime(2027, 3, 26, 18, 0, tzinfo=PARIS), datetime(2027, 3, 29, 7, 30, tzinfo=PARIS)),
    ]

    assert [next_sending(now) for now, _expected in cases] == [expected for _now, expected in cases]
