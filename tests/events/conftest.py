"""Fixtures of the events tests."""

from datetime import datetime

import pytest

from events.recurrence import PARIS
from tests.factories import StructureFactory


@pytest.fixture
def clock(time_machine):
    """Time stopped on Monday 11 January 2027, 8:00 in Paris (`tests.events.schedules.TODAY`)."""
    time_machine.move_to(datetime(2027, 1, 11, 8, 0, tzinfo=PARIS), tick=False)
    return time_machine


@pytest.fixture
def structure(db):
    """A structure with an address and coordinates, which its ateliers' sessions inherit."""
    return StructureFactory(commune="Vierzon", adresse="1 rue de la Gare", latitude=47.22, longitude=2.07)
