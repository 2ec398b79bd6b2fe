"""« De quoi avez-vous besoin ? » on a 360 px phone: the senior task in three taps, the first screen, the
results page, « Près de chez moi »; no horizontal scrolling and no serious axe violation."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from tests.factories import AtelierFactory, BassinFactory, StructureFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
OUTILS = "Maîtrise des outils numériques du quotidien"


def _next_week_tuesday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday() + 1)


@pytest.fixture
def territory(site):
    issoudun = BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun", main_commune="Issoudun")
    bourges = BassinFactory(title="Bassin de vie de Bourges", slug="bourges")
    congres = StructureFactory(
        bassin=issoudun,
        title="Centre des congrès",
        slug="centre-congres",
        commune="Issoudun",
        latitude=46.9481,
        longitude=1.9933,
        services=[OUTILS],
        publics_specifiquement_adresses=["Seniors"],
        telephone=["02 54 00 00 00"],
    )
    gibjoncs = StructureFactory(
        bassin=bourges,
        title="Cyber-base des Gibjoncs",
        slug="gibjoncs",
        commune="Bourges",
        latitude=47.10,
        longitude=2.41,
        services=[OUTILS],
    )
    today = timezone.localdate()
    AtelierFactory(
        structure=congres,
        title="Bien utiliser son smartphone",
        summary="Pour les seniors qui débutent avec leur smartphone.",
        start_date=_next_week_tuesday(),
        start_time=time(14),
        end_time=time(16),
    )
    AtelierFactory(structure=congres, title="Smartphone : les photos", start_date=today + timedelta(days=15))
    AtelierFactory(structure=gibjoncs, title="Smartphone à Bourges", start_date=_next_week_tuesday())
    return congres


def test_the_senior_task_takes_three_taps_on_a_phone(page, site, territory, axe_check):
    """« un atelier pour apprendre à me servir de mon smartphone près d'Issoudun la semaine prochaine »."""
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/")
    box = page.get_by_label("De quoi avez-vous besoin ?")
    # The question, the commune and the search button are on the first screen.
    search = page.get_by_role("button", name="Rechercher")
    near_me = page.get_by_role("button", name="Près de chez moi")
    for control in (box, page.get_by_label("Près de (commune)"), search, near_me):
        bounds = control.bounding_box()
        assert bounds["y"] + bounds["height"] <= PHONE["height"]

    taps = 0
    box.click()
    taps += 1
    page.keyboard.type("atelier smartphone Issoudun la semaine prochaine")
    page.get_by_role("button", name="Rechercher").click()
    taps += 1
    page.wait_for_url("**/recherche/?*")
    first = page.locator("#ateliers-trouves + ul .session__title a").first
    assert first.inner_text().strip() == "Bien utiliser son smartphone"
    assert first.bounding_box()["y"] < 3 * PHONE["height"]
    first.click()
    taps += 1
    page.wait_for_url("**/ateliers/*/")

    assert taps == 3
    assert page.locator("h1").inner_text().strip() == "Bien utiliser son smartphone"


@pytest.mark.parametrize("path", ["/", "/recherche/?q=smartfone+Issoudun", "/recherche/?q=xylophone"])
def test_no_horizontal_scrolling_and_no_serious_violation_on_a_phone(page, site, territory, axe_check, path):
    page.set_viewport_size(PHONE)
    page.goto(site.url + path)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page)


def test_near_me_uses_the_browser_position(page, site, territory, axe_check):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 46.95, "longitude": 1.99})
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/")

    page.get_by_label("De quoi avez-vous besoin ?").fill("smartphone")
    page.get_by_role("button", name="Près de chez moi").click()
    page.get_by_text("Position trouvée").wait_for()
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**lat=46.95000*")

    assert "autour de votre position" in page.locator(".help-understood").inner_text()
    place = page.locator("#lieux-trouves + ol > li").first
    assert "Centre des congrès" in place.inner_text()
    assert "À moins d'1 km" in place.inner_text()
    axe_check(page)


def test_a_refused_position_asks_for_the_commune(page, site, territory):
    page.context.clear_permissions()
    page.goto(site.url + "/")

    page.get_by_role("button", name="Près de chez moi").click()

    page.get_by_text("Position non disponible : indiquez votre commune.").wait_for()
    assert page.evaluate("document.activeElement.name") == "pres"
