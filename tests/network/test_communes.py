import pytest
from django.core.management import call_command

from network.communes import (
    distance_km,
    find_commune,
    point_from_commune,
    point_from_position,
    suggest_communes,
)
from network.models import Commune
from network.models.commune import search_key


def test_search_key_folds_what_people_type_differently():
    assert search_key("Saint-Aignan") == search_key("st aignan") == "saint aignan"
    assert search_key("Sainte-Maure-de-Touraine") == search_key("STE MAURE DE TOURAINE")
    assert search_key("L'Île-Bouchard") == "l ile bouchard"


def test_distance_between_issoudun_and_chateauroux_is_about_28_km():
    assert round(distance_km(46.94848, 1.99362, 46.81030, 1.69132)) == 28


@pytest.mark.django_db
def test_the_migration_loaded_the_region_communes_from_geonames():
    issoudun = Commune.objects.get(name="Issoudun")
    assert (round(issoudun.latitude, 2), round(issoudun.longitude, 2)) == (46.95, 1.99)
    assert Commune.objects.filter(region="24").count() > 800
    # Only the configured region: Limoges is in Nouvelle-Aquitaine.
    assert not Commune.objects.filter(name="Limoges").exists()


@pytest.mark.django_db
def test_find_commune_forgives_case_accents_and_saint():
    assert find_commune("ISSOUDUN").name == "Issoudun"
    assert find_commune("chateauroux").name == "Châteauroux"
    assert find_commune("st amand montrond").name == "Saint-Amand-Montrond"
    assert find_commune("") is None
    assert find_commune("Atlantide") is None


@pytest.mark.django_db
def test_find_commune_takes_a_unique_beginning():
    assert find_commune("Issoud").name == "Issoudun"


@pytest.mark.django_db
def test_suggestions_start_with_the_typed_text_most_populated_first():
    names = [commune.name for commune in suggest_communes("chateau", limit=3)]
    assert names[0] == "Châteauroux"
    assert all(search_key(name).startswith("chateau") for name in names)
    assert suggest_communes("   ") == []


@pytest.mark.django_db
def test_points_from_a_commune_or_a_position():
    vatan = point_from_commune("Vatan")
    assert vatan.label == "Vatan"
    assert round(vatan.distance_km(46.94848, 1.99362)) == 20  # Vatan–Issoudun as the crow flies
    assert vatan.distance_km(None, 1.0) is None
    assert point_from_position("46.8", "1.7").latitude == 46.8
    assert point_from_position("nan", "1") is None
    assert point_from_position("91", "1") is None
    assert point_from_position("abc", None) is None


@pytest.mark.django_db
def test_load_communes_is_idempotent(capsys):
    before = Commune.objects.count()
    call_command("load_communes", "--region", "24")
    assert Commune.objects.count() == before
    assert "communes chargées" in capsys.readouterr().out


@pytest.mark.django_db
def test_suggestions_endpoint_answers_names_in_json(client):
    response = client.get("/communes/suggestions/", {"q": "issou"})
    assert response.status_code == 200
    assert response.json() == {"communes": ["Issoudun"]}
    assert "max-age=86400" in response["Cache-Control"]
    assert client.get("/communes/suggestions/").json() == {"communes": []}
    assert client.get("/communes/suggestions/", {"q": "x" * 5000}).status_code == 200
