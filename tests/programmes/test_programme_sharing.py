"""The public programme of a cycle, outside its page: the feeds that carry `cycle=`, the printable version,
sharing, the subscribe page and the call for contributions block."""

from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from programmes.programme import call_for_contributions
from tests.factories import AtelierFactory

from .factories import CycleFactory
from .programme_pages import accepted, day, session_titles

pytestmark = pytest.mark.django_db

# ---- feeds, widget, print, sharing ----


def test_feed_links_carry_the_cycle_and_the_filters(client, cycle):
    response = client.get(cycle.url, {"commune": "Vierzon", "vue": "bassins"})

    assert (
        response.context["ics_url"] == reverse("events:agenda_ics") + "?cycle=human-tech-days&commune=Vierzon"
    )
    assert (
        response.context["json_url"]
        == reverse("events:agenda_json") + "?cycle=human-tech-days&commune=Vierzon"
    )
    assert response.context["widget_help_url"] == (
        reverse("events:widget_help") + "?cycle=human-tech-days&commune=Vierzon"
    )
    assert response.context["print_url"] == cycle.url + "imprimer/?commune=Vierzon"


def test_ics_feed_of_the_cycle_holds_only_its_sessions(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator, title="Du cycle")
    other = CycleFactory(coordinators=[coordinator])
    accepted(other, espace, coordinator, title="D'un autre cycle")
    AtelierFactory(structure=mediatheque, title="Hors cycle", start_date=cycle.start_date)

    response = client.get(reverse("events:agenda_ics"), {"cycle": cycle.slug})

    calendar = Calendar.from_ical(response.content)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Du cycle"]


def test_json_feed_of_the_cycle_holds_only_its_sessions(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator, title="Du cycle")
    accepted(cycle, espace, coordinator, title="À Vierzon")
    other = CycleFactory(coordinators=[coordinator])
    accepted(other, espace, coordinator, title="D'un autre cycle")
    AtelierFactory(structure=mediatheque, title="Hors cycle", start_date=cycle.start_date)

    everything = client.get(reverse("events:agenda_json"), {"cycle": cycle.slug}).json()
    in_vierzon = client.get(reverse("events:agenda_json"), {"cycle": cycle.slug, "commune": "Vierzon"}).json()

    assert sorted(item["title"] for item in everything["results"]) == ["Du cycle", "À Vierzon"]
    assert [item["title"] for item in in_vierzon["results"]] == ["À Vierzon"]


def test_print_page_lists_the_programme_by_day_with_places(client, cycle, coordinator, mediatheque, espace):
    accepted(
        cycle,
        espace,
        coordinator,
        title="Le deuxième jour",
        dates=[day(cycle, 1)],
        registration="telephone",
        registration_details="02 48 00 00 00",
    )
    accepted(cycle, mediatheque, coordinator, title="Le premier jour", dates=[day(cycle, 0)])

    response = client.get(cycle.url + "imprimer/", {"vue": "bassins"})

    text = response.text
    assert response.status_code == 200
    assert response.templates[0].name == "programmes/cycle_print.html"
    assert response.context["view"] == "jours"
    assert text.index("Le premier jour") < text.index("Le deuxième jour")
    assert "2 rue de la Gare" in text
    assert "Par téléphone : 02 48 00 00 00" in text
    assert "programmes/print.css" in text
    assert "data-print" in text
    assert "Ctrl + P" in text


def test_print_page_keeps_the_filters(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator, title="À Bourges")
    accepted(cycle, espace, coordinator, title="À Vierzon")

    response = client.get(cycle.url + "imprimer/", {"bassin": "bourges"})

    assert session_titles(response) == ["À Bourges"]
    assert "Sélection selon 1 filtre choisi sur le site." in response.text


def test_share_links_carry_the_page_address(client, cycle, settings):
    """On the site's public address: Wagtail's `Site` record still says `localhost`, a dead link to share."""
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"

    response = client.get(cycle.url, {"vue": "bassins"})

    address = "https://maillage.example.org/human-tech-days/?vue=bassins"
    assert response.context["shared_url"] == address
    urls = {link["service"]: link["url"] for link in response.context["share_links"]}
    assert urls["facebook"] == "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": address})
    assert urls["linkedin"] == "https://www.linkedin.com/sharing/share-offsite/?" + urlencode(
        {"url": address}
    )
    assert urls["whatsapp"] == "https://wa.me/?" + urlencode({"text": f"Human Tech Days 2027 — {address}"})
    assert urls["email"] == (
        f"mailto:?subject={quote('Human Tech Days 2027')}&body={quote(f'Human Tech Days 2027 — {address}')}"
    )
    assert "data-copy-link" in response.text


def test_printed_programme_gives_the_public_address(client, cycle, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"

    response = client.get(cycle.url + "imprimer/")

    assert response.context["full_programme_url"] == "https://maillage.example.org/human-tech-days/"
    assert "Programme à jour, carte et inscriptions : https://maillage.example.org/human-tech-days/" in (
        response.text
    )


def test_subscribe_page_of_the_programme_keeps_its_filters(client, cycle, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"

    programme = client.get(cycle.url, {"bassin": "bourges"})
    response = client.get(cycle.url + "s-abonner/", {"bassin": "bourges", "vue": "bassins"})

    assert programme.context["subscribe_url"] == "/human-tech-days/s-abonner/?bassin=bourges"
    assert response.status_code == 200
    assert response.context["feed_url"] == (
        "https://maillage.example.org/agenda.ics?cycle=human-tech-days&bassin=bourges"
    )
    assert response.context["webcal_url"] == (
        "webcal://maillage.example.org/agenda.ics?cycle=human-tech-days&bassin=bourges"
    )
    assert response.context["calendar_name"] == "Human Tech Days 2027"
    assert response.context["back_url"] == "/human-tech-days/?bassin=bourges"


# ---- call for contributions ----


def test_call_block_offers_to_propose_while_the_call_is_open(client, cycle):
    response = client.get(cycle.url)

    assert response.context["call"]["propose_url"] == reverse(
        "programmes:propose", kwargs={"slug": cycle.slug}
    )
    assert "Appel à contributions ouvert" in response.text


def test_call_block_says_when_the_call_opens_and_closes(cycle):
    today = timezone.localdate()
    cycle.call_opens, cycle.call_closes = today + timedelta(days=2), today + timedelta(days=9)

    upcoming = call_for_contributions(cycle, today)
    closed = call_for_contributions(cycle, today + timedelta(days=10))

    assert (upcoming["state"], upcoming["propose_url"]) == ("a_venir", "")
    assert upcoming["text"].startswith("L'appel à contributions ouvrira le ")
    assert (closed["state"], closed["propose_url"]) == ("clos", "")
    assert closed["text"].startswith("L'appel à contributions est clos depuis le ")
