"""Tests of the map data (/structures/carte.json): clusters by zoom, places, filters, bounds, bad input."""

from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.urls import reverse

from network import map as network_map
from network.enums import Service
from network.views import map_json as map_data
from tests.factories import BassinFactory, StructureFactory, add_listed_structures

MAP_DATA_URL = reverse("network:map_data")
DIRECTORY_URL = reverse("network:directory")
FRANCE = "-5,41,9,52"


def get_map_data(client, **params):
    return client.get(f"{MAP_DATA_URL}?{urlencode(params, doseq=True)}")


@pytest.fixture
def two_towns(db):
    """Three places in Bourges, two in Tours (one a partner, left off maps), one without coordinates."""
    bassin = BassinFactory(slug="centre")
    for index in range(3):
        StructureFactory(
            bassin=bassin,
            title=f"Bourges {index}",
            commune="Bourges",
            latitude=47.08 + index / 1000,
            longitude=2.39,
            services=[Service.DEMARCHES] if index else [Service.LOISIRS],
        )
    StructureFactory(bassin=bassin, title="Tours", commune="Tours", latitude=47.39, longitude=0.68)
    StructureFactory(
        bassin=bassin, title="Réseau", commune="Tours", latitude=47.39, longitude=0.69, receives_public=False
    )
    StructureFactory(bassin=bassin, title="Sans position", commune="Tours", latitude=None, longitude=None)
    return bassin


def test_map_data_returns_places_when_they_are_few(client, two_towns):
    response = get_map_data(client, bbox=FRANCE, zoom=6)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 4
    assert data["clusters"] == []
    assert sorted(marker["name"] for marker in data["markers"]) == [
        "Bourges 0",
        "Bourges 1",
        "Bourges 2",
        "Tours",
    ]
    assert data["truncated"] is False


def test_map_data_returns_clusters_by_grid_cell_beyond_the_marker_limit(client, two_towns, monkeypatch):
    monkeypatch.setattr(map_data, "MARKER_LIMIT", 2)

    data = get_map_data(client, bbox=FRANCE, zoom=6).json()

    assert data["markers"] == []
    assert data["clusters"] == [
        {"lat": 47.081, "lon": 2.39, "count": 3},
        {"lat": 47.39, "lon": 0.68, "count": 1},
    ]


def test_map_data_returns_places_at_street_zoom_even_beyond_the_limit(client, two_towns, monkeypatch):
    monkeypatch.setattr(map_data, "MARKER_LIMIT", 2)

    data = get_map_data(client, bbox=FRANCE, zoom=map_data.MARKERS_FROM_ZOOM).json()

    assert data["clusters"] == []
    assert len(data["markers"]) == 2
    assert data["truncated"] is True


def test_map_data_keeps_only_the_visible_area(client, two_towns):
    data = get_map_data(client, bbox="2,46.5,3,47.5", zoom=9).json()

    assert [marker["name"] for marker in data["markers"]] == ["Bourges 0", "Bourges 1", "Bourges 2"]


def test_map_data_applies_the_directory_filters(client, two_towns):
    data = get_map_data(client, bbox=FRANCE, zoom=6, service=Service.DEMARCHES).json()

    assert sorted(marker["name"] for marker in data["markers"]) == ["Bourges 1", "Bourges 2"]


def test_map_data_applies_the_search(client, two_towns):
    data = get_map_data(client, bbox=FRANCE, zoom=6, q="tours").json()

    assert [marker["name"] for marker in data["markers"]] == ["Tours"]


def test_map_data_without_bbox_covers_the_world(client, two_towns):
    assert get_map_data(client).json()["count"] == 4


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "abc"},
        {"bbox": "1,2,3"},
        {"bbox": "3,41,1,52"},
        {"bbox": "nan,41,9,52"},
        {"bbox": "inf,41,9,52"},
        {"bbox": "1" * 200},
        {"zoom": "grand"},
        {"zoom": "99"},
        {"zoom": "-1"},
    ],
)
def test_map_data_answers_400_to_bad_input(client, two_towns, params):
    response = get_map_data(client, **params)

    assert response.status_code == 400
    assert "erreurs" in response.json()


def test_map_data_ignores_unknown_filter_values(client, two_towns):
    data = get_map_data(client, bbox=FRANCE, zoom=6, service="n'existe pas", bassin="nulle-part").json()

    assert data["count"] == 4


def test_directory_links_the_map_data_instead_of_embedding_many_markers(client, two_towns, monkeypatch):
    monkeypatch.setattr(network_map, "EMBED_LIMIT", 1)

    response = client.get(f"{DIRECTORY_URL}?service={Service.DEMARCHES}&page=1")

    assert response.context["map_markers"] == []
    assert response.context["map_data_url"] == f"{MAP_DATA_URL}?{urlencode({'service': Service.DEMARCHES})}"
    assert 'id="map-markers"' not in response.text
    assert "data-markers-url=" in response.text


def test_home_and_bassin_pages_link_the_map_data_beyond_the_embed_limit(client, two_towns, monkeypatch):
    monkeypatch.setattr(network_map, "EMBED_LIMIT", 2)

    home = client.get("/")
    bassin = client.get(two_towns.url)

    assert home.context["map_data_url"] == MAP_DATA_URL
    assert bassin.context["map_data_url"] == f"{MAP_DATA_URL}?bassin=centre"
    assert 'id="map-markers"' not in home.text


# ---- query counts ----


@pytest.fixture(scope="class", params=[10, 200], ids=["10-structures", "200-structures"])
def populated_map(request, django_db_setup, django_db_blocker):
    """`request.param` places spread over France, created once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        bassins = [BassinFactory(slug=f"bassin-{letter}") for letter in "ab"]
        add_listed_structures(
            bassins,
            request.param,
            lambda index: {
                "title": f"Lieu {index:03d}",
                "latitude": 43 + (index % 20) * 0.35,
                "longitude": -3 + (index // 20) * 0.9,
                "services": [Service.DEMARCHES] if index % 2 else [Service.LOISIRS],
            },
        )
        yield bassins
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("populated_map")
class TestMapDataQueryCount:
    """Same number of queries for 10 places as for 200, clusters or places: view restrictions of bassins
    and structures, bassins, communes, count, then the clusters or the places. The search is a clause of
    these queries on PostgreSQL (the search column); on SQLite it costs 2 more (Wagtail's ranking, then the
    candidates' ids)."""

    @pytest.mark.parametrize(
        ("params", "expected_queries"),
        [
            ({"bbox": FRANCE, "zoom": 6}, 6),
            ({"bbox": FRANCE, "zoom": 16}, 6),
            ({"bbox": FRANCE, "zoom": 6, "service": Service.DEMARCHES, "bassin": "bassin-a"}, 6),
            ({"bbox": FRANCE, "zoom": 6, "q": "lieu"}, 6 if connection.vendor == "postgresql" else 8),
        ],
        ids=["clusters", "places", "filters", "search"],
    )
    def test_map_data_query_count_does_not_grow_with_places(
        self, client, django_assert_num_queries, monkeypatch, params, expected_queries
    ):
        monkeypatch.setattr(map_data, "MARKER_LIMIT", 5)
        get_map_data(client, **params)

        with django_assert_num_queries(expected_queries):
            response = get_map_data(client, **params)

        assert response.status_code == 200
