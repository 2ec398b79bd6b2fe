"""Recurrence in wall-clock time: what people mean by « tous les mardis à 14 h », whatever the clocks do."""

import calendar
from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr

from events.recurrence import (
    Rule,
    Schedule,
    calendar_shift,
    describe,
    format_hours,
    localize,
    next_window,
    rule_error,
    rule_moments,
    to_local_naive,
    wall_clock,
)

TWO_HOURS = timedelta(hours=2)
YEAR_2027 = (datetime(2027, 1, 1), datetime(2028, 1, 1))


def starts(rrule: str, first: datetime, *, window=YEAR_2027, rdates=(), exdates=()) -> list[datetime]:
    schedule = Schedule(start=first, duration=TWO_HOURS, rrule=rrule, rdates=rdates, exdates=exdates)
    return schedule.starts_between(*window)


def test_weekly_on_several_days():
    result = starts("FREQ=WEEKLY;BYDAY=TU,FR;COUNT=5", datetime(2027, 1, 5, 14))

    assert result == [
        datetime(2027, 1, 5, 14),
        datetime(2027, 1, 8, 14),
        datetime(2027, 1, 12, 14),
        datetime(2027, 1, 15, 14),
        datetime(2027, 1, 19, 14),
    ]


def test_every_two_weeks():
    result = starts("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=4", datetime(2027, 1, 6, 10))

    assert result == [datetime(2027, 1, 6, 10) + timedelta(weeks=2 * n) for n in range(4)]


def test_monthly_second_tuesday():
    result = starts("FREQ=MONTHLY;BYDAY=2TU;COUNT=4", datetime(2027, 1, 12, 14))

    assert [moment.date() for moment in result] == [
        date(2027, 1, 12),
        date(2027, 2, 9),
        date(2027, 3, 9),
        date(2027, 4, 13),
    ]


def test_monthly_last_thursday():
    result = starts("FREQ=MONTHLY;BYDAY=-1TH;COUNT=4", datetime(2027, 1, 28, 18, 30))

    assert [moment.date() for moment in result] == [
        date(2027, 1, 28),
        date(2027, 2, 25),
        date(2027, 3, 25),
        date(2027, 4, 29),
    ]
    assert {moment.time() for moment in result} == {time(18, 30)}


def test_until_is_inclusive():
    """UNTIL is the last day, written at 23:59:59 local: a session that very day is kept."""
    rrule = Rule(frequency="WEEKLY", weekdays=["WE"], until=date(2027, 6, 30)).to_rrule()

    result = starts(rrule, datetime(2027, 6, 2, 14))

    assert result[-1] == datetime(2027, 6, 30, 14)
    assert len(result) == 5


def test_count_limits_the_sessions_and_gives_the_last_start():
    schedule = Schedule(start=datetime(2027, 1, 4, 9), duration=TWO_HOURS, rrule="FREQ=WEEKLY;COUNT=3")

    assert schedule.starts_between(*YEAR_2027) == [datetime(2027, 1, d, 9) for d in (4, 11, 18)]
    assert schedule.last_start() == datetime(2027, 1, 18, 9)


def test_last_start_is_none_for_a_series_without_end():
    assert (
        Schedule(start=datetime(2027, 1, 4, 9), duration=TWO_HOURS, rrule="FREQ=WEEKLY").last_start() is None
    )


def test_exdate_removes_a_session():
    result = starts("FREQ=WEEKLY;COUNT=4", datetime(2027, 1, 4, 9), exdates=(datetime(2027, 1, 11, 9),))

    assert datetime(2027, 1, 11, 9) not in result
    assert len(result) == 3


def test_rdate_adds_sessions_even_to_a_one_off():
    added = (datetime(2027, 1, 4, 14), datetime(2027, 2, 1, 9))

    assert starts("FREQ=WEEKLY;COUNT=2", datetime(2027, 1, 4, 9), rdates=added) == [
        datetime(2027, 1, 4, 9),
        datetime(2027, 1, 4, 14),
        datetime(2027, 1, 11, 9),
        datetime(2027, 2, 1, 9),
    ]
    one_off = Schedule(start=datetime(2027, 3, 1, 10), duration=TWO_HOURS, rdates=(datetime(2027, 3, 8, 10),))
    assert one_off.starts_between(*YEAR_2027) == [datetime(2027, 3, 1, 10), datetime(2027, 3, 8, 10)]


def test_window_is_half_open():
    result = starts(
        "FREQ=WEEKLY;COUNT=4",
        datetime(2027, 1, 4, 9),
        window=(datetime(2027, 1, 11, 9), datetime(2027, 1, 25, 9)),
    )

    assert result == [datetime(2027, 1, 11, 9), datetime(2027, 1, 18, 9)]


@pytest.mark.parametrize(
    ("first", "expected_utc"),
    [
        # Last Sunday of March 2027 (28th): 14 h stays 14 h, so the UTC instant moves by one hour.
        (datetime(2027, 3, 21, 14), ["2027-03-21T13:00", "2027-03-28T12:00", "2027-04-04T12:00"]),
        # Last Sunday of October 2027 (31st): back to winter time.
        (datetime(2027, 10, 24, 14), ["2027-10-24T12:00", "2027-10-31T13:00", "2027-11-07T13:00"]),
    ],
)
def test_wall_clock_kept_across_clock_changes(first, expected_utc):
    result = starts("FREQ=WEEKLY;BYDAY=SU;COUNT=3", first)

    assert [moment.time() for moment in result] == [time(14)] * 3
    utc = [localize(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M") for moment in result]
    assert utc == expected_utc


@pytest.mark.parametrize(
    "rule",
    [
        Rule(),
        Rule(frequency="WEEKLY", weekdays=["TU", "FR"], until=date(2027, 6, 30)),
        Rule(frequency="WEEKLY", interval=2, weekdays=["WE"], count=10),
        Rule(frequency="MONTHLY", weekdays=["TU"], position=2),
        Rule(frequency="MONTHLY", weekdays=["TH"], position=-1, until=date(2027, 12, 31)),
    ],
)
def test_rule_round_trips_through_rrule(rule):
    assert Rule.from_rrule(rule.to_rrule()) == rule


def test_rule_writes_rfc5545_text():
    rule = Rule(frequency="WEEKLY", weekdays=["FR", "TU"], until=date(2027, 6, 30))

    assert rule.to_rrule() == "FREQ=WEEKLY;BYDAY=TU,FR;UNTIL=20270630T235959"
    assert Rule(frequency="MONTHLY", weekdays=["TH"], position=-1).to_rrule() == "FREQ=MONTHLY;BYDAY=-1TH"


@pytest.mark.parametrize(
    "text",
    ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=TU;BYHOUR=10", "FREQ=WEEKLY;BYDAY=2TU", "FREQ=MONTHLY;BYDAY=1TU,-1TH"],
)
def test_rules_the_editor_cannot_show_read_back_as_none(text):
    assert Rule.from_rrule(text) is None


@pytest.mark.parametrize(
    ("rule", "start", "end", "expected"),
    [
        (
            Rule(frequency="WEEKLY", weekdays=["TU", "FR"], until=date(2027, 6, 30)),
            datetime(2027, 1, 5, 14),
            datetime(2027, 1, 5, 16),
            "tous les mardis et vendredis de 14 h à 16 h, jusqu'au 30 juin 2027",
        ),
        (
            Rule(frequency="MONTHLY", weekdays=["TH"], position=-1),
            datetime(2027, 1, 28, 18, 30),
            datetime(2027, 1, 28, 20),
            "le dernier jeudi du mois de 18 h 30 à 20 h",
        ),
        (
            Rule(frequency="MONTHLY", weekdays=["TU"], position=2, count=6),
            datetime(2027, 1, 12, 14),
            datetime(2027, 1, 12, 16),
            "le deuxième mardi du mois de 14 h à 16 h, 6 séances",
        ),
        (
            Rule(frequency="WEEKLY", weekdays=["WE"], interval=2),
            datetime(2027, 1, 6, 10),
            datetime(2027, 1, 6, 12),
            "les mercredis, une semaine sur deux de 10 h à 12 h",
        ),
        (
            Rule(frequency="WEEKLY", weekdays=["SA"], until=date(2027, 7, 1)),
            datetime(2027, 1, 9, 9, 30),
            datetime(2027, 1, 9, 12),
            "tous les samedis de 9 h 30 à 12 h, jusqu'au 1er juillet 2027",
        ),
        (Rule(), datetime(2027, 3, 1, 10), datetime(2027, 3, 1, 12), "le lundi 1er mars 2027 de 10 h à 12 h"),
        (
            Rule(),
            datetime(2027, 3, 2, 18, 30),
            datetime(2027, 3, 2, 20),
            "le mardi 2 mars 2027 de 18 h 30 à 20 h",
        ),
        (None, datetime(2027, 3, 2, 10), datetime(2027, 3, 2, 12), "série importée, de 10 h à 12 h"),
    ],
)
def test_describe_in_french(rule, start, end, expected):
    assert describe(rule, start, end) == expected


def test_next_window_keeps_a_year_of_history_and_twelve_months_ahead():
    start, end = next_window(date(2027, 1, 15))

    assert start == datetime(2026, 1, 14)
    assert end == datetime(2027, 1, 15) + timedelta(days=372)


def test_format_hours_writes_hours_the_french_way():
    start = localize(datetime(2027, 6, 1, 14))

    assert format_hours(start, start + timedelta(hours=2, minutes=30)) == "14 h – 16 h 30"


def test_format_hours_of_an_all_day_session_says_so_never_midnight():
    start = localize(datetime(2027, 6, 1))

    one_day = format_hours(start, start + timedelta(days=1), all_day=True)
    three_days = format_hours(start, start + timedelta(days=3), all_day=True)

    assert (one_day, three_days) == ("toute la journée", "toute la journée, jusqu'au jeudi 3 juin 2027")


def test_describe_an_all_day_series():
    rule = Rule.from_rrule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270629T235959")
    start = datetime(2027, 6, 1)

    assert describe(rule, start, start + timedelta(days=1), all_day=True) == (
        "tous les mardis toute la journée, jusqu'au 29 juin 2027"
    )


# Clock changes: one rule (docs/structures.md) -----------------------------------------------------------


def test_time_in_the_spring_forward_gap_moves_forward_by_the_gap():
    moment = localize(datetime(2027, 3, 28, 2, 30))

    assert (moment.astimezone(UTC), wall_clock(datetime(2027, 3, 28, 2, 30))) == (
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
        datetime(2027, 3, 28, 3, 30),
    )
    assert moment == localize(datetime(2027, 3, 28, 3, 30))


def test_time_that_exists_twice_is_the_first_one():
    moment = localize(datetime(2027, 10, 31, 2, 30))

    assert moment.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert to_local_naive(datetime(2027, 10, 31, 1, 30, tzinfo=UTC)) == datetime(2027, 10, 31, 2, 30)


def test_hourly_series_across_spring_forward_merges_the_sessions_on_one_instant():
    result = starts("FREQ=HOURLY;COUNT=3", datetime(2027, 3, 28, 1, 30))

    assert result == [datetime(2027, 3, 28, 1, 30), datetime(2027, 3, 28, 3, 30)]


def test_start_in_the_gap_and_rdate_on_its_instant_are_one_session():
    result = starts("", datetime(2027, 3, 28, 2, 30), rdates=(datetime(2027, 3, 28, 3, 30),))

    assert result == [datetime(2027, 3, 28, 3, 30)]


def test_exdate_written_in_the_gap_removes_the_moved_session():
    result = starts(
        "FREQ=WEEKLY;COUNT=2", datetime(2027, 3, 21, 2, 30), exdates=(datetime(2027, 3, 28, 2, 30),)
    )

    assert result == [datetime(2027, 3, 21, 2, 30)]


# Bounded expansion --------------------------------------------------------------------------------------

REGULAR_RULES = [
    "FREQ=WEEKLY;BYDAY=TU,FR",
    "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270630T235959",
    "FREQ=MONTHLY;BYDAY=-1TH",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
    "FREQ=DAILY;INTERVAL=3;BYMONTH=1,7",
    "FREQ=HOURLY;INTERVAL=7;BYHOUR=9,16;COUNT=400",
]


@pytest.mark.parametrize("rrule", REGULAR_RULES)
@pytest.mark.parametrize("first", [datetime(1999, 12, 31, 9), datetime(2024, 2, 29, 14)])
def test_rule_moments_are_those_of_dateutil(rrule, first):
    """Expanded in years of the same calendar near 9999, a rule gives exactly dateutil's instances."""
    until = datetime(2028, 1, 1)
    expected = []
    for moment in rrulestr(rrule, dtstart=first, ignoretz=True):
        if moment >= until:
            break
        expected.append(moment)

    assert list(rule_moments(rrule, first, until)) == expected


def test_calendar_shift_lands_near_9999_in_years_of_the_same_calendar():
    shift = calendar_shift(2025, 2029)

    assert 9999 - 40 <= 2029 + shift <= 9999
    assert [(calendar.isleap(year), date(year, 1, 1).weekday()) for year in range(2025, 2030)] == [
        (calendar.isleap(year + shift), date(year + shift, 1, 1).weekday()) for year in range(2025, 2030)
    ]


def test_rule_that_never_matches_expands_to_nothing_in_a_bounded_search():
    """dateutil alone looks for February 30th until year 9999 (seconds of CPU for FREQ=SECONDLY)."""
    first = datetime(2027, 1, 5, 14)

    assert starts("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", first) == []
    assert (
        Schedule(
            start=first, duration=TWO_HOURS, rrule="FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=2"
        ).last_start()
        is None
    )


def test_series_older_than_the_expansion_span_has_no_sessions():
    assert starts("FREQ=YEARLY", datetime(1900, 1, 5, 14)) == []


@pytest.mark.parametrize(
    ("rrule", "refused"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", False),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", False),
        ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", True),
        ("FREQ=HOURLY", True),
        ("FREQ=YEARLY;BYEASTER=0", True),
        ("FREQ=WEEKLY;BYDAY=XX", True),
    ],
)
def test_rule_error_accepts_daily_to_yearly_rules_only(rrule, refused):
    assert (rule_error(rrule) is not None) == refused
