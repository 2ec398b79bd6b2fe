"""What the feed preview writes for an event's date: French days, « 1er » for the first of the month."""

from datetime import UTC, date, datetime

from calendars.display import moment_label, when_label


def test_moment_label_writes_the_first_of_the_month_as_french_does():
    assert moment_label(date(2027, 3, 1)) == "lundi 1er mars 2027"


def test_moment_label_reads_aware_datetimes_in_paris_time():
    assert moment_label(datetime(2027, 3, 1, 13, 0, tzinfo=UTC)) == "lundi 1er mars 2027 à 14 h"


def test_when_label_keeps_one_day_and_two_hours_for_a_session():
    start = datetime(2027, 3, 1, 13, 0, tzinfo=UTC)
    end = datetime(2027, 3, 1, 15, 30, tzinfo=UTC)

    assert when_label(start, end) == "lundi 1er mars 2027 à 14 h – 16 h 30"


def test_when_label_says_all_day_for_a_date():
    assert when_label(date(2027, 3, 2)) == "mardi 2 mars 2027, toute la journée"


def test_moment_label_gives_back_what_it_cannot_read():
    assert moment_label("pas une date") == "pas une date"
