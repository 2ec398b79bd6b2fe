"""What the structure page says when it knows little: no contact to suggest, a map of the commune only."""

import pytest

from tests.factories import BassinFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bassin():
    return BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun")


def structure(bassin, **fields):
    defaults = {"horaires": "", "telephone": [], "courriels": [], "adresse": "", "commune": "Issoudun"}
    return StructureFactory(bassin=bassin, latitude=46.95, longitude=1.99, **{**defaults, **fields})


@pytest.mark.parametrize(
    ("contacts", "advice"),
    [
        ({}, "<p>Horaires non renseignés.</p>"),
        ({"telephone": ["0254000000"]}, "Horaires non renseignés : appelez avant de venir."),
        ({"courriels": ["accueil@exemple.fr"]}, "Horaires non renseignés : écrivez avant de venir."),
        (
            {"telephone": ["0254000000"], "courriels": ["accueil@exemple.fr"]},
            "Horaires non renseignés : appelez ou écrivez avant de venir.",
        ),
    ],
)
def test_unknown_hours_advice_follows_the_known_contacts(client, bassin, contacts, advice):
    text = client.get(structure(bassin, **contacts).url).text

    assert advice in text
    if not contacts:
        assert "appelez" not in text and "écrivez" not in text


def test_map_without_a_street_address_says_it_shows_the_commune(client, bassin):
    text = client.get(structure(bassin).url).text

    assert "La carte montre la commune : l'adresse exacte n'est pas renseignée." in text
    assert "adresse écrite ci-dessus" not in text
    assert "Voir la commune sur OpenStreetMap" in text


def test_map_with_a_street_address_shows_it(client, bassin):
    text = client.get(structure(bassin, adresse="2 rue de la Gare").url).text

    assert "adresse écrite ci-dessus" in text
    assert "Voir l'adresse sur OpenStreetMap" in text


def test_bassin_page_names_the_bassin_once(client, bassin):
    text = client.get(bassin.url).text

    assert "bassin Bassin" not in text
