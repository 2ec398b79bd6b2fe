"""ETag, If-None-Match → 304 and Last-Modified on the API's lists."""

import pytest
from django.utils.http import http_date

pytestmark = pytest.mark.django_db


def test_same_etag_gets_a_304_without_a_body(api, territory):
    first = api.get("/api/v1/structures/")

    again = api.get("/api/v1/structures/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_change_changes_the_etag(api, territory):
    first = api.get("/api/v1/structures/")
    territory.epn.title = "EPN de la Source"
    territory.epn.save_revision().publish()

    again = api.get("/api/v1/structures/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_a_deletion_changes_the_etag(api, territory):
    first = api.get("/api/v1/ateliers/")
    territory.orleans.delete()

    again = api.get("/api/v1/ateliers/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again.json()["count"] == 1


def test_filters_and_pages_have_their_own_etag(api, territory):
    everything = api.get("/api/v1/sessions/")

    one_page = api.get("/api/v1/sessions/?page_size=1", HTTP_IF_NONE_MATCH=everything["ETag"])

    assert one_page.status_code == 200


def test_last_modified_is_the_latest_change_of_the_page(api, territory):
    response = api.get("/api/v1/ateliers/")

    latest = max(territory.public.updated_at, territory.orleans.updated_at)
    assert response["Last-Modified"] == http_date(latest.timestamp())


def test_if_modified_since_alone_never_makes_a_304(api, territory):
    """A deletion moves no date: only the ETag can tell that nothing changed."""
    first = api.get("/api/v1/ateliers/")

    again = api.get("/api/v1/ateliers/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 200


def test_errors_have_no_etag(api, territory):
    response = api.get("/api/v1/ateliers/", {"bassin": "x"})

    assert response.status_code == 400
    assert "ETag" not in response
