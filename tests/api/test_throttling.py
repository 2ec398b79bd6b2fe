"""Anonymous clients are limited per address, with a French message."""

import pytest

pytestmark = pytest.mark.django_db


def test_over_the_rate_is_a_429_in_french(api, settings):
    settings.MAILLAGE_API_THROTTLE_RATE = "2/minute"

    statuses = [api.get("/api/v1/bassins/").status_code for _ in range(3)]
    refused = api.get("/api/v1/bassins/")

    assert statuses == [200, 200, 429]
    assert refused.json()["detail"].startswith("Requête ralentie.")
    assert "Retry-After" in refused


def test_an_empty_rate_is_no_limit(api, settings):
    settings.MAILLAGE_API_THROTTLE_RATE = ""

    assert {api.get("/api/v1/bassins/").status_code for _ in range(5)} == {200}
