"""The results page `/recherche/`: what it shows, for whom it is (not search engines), and its cost."""

import pytest
from django.core.cache import cache

from orientation.search import HelpQuery
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, add_listed_structures

URL = "/recherche/"
OUTILS = "Maîtrise des outils numériques du quotidien"


@pytest.fixture
def issoudun(db):
    bassin = BassinFactory(title="Bassin de vie d'Issoudun", main_commune="Issoudun")
    place = StructureFactory(
        bassin=bassin,
        title="Centre des congrès",
        commune="Issoudun",
        latitude=46.9481,
        longitude=1.9933,
        services=[OUTILS],
        telephone=["02 54 00 00 00"],
    )
    AtelierFactory(structure=place, title="Bien utiliser son smartphone", summary="Pour débuter.")
    return place


def test_places_and_ateliers_with_their_reasons(client, issoudun):
    response = client.get(URL, {"q": "atelier smartfone près d'Issoudun"})

    text = response.text
    assert response.status_code == 200
    assert "« smartfone » lu comme « smartphone »" in text
    assert "près d&#x27;Issoudun" in text
    assert "Pourquoi cet atelier :" in text
    assert "Pourquoi ce lieu :" in text
    assert "Maîtrise des outils numériques du quotidien : téléphone" in text
    assert "Appeler le 02 54 00 00 00" in text
    # « atelier » in the question: the ateliers come before the places.
    assert text.index('id="ateliers-trouves"') < text.index('id="lieux-trouves"')


def test_the_page_is_for_people_not_search_engines(client, db):
    text = client.get(URL, {"q": "wifi"}).text

    assert '<meta name="robots" content="noindex">' in text
    assert (
        '<meta name="description" content="Trouver de l&#x27;aide avec le numérique près de chez vous' in text
    )
    assert "<title>« wifi » : où être aidé – Maillage</title>" in text


def test_nothing_found_says_what_to_do(client, issoudun):
    text = client.get(URL, {"q": "xylophone", "pres": "Issoudun"}).text

    assert "Nous n'avons rien trouvé" in text
    assert "Cherchez plus loin : retirez la commune pour voir tout le territoire." in text
    assert "Appelez Centre des congrès au 02 54 00 00 00 : on vous orientera." in text
    assert 'href="/recherche/?q=xylophone">Chercher dans tout le territoire</a>' in text
    assert 'href="/agenda/"' in text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "\x00<script>alert(1)</script>", "pres": "'; drop table"},
        {"lat": "nan", "lon": "inf"},
        {"lat": "1e400", "lon": "-1e400", "critere": "soir", "public": "senior"},
        {"besoin": ["../../etc", "telephone"], "critere": ["x"] * 100},
    ],
)
def test_no_input_makes_an_error(client, db, params):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_a_blank_search_shows_the_form_only(client, db):
    response = client.get(URL)

    assert response.status_code == 200
    assert "De quoi avez-vous besoin ?" in response.text
    assert 'id="lieux-trouves"' not in response.text


def test_the_position_is_kept_in_the_form(client, issoudun):
    text = client.get(URL, {"q": "smartphone", "lat": "46.95", "lon": "1.99"}).text

    assert 'name="lat" value="46.95000" data-near-lat>' in text
    assert "autour de votre position" in text
    assert "À moins d&#x27;1 km" in text


@pytest.mark.parametrize("size", [3, 30])
def test_the_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    bassins = [BassinFactory()]
    for place in add_listed_structures(
        bassins,
        size,
        lambda index: {"slug": f"lieu-{index}", "services": [OUTILS], "telephone": ["0254000000"]},
    )[:3]:
        AtelierFactory(structure=place, title="Smartphone débutant")
    client.get(URL, {"q": "smartphone Bourges"})  # warms the index and Wagtail's site cache
    # The search: communes named in the text, sessions, places (3); the page: the places' view restrictions
    # and pages for their URLs (Wagtail's site root paths are cached).
    with django_assert_num_queries(3):
        client.get(URL, {"q": "smartphone Bourges"})
    cache.clear()
    # Cold: the index (5 queries + view restrictions of the places' tree) and Wagtail's site root paths.
    with django_assert_num_queries(9):
        client.get(URL, {"q": "smartphone Bourges"})


def test_to_params_round_trips_through_the_page(client, issoudun):
    query = HelpQuery.from_params({"q": "tablette", "pres": "Issoudun", "critere": ["gratuit"]})
    text = client.get(URL, dict(query.to_params())).text

    assert 'name="critere" value="gratuit"' in text
    assert 'value="Issoudun"' in text
