"""Size bounds of an imported calendar (`calendars.limits`): which events and dates are kept past a bound."""

from datetime import date, datetime

from calendars.limits import block_rank, nearest_blocks, nearest_dates

TODAY = date(2027, 1, 11)


def block(uid: str, day: str, extra: str = "") -> str:
    return f"BEGIN:VEVENT\nUID:{uid}\nDTSTART;TZID=Europe/Paris:{day}T140000\n{extra}END:VEVENT"


def test_nearest_blocks_keeps_coming_events_and_series_first_then_the_latest_past_in_file_order():
    blocks = [
        block("old", "20200101"),
        block("far", "20300101"),
        block("recent", "20270101"),
        block("series", "20100105", "RRULE:FREQ=WEEKLY\n"),
        block("soon", "20270115"),
        "BEGIN:VEVENT\nUID:nodate\nEND:VEVENT",
    ]

    kept = nearest_blocks(blocks, limit=4, today=TODAY)

    assert [item.split("\n")[1] for item in kept] == ["UID:far", "UID:recent", "UID:series", "UID:soon"]


def test_nearest_blocks_under_the_limit_keeps_everything():
    blocks = [block("a", "20200101"), block("b", "20300101")]

    assert nearest_blocks(blocks, limit=2, today=TODAY) == blocks


def test_block_rank_reads_a_date_only_start():
    assert block_rank("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20270120\nEND:VEVENT", 20270111) == (0, 20270120)


def test_nearest_dates_keeps_the_coming_ones_then_the_latest_before():
    dates = [datetime(2026, 1, day) for day in range(1, 11)] + [datetime(2027, 2, day) for day in range(1, 4)]

    kept = nearest_dates(dates, limit=5, since=datetime(2027, 1, 1))

    assert kept == [datetime(2026, 1, 9), datetime(2026, 1, 10), *dates[-3:]]
