"""Fixtures of the events tests."""

from datetime import datetime

import pytest

from events.recurrence import PARIS
from network import domain
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory


@pytest.fixture
def clock(time_machine):
    """Time stopped on Monday 11 January 2027, 8:00 in Paris (`tests.events.schedules.TODAY`)."""
    time_machine.move_to(datetime(2027, 1, 11, 8, 0, tzinfo=PARIS), tick=False)
    return time_machine


@pytest.fixture
def structure(db):
    """A structure with an address and coordinates, which its ateliers' sessions inherit."""
    return StructureFactory(commune="Vierzon", adresse="1 rue de la Gare", latitude=47.22, longitude=2.07)


# The ateliers admin: two structures of one bassin, an editor of the first, an atelier each.


@pytest.fixture
def bassin(db):
    return BassinFactory()


@pytest.fixture
def structures(bassin):
    return StructureFactory(bassin=bassin, title="MELI"), StructureFactory(bassin=bassin, title="Les Ruches")


@pytest.fixture
def editor(structures):
    user = UserFactory()
    domain.add_member(structure=structures[0], user=user)
    return user


@pytest.fixture
def ateliers(structures):
    own = AtelierFactory(structure=structures[0], title="Tablette pour débuter", rrule="FREQ=WEEKLY;COUNT=4")
    other = AtelierFactory(
        structure=structures[1], title="Smartphone au quotidien", rrule="FREQ=WEEKLY;COUNT=4"
    )
    return own, other
