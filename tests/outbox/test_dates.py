"""French dates (outbox.dates), the same for the outbox's messages and every page above it."""

from datetime import date, datetime

from network import text
from outbox.dates import french_date


def test_the_first_of_the_month_is_1er():
    assert french_date(date(2026, 12, 1), "l j F Y") == "mardi 1er décembre 2026"
    assert french_date(datetime(2027, 1, 1, 9, 30), "j F Y à H:i") == "1er janvier 2027 à 09:30"


def test_other_days_and_escaped_tokens_are_left_alone():
    assert french_date(date(2026, 12, 2), "l j F") == "mercredi 2 décembre"
    assert french_date(date(2026, 12, 1), r"\j\o\u\r j") == "jour 1er"
    assert french_date(None, "j F") == ""


def test_the_apps_above_use_this_one():
    assert text.french_date is french_date
