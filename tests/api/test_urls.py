"""The OpenAPI document and its documentation page: served by this site, no CDN."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_in_json_on_request(api):
    response = api.get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "API Maillage"
    assert sorted(document["paths"]) == [
        "/api/v1/ateliers/",
        "/api/v1/bassins/",
        "/api/v1/sessions/",
        "/api/v1/structures/",
    ]


def test_the_documentation_page_loads_its_scripts_from_this_site(api):
    response = api.get("/api/v1/docs/")

    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert sources
    assert [source for source in sources if not source.startswith("/static/drf_spectacular_sidecar/")] == []


def test_the_documentation_scripts_are_static_files_of_the_site():
    """`collectstatic` copies them with the site's own (WhiteNoise serves them): found by the finders."""
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js") is not None


def test_the_schema_is_throttled_too(api, settings):
    settings.MAILLAGE_API_THROTTLE_RATE = "1/minute"

    assert [api.get("/api/v1/schema/").status_code for _ in range(2)] == [200, 429]
