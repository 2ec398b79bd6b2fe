"""`?fields=` (`api.fields`): only the fields asked for, read from only their columns, unknown names a 400."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AtelierFactory, add_listed_structures

pytestmark = pytest.mark.django_db

LISTS = ["bassins", "structures", "ateliers", "sessions"]


def results(response) -> list[dict]:
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.parametrize("kind", LISTS)
def test_fields_id_sends_the_ids_of_the_full_list_and_nothing_else(api, territory, kind):
    full = results(api.get(f"/api/v1/{kind}/"))

    sparse = results(api.get(f"/api/v1/{kind}/?fields=id"))

    assert sparse == [{"id": item["id"]} for item in full]


def test_several_fields_across_a_relation_and_computed_ones(api, territory):
    full = results(api.get("/api/v1/structures/"))

    sparse = results(api.get("/api/v1/structures/?fields=nom,bassin,id,url"))

    assert sparse == [
        {"id": item["id"], "bassin": item["bassin"], "nom": item["nom"], "url": item["url"]} for item in full
    ]


def test_the_id_is_always_sent(api, territory):
    full = results(api.get("/api/v1/bassins/"))

    assert results(api.get("/api/v1/bassins/?fields=nom")) == [
        {"id": item["id"], "nom": item["nom"]} for item in full
    ]


def test_an_empty_fields_sends_every_field(api, territory):
    assert results(api.get("/api/v1/bassins/?fields=")) == results(api.get("/api/v1/bassins/"))


def test_an_unknown_field_is_a_400_in_french(api, territory):
    response = api.get("/api/v1/structures/?fields=id,referral_contact")

    assert response.status_code == 400
    message = response.json()["fields"][0]
    assert message.startswith("Champ inconnu : « referral_contact ». Champs possibles : updated_at, url,")
    assert "Dominique" not in response.content.decode()


def list_query(api, url) -> str:
    """The SQL of the query that reads the list's rows (the one ordered for the API)."""
    api.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return next(query["sql"] for query in queries.captured_queries if "ORDER BY" in query["sql"])


@pytest.mark.parametrize(("kind", "column"), [("structures", "presentation_detail"), ("ateliers", "rrule")])
def test_fields_id_reads_only_the_identity_column(api, territory, kind, column):
    assert column in list_query(api, f"/api/v1/{kind}/")
    assert column not in list_query(api, f"/api/v1/{kind}/?fields=id")


def count_queries(api, url) -> int:
    api.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/api/v1/structures/?fields=id", "/api/v1/ateliers/?fields=id", "/api/v1/sessions/?fields=id"]
)
def test_fields_id_costs_the_same_at_two_sizes(api, territory, url):
    small = count_queries(api, url)
    structures = add_listed_structures([territory.cher, territory.loiret], 20)
    for structure in structures[:4]:
        AtelierFactory(structure=structure, rrule="FREQ=WEEKLY;COUNT=4")

    assert count_queries(api, url) == small
