"""Fixtures of the calendars tests: a structure, its feed, and the loopback server its calendar is on."""

import pytest

from calendars.models import Feed
from events import enums
from tests.calendars.ics import NUMERIQUE, Served
from tests.factories import StructureFactory


@pytest.fixture
def server(http_server):
    return Served(http_server)


@pytest.fixture
def structure(db):
    return StructureFactory(title="Médiathèque de Vierzon", commune="Vierzon")


@pytest.fixture
def feed(structure, server):
    return Feed.objects.create(
        structure=structure,
        url=server.url,
        active=True,
        default_themes=[NUMERIQUE],
        default_publics=["Seniors"],
        default_visibility=enums.Visibility.PROFESSIONALS,
        default_place_name="Salle des fêtes",
    )
