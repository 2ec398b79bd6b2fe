"""« S'abonner »: the page that subscribes a calendar application to the agenda, a bassin, a structure or a
cycle's programme (events/views/subscribe.py)."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from events.views.subscribe import subscription_links
from tests.factories import BassinFactory, StructureFactory

pytestmark = pytest.mark.django_db

BASE = "https://maillage.example.org"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE


def test_subscription_links_on_the_sites_address():
    links = subscription_links("/agenda.ics?bassin=bourges&theme=x", "Ateliers – Maillage")

    assert links["feed_url"] == f"{BASE}/agenda.ics?bassin=bourges&theme=x"
    assert links["webcal_url"] == "webcal://maillage.example.org/agenda.ics?bassin=bourges&theme=x"
    assert links["google_url"] == (
        "https://calendar.google.com/calendar/r?cid="
        "webcal://maillage.example.org/agenda.ics%3Fbassin%3Dbourges%26theme%3Dx"
    )
    google = parse_qs(urlsplit(links["google_url"]).query)
    assert google == {"cid": [links["webcal_url"]]}
    outlook = urlsplit(links["outlook_url"])
    assert (outlook.netloc, outlook.path) == ("outlook.live.com", "/calendar/0/addfromweb")
    assert parse_qs(outlook.query) == {"url": [links["feed_url"]], "name": ["Ateliers – Maillage"]}


def test_agenda_subscribe_page_keeps_the_filters(client):
    response = client.get(
        reverse("events:agenda_subscribe"), {"theme": "demarches", "page": "3", "vue": "mois"}
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert 'href="webcal://maillage.example.org/agenda.ics?theme=demarches"' in text
    assert f'value="{BASE}/agenda.ics?theme=demarches" readonly' in text
    assert '<label for="adresse-de-l-agenda">' in text
    assert "Sur un iPhone ou un iPad" in text
    assert "Sur un téléphone Android" in text
    assert "https://outlook.live.com/calendar/0/addfromweb?url=" in text


def test_bassin_and_structure_subscribe_pages_speak_french(client):
    bassin = BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun")
    structure = StructureFactory(bassin=bassin, title="Maison des Expressions et des Loisirs", slug="meli")

    bassin_text = client.get(reverse("events:bassin_subscribe", args=["issoudun"])).content.decode()
    structure_text = client.get(reverse("events:structure_subscribe", args=[structure.slug])).content.decode()

    assert "<h1>S&#x27;abonner aux ateliers du bassin d&#x27;Issoudun</h1>" in bassin_text
    assert "webcal://maillage.example.org/bassins/issoudun/agenda.ics" in bassin_text
    assert (
        "<h1>S&#x27;abonner aux ateliers de la Maison des Expressions et des Loisirs</h1>" in structure_text
    )
    assert "webcal://maillage.example.org/structures/meli/agenda.ics" in structure_text


def test_subscribe_page_of_an_unknown_bassin_is_not_found(client):
    assert client.get(reverse("events:bassin_subscribe", args=["nulle-part"])).status_code == 404


def test_agenda_links_to_the_subscribe_page(client):
    text = client.get(reverse("events:agenda"), {"theme": "demarches"}).content.decode()

    assert f'href="{reverse("events:agenda_subscribe")}?theme=demarches">S\'abonner</a>' in text


def test_day_heading_writes_the_first_of_the_month_as_1er():
    from events.templatetags.events_tags import day_heading

    assert day_heading(date(2031, 12, 1)) == "Lundi 1er décembre 2031"
