"""Tests of the home page: search « De quoi avez-vous besoin ? », needs shortcuts, bassins with their counts,
map of every structure."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from network.enums import Public, Service
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, add_listed_structures


def shortcut_links(text: str) -> dict[str, str]:
    """Label → href of each "Je veux…" shortcut."""
    pairs = re.findall(
        r'<a class="shortcut" href="([^"]+)">\s*<span class="shortcut__label">([^<]+)</span>', text
    )
    return {label: html.unescape(href) for href, label in pairs}


def test_home_page_search_form_sends_the_question_to_the_results_page(client, home_page):
    text = client.get("/").text

    assert 'action="/recherche/" data-near-me-form>' in text
    assert '<label class="help-search__label" for="accueil-q">De quoi avez-vous besoin ?</label>' in text
    assert 'type="search" id="accueil-q" name="q"' in text
    # Without JavaScript, « près de chez moi » is the commune field; the position button is shown by JS.
    assert 'name="pres"' in text
    assert "data-near-me hidden" in text


def test_home_page_has_one_h1_and_a_french_title(client, home_page):
    text = client.get("/").text

    assert len(re.findall(r"<h1[ >]", text)) == 1
    assert "<title>Trouver un lieu pour être aidé avec le numérique – Maillage</title>" in text


def test_home_page_lists_bassins_with_their_structure_counts(client, home_page):
    nord, sud = BassinFactory(title="Bassin du Nord"), BassinFactory(title="Bassin du Sud")
    for _ in range(2):
        StructureFactory(bassin=nord)
    StructureFactory(bassin=sud)

    response = client.get("/")

    assert [(bassin.title, count) for bassin, count in response.context["bassins"]] == [
        ("Bassin du Nord", 2),
        ("Bassin du Sud", 1),
    ]
    assert re.findall(r'<span class="bassin-tile__count">([^<]+)</span>', response.text) == [
        "2 lieux",
        "1 lieu",
    ]
    assert f'href="{nord.url}"' in response.text


def test_home_page_shortcuts_lead_to_the_search_results(client, home_page):
    links = shortcut_links(client.get("/").text)

    assert {label: parse_qs(urlsplit(href).query) for label, href in links.items()} == {
        "Faire mes démarches en ligne": {"besoin": ["demarches"]},
        "Apprendre à utiliser mon téléphone": {"q": ["apprendre à utiliser mon téléphone"]},
        "Ateliers pour les seniors": {"q": ["ateliers pour les seniors"]},
        "Imprimer, scanner, le wifi": {"besoin": ["imprimer"]},
        "Trouver un emploi": {"besoin": ["emploi"]},
    }
    assert all(urlsplit(href).path == "/recherche/" for href in links.values())


def test_home_page_shortcut_for_seniors_lists_their_ateliers_first(client, home_page):
    seniors = StructureFactory(
        title="Point d'appui seniors", publics_specifiquement_adresses=[Public.SENIORS]
    )
    StructureFactory(title="Espace jeunes", publics_specifiquement_adresses=[Public.JEUNES])
    AtelierFactory(structure=seniors, title="Tablette pour les seniors", publics=["Seniors"])
    AtelierFactory(structure=seniors, title="Jeux vidéo entre ados", publics=["Jeunes"])

    href = shortcut_links(client.get("/").text)["Ateliers pour les seniors"]
    response = client.get(href)

    results = response.context["results"]
    assert [result.occurrence.display_title for result in results.sessions] == ["Tablette pour les seniors"]
    assert [result.structure.title for result in results.places] == ["Point d'appui seniors"]
    text = response.text
    assert text.index('id="ateliers-trouves"') < text.index('id="lieux-trouves"')


def test_home_page_map_has_every_structure(client, home_page):
    first = StructureFactory(title="Médiathèque", services=[Service.DEMARCHES])
    second = StructureFactory(title="Centre social")
    StructureFactory(title="Sans coordonnées", latitude=None, longitude=None)

    response = client.get("/")

    assert sorted(marker["id"] for marker in response.context["map_markers"]) == sorted([first.pk, second.pk])
    assert response.context["structure_count"] == 3
    assert '<script id="map-markers" type="application/json">' in response.text
    assert "/static/leaflet/leaflet.js" in response.text


@pytest.mark.parametrize("structure_count", [10, 200])
def test_home_page_query_count_does_not_grow_with_structures(
    client, home_page, django_assert_num_queries, structure_count
):
    bassins = [BassinFactory() for _ in range(5)]
    add_listed_structures(bassins, structure_count)
    client.get("/")  # warms the site and content type caches

    # Wagtail serving: site, home page, its ancestors and their view restrictions (4); then the page's own:
    # view restrictions and places counted by bassin (2), their markers (1), view restrictions and
    # bassins (2); the "Prochains ateliers" block: the sixth start as a bound, then the sessions joined to
    # their atelier and structure (2); the "Temps forts" cycles (1, with their restrictions
    # in the same query as Wagtail's `.public()` reads them: 2).
    with django_assert_num_queries(13):
        response = client.get("/")

    assert response.context["structure_count"] == structure_count


def test_home_page_shows_cycles_ahead_and_links_their_programme(client, home_page):
    from datetime import timedelta

    from django.utils import timezone

    from tests.programmes.factories import CycleFactory

    ahead = CycleFactory(title="Human Tech Days 2027")
    CycleFactory(
        title="Human Tech Days 2020",
        start_date=timezone.localdate() - timedelta(days=40),
        end_date=timezone.localdate() - timedelta(days=35),
        call_opens=timezone.localdate() - timedelta(days=90),
        call_closes=timezone.localdate() - timedelta(days=60),
    )

    response = client.get("/")

    assert [cycle.title for cycle in response.context["cycles"]] == ["Human Tech Days 2027"]
    assert f'href="{ahead.url}"' in response.text
