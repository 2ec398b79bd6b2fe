"""When a closed place opens again, said relative to today (« aujourd'hui », « demain », « jeudi »)."""

from datetime import datetime

import pytest

from network.horaires import PARIS, parse_opening_hours
from orientation.templatetags.guide_tags import next_opening_label, opening_status
from tests.factories import StructureFactory

WEDNESDAY_NOON = datetime(2026, 6, 3, 12, 30, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        (datetime(2026, 6, 3, 14, 0, tzinfo=PARIS), "Ouvre aujourd'hui à 14 h"),
        (datetime(2026, 6, 4, 9, 30, tzinfo=PARIS), "Ouvre demain à 9 h 30"),
        (datetime(2026, 6, 8, 9, 0, tzinfo=PARIS), "Ouvre lundi à 9 h"),
    ],
)
def test_next_opening_label(opening, expected):
    assert next_opening_label(opening, WEDNESDAY_NOON) == expected


@pytest.mark.parametrize(
    ("horaires", "expected"),
    [
        ("Mo-Fr 09:00-12:00,14:00-17:00", {"open": False, "next": "Ouvre aujourd'hui à 14 h"}),
        ("Mo-Fr 09:00-17:00", {"open": True, "next": ""}),
        ("", {"open": None, "next": ""}),
    ],
)
def test_opening_status(horaires, expected):
    structure = StructureFactory.build(
        horaires=horaires, horaires_parsed=parse_opening_hours(horaires).to_json()
    )

    assert opening_status(structure, WEDNESDAY_NOON) == expected
