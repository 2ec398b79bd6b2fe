"""The markers of a map (`network.map`): read as plain rows, one query whatever their number, the same on a
page's embedded map as in `/structures/carte.json`, with the addresses Wagtail gives the pages."""

import pytest
from django.urls import reverse

from network.map import map_context, page_markers
from network.models import StructurePage
from tests.factories import BassinFactory, StructureFactory, add_listed_structures

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db):
    """Two places (one with an accented address), a partner (no marker) and a place without position."""
    bassin = BassinFactory(slug="bassin-de-châteauroux")
    return [
        StructureFactory(bassin=bassin, title="Médiathèque", slug="médiathèque-équinoxe", latitude=46.81),
        StructureFactory(bassin=bassin, title="EPN", commune="Issoudun", latitude=46.95, longitude=1.99),
        StructureFactory(bassin=bassin, title="Réseau", receives_public=False, latitude=47.0, longitude=2.0),
        StructureFactory(bassin=bassin, title="Sans position", latitude=None, longitude=None),
    ]


def expected(structure) -> dict:
    return {
        "id": structure.pk,
        "name": structure.title,
        "url": structure.url,
        "commune": structure.commune,
        "lat": structure.latitude,
        "lon": structure.longitude,
    }


def test_markers_read_as_rows_carry_the_addresses_wagtail_gives_the_pages(places):
    shown = StructurePage.objects.filter(pk__in=[place.pk for place in places]).order_by("title")

    assert shown.map_markers() == [expected(places[1]), expected(places[0])]
    assert places[0].url == "/bassin-de-ch%C3%A2teauroux/m%C3%A9diath%C3%A8que-%C3%A9quinoxe/"


def test_markers_of_pages_already_loaded_are_the_same_as_those_read_as_rows(places):
    loaded = list(StructurePage.objects.order_by("title"))

    assert page_markers(loaded) == StructurePage.objects.order_by("title").map_markers()
    assert map_context(loaded, count=len(loaded))["map_markers"] == [expected(places[1]), expected(places[0])]


def test_the_directory_embeds_the_markers_of_the_map_data(client, places):
    embedded = client.get(reverse("network:directory")).context["map_markers"]
    data = client.get(reverse("network:map_data"), {"bbox": "-5,41,9,52", "zoom": 16}).json()

    assert sorted(embedded, key=lambda marker: marker["id"]) == sorted(
        data["markers"], key=lambda marker: marker["id"]
    )
    assert len(embedded) == 2


@pytest.mark.parametrize("count", [10, 200])
def test_markers_cost_one_query_whatever_their_number(django_assert_num_queries, count):
    add_listed_structures([BassinFactory()], count)
    StructurePage.objects.map_markers()  # warms the sites' root paths, cached as in production

    with django_assert_num_queries(1):
        shown = StructurePage.objects.map_markers()

    assert len(shown) == count
