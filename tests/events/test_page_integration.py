"""« Prochains ateliers » on the home, bassin and structure pages: public sessions only, in their scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import enums
from events.models import Atelier
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

pytestmark = pytest.mark.django_db


def shown_titles(response) -> list[str]:
    return [occurrence.atelier.title for occurrence in response.context["next_sessions"]]


@pytest.fixture
def network(home_page):
    bourges = BassinFactory(title="Bassin de Bourges", slug="bourges")
    vierzon = BassinFactory(title="Bassin de Vierzon", slug="vierzon")
    mediatheque = StructureFactory(bassin=bourges, title="Médiathèque", slug="mediatheque")
    pij = StructureFactory(bassin=vierzon, title="PIJ", slug="pij", commune="Vierzon")
    soon = timezone.localdate() + timedelta(days=3)
    AtelierFactory(structure=mediatheque, title="Tablette", start_date=soon)
    AtelierFactory(structure=pij, title="CV en ligne", start_date=soon + timedelta(days=1))
    AtelierFactory(
        structure=mediatheque,
        title="Réunion des pros",
        start_date=soon,
        visibility=enums.Visibility.PROFESSIONALS,
    )
    AtelierFactory(structure=mediatheque, title="Hier", start_date=timezone.localdate() - timedelta(days=1))
    return {"bourges": bourges, "vierzon": vierzon, "mediatheque": mediatheque, "pij": pij}


def test_home_page_shows_next_public_sessions_of_the_region(client, network):
    response = client.get("/")

    assert shown_titles(response) == ["Tablette", "CV en ligne"]
    assert "Réunion des pros" not in response.text
    assert '<h2 id="prochains-ateliers">Prochains ateliers</h2>' in response.text
    assert 'href="/agenda/">Voir tout l\'agenda des ateliers</a>' in response.text


def test_home_page_shows_at_most_six_sessions(client, network):
    AtelierFactory(structure=network["pij"], title="Série", rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")

    response = client.get("/")

    assert len(response.context["next_sessions"]) == 6


def test_bassin_page_shows_only_its_sessions(client, network):
    response = client.get(network["vierzon"].url)

    assert shown_titles(response) == ["CV en ligne"]
    assert 'href="/bassins/vierzon/agenda/"' in response.text


def test_structure_page_shows_its_sessions_and_links_its_agenda_and_feed(client, network):
    response = client.get(network["mediatheque"].url)

    assert shown_titles(response) == ["Tablette"]
    assert "Réunion des pros" not in response.text
    assert 'href="/structures/mediatheque/agenda/"' in response.text
    assert 'href="/structures/mediatheque/agenda/s-abonner/">S\'abonner à ces ateliers</a>' in response.text


def test_structure_page_without_sessions_has_no_ateliers_block(client, network):
    Atelier.objects.filter(structure=network["pij"]).delete()

    response = client.get(network["pij"].url)

    assert shown_titles(response) == []
    assert "Les ateliers de ce lieu" not in response.text


def test_structure_page_shows_at_most_ten_sessions(client, network):
    AtelierFactory(structure=network["pij"], title="Série", rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")

    response = client.get(network["pij"].url)

    assert len(response.context["next_sessions"]) == 10
