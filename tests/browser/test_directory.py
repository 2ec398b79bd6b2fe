"""A person finds a place: from the home page by searching, and in the directory by filtering."""

import re

import pytest

from tests.factories import BassinFactory, StructureFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def territory(site):
    vierzon = BassinFactory(title="Bassin de vie de Vierzon", slug="vierzon", main_commune="Vierzon")
    bourges = BassinFactory(title="Bassin de vie de Bourges", slug="bourges")
    return {
        "seniors": StructureFactory(
            bassin=vierzon,
            title="Médiathèque Paul-Éluard",
            slug="mediatheque-paul-eluard",
            commune="Vierzon",
            latitude=47.222,
            longitude=2.068,
            publics_specifiquement_adresses=["Seniors"],
            services=["Maîtrise des outils numériques du quotidien"],
            horaires="Tu-Sa 10:00-12:00,14:00-18:00",
        ),
        "jeunes": StructureFactory(
            bassin=vierzon,
            title="Point information jeunesse de Vierzon",
            slug="pij-vierzon",
            commune="Vierzon",
            latitude=47.219,
            longitude=2.071,
            publics_specifiquement_adresses=["Jeunes"],
        ),
        "bourges": StructureFactory(
            bassin=bourges,
            title="Espace public numérique des Gibjoncs",
            slug="epn-gibjoncs",
            commune="Bourges",
            latitude=47.10,
            longitude=2.41,
            publics_specifiquement_adresses=["Jeunes", "Femmes"],
        ),
    }


def _result_titles(page) -> list[str]:
    return page.locator(".card-list > li h3").all_inner_texts()


def test_home_search_vierzon_then_open_structure(page, site, territory, axe_check):
    page.goto(site.url + "/")
    axe_check(page)

    page.get_by_label("De quoi avez-vous besoin ?").fill("Vierzon")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?*q=Vierzon*")

    # « Vierzon » alone is a place to look around: the places of Vierzon come first, nearest first.
    assert sorted(title.strip() for title in _result_titles(page)[:2]) == [
        "Médiathèque Paul-Éluard",
        "Point information jeunesse de Vierzon",
    ]
    axe_check(page)

    page.get_by_role("link", name="Médiathèque Paul-Éluard").first.click()
    page.wait_for_url("**/mediatheque-paul-eluard/")

    assert page.locator("h1").inner_text().strip() == "Médiathèque Paul-Éluard"
    assert page.get_by_text("Du mardi au samedi").count() >= 1
    axe_check(page)


def test_directory_seniors_filter_narrows_list_and_map(page, site, territory, axe_check):
    page.goto(site.url + "/structures/")
    map_container = page.locator("[data-map]")
    map_container.and_(page.locator("[data-marker-count]")).wait_for()

    assert map_container.get_attribute("data-marker-count") == "3"
    assert len(_result_titles(page)) == 3

    page.get_by_label("Seniors", exact=True).check()
    page.get_by_role("button", name="Afficher les résultats").click()
    page.wait_for_url("**public=Seniors*")
    map_container.and_(page.locator("[data-marker-count]")).wait_for()

    assert [title.strip() for title in _result_titles(page)] == ["Médiathèque Paul-Éluard"]
    assert map_container.get_attribute("data-marker-count") == "1"
    assert page.locator("#resultats").inner_text().strip() == "1 lieu trouvé"
    assert page.get_by_label("Seniors", exact=True).is_checked()
    axe_check(page)


def test_bassin_page_lists_its_structures_accessibly(page, site, territory, axe_check):
    page.goto(site.url + territory["seniors"].get_parent().url)

    assert page.locator("h1").inner_text().strip() == "Bassin de vie de Vierzon"
    assert sorted(title.strip() for title in page.locator(".card-list > li h3").all_inner_texts()) == [
        "Médiathèque Paul-Éluard",
        "Point information jeunesse de Vierzon",
    ]
    axe_check(page)


def test_directory_map_reads_clusters_by_zoom_and_a_click_zooms_in(
    page, site, territory, axe_check, monkeypatch
):
    # A national directory, in miniature: too many places to embed, more than the map data sends one by one.
    monkeypatch.setattr("network.map.EMBED_LIMIT", 1)
    monkeypatch.setattr("network.views.map_json.MARKER_LIMIT", 1)
    page.goto(site.url + "/structures/")
    map_container = page.locator("[data-map]")
    map_container.and_(page.locator("[data-current-zoom='7']")).wait_for()

    # Vierzon's two places (300 m apart) are grouped whatever the grid; Bourges may share their cell.
    assert map_container.get_attribute("data-cluster-count") in ("1", "2")
    assert map_container.get_attribute("data-marker-count") == "0"
    assert page.locator("#map-markers").count() == 0
    assert len(_result_titles(page)) == 3
    axe_check(page)

    page.get_by_role("button", name=re.compile(r"^[23] lieux ici, zoomer$")).first.click()

    map_container.and_(page.locator("[data-current-zoom='9']")).wait_for()
    assert page.get_by_role("button", name=re.compile(r"lieux? ici, zoomer$")).count() >= 1
