"""The public site loads in a real browser: in French, Leaflet from our static files, no serious axe issue."""

import pytest

pytestmark = pytest.mark.browser


def test_leaflet_static_file_is_served_by_live_server(page, site):
    response = page.request.get(f"{site.url}/static/leaflet/leaflet.js")

    assert response.status == 200
    assert "javascript" in response.headers["content-type"]


def test_home_page_in_french_with_local_leaflet_and_no_serious_axe_violation(page, site, axe_check):
    response = page.goto(site.url + "/", wait_until="load")

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.evaluate("typeof window.L") == "object"
    leaflet_scripts = page.eval_on_selector_all(
        "script[src*='leaflet']", "scripts => scripts.map(script => script.src)"
    )
    assert leaflet_scripts, "aucun <script> Leaflet sur la page d'accueil"
    assert all(src.startswith(f"{site.url}/static/") for src in leaflet_scripts), leaflet_scripts
    axe_check(page)
