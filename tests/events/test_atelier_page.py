"""The atelier page: what, when, where, for whom, how to register; and its schema.org Event."""

import json
import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events import enums
from events.domain import save_atelier, update_session
from events.models import SessionOverride
from network.enums import Service
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure(db):
    bassin = BassinFactory(title="Bassin de Bourges", slug="bourges")
    return StructureFactory(
        bassin=bassin,
        title="Médiathèque de Bourges",
        slug="mediatheque",
        commune="Bourges",
        adresse="1 boulevard Lamarck",
        code_postal="18000",
        latitude=47.08,
        longitude=2.39,
    )


@pytest.fixture
def first_day():
    """A Tuesday two weeks ahead or more, so the series' first session is always to come."""
    day = timezone.localdate() + timedelta(days=14)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture
def atelier(structure, first_day):
    return AtelierFactory(
        structure=structure,
        title="Bien utiliser sa tablette",
        summary="Apprendre les gestes de base d'une tablette.",
        description="<p>On apprend à <b>allumer</b> la tablette.</p>",
        themes=[Service.OUTILS_QUOTIDIEN],
        publics=["Seniors", enums.TOUS_PUBLICS],
        level=enums.Level.DEBUTANT,
        prerequisites="Savoir lire.",
        bring_tablet=True,
        needs_email=True,
        equipment_lent="tablettes prêtées",
        capacity=8,
        price=enums.Price.PAYANT,
        price_amount=Decimal("2.50"),
        registration=enums.Registration.PHONE,
        registration_details="02 48 00 00 00",
        wheelchair_accessible=True,
        start_date=first_day,
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )


def jsonld(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    return json.loads(match.group(1))


def test_atelier_page_shows_every_section(client, atelier):
    response = client.get(f"/ateliers/{atelier.pk}/")
    text = response.text

    assert response.status_code == 200
    assert "<h1>Bien utiliser sa tablette</h1>" in text
    assert "Tous les mardis de 14 h à 16 h" in text
    assert "<b>allumer</b>" in text
    assert "Tous publics, Seniors" in text
    assert "Débutant" in text
    assert "<li>Apporter sa tablette</li>" in text
    assert "<li>Avoir une adresse e-mail</li>" in text
    assert "Savoir lire." in text
    assert "tablettes prêtées" in text
    assert "1 boulevard Lamarck<br>" in text
    assert "18000 Bourges" in text
    assert "8 places par séance." in text
    assert "payant, 2,50 €" in text
    assert '<a href="tel:0248000000">02 48 00 00 00</a>' in text
    assert "Accessible en fauteuil roulant." in text
    # « S'inscrire » comes first, « Ajouter à mon agenda » after it.
    register = text.index('href="tel:0248000000">S\'inscrire</a>')
    add = text.index(f'href="/ateliers/{atelier.pk}.ics">Ajouter à mon agenda<span class="visually-hidden">')
    assert register < add
    assert f'<a href="{atelier.structure.url}">Médiathèque de Bourges</a>' in text


def test_atelier_page_lists_the_next_ten_dates_with_their_status(client, atelier, first_day):
    first = atelier.occurrences.order_by("start").first()
    update_session(
        atelier=atelier, original_start=first.start, status=enums.Status.CANCELLED, note="Formatrice absente"
    )

    response = client.get(f"/ateliers/{atelier.pk}/")

    sessions = response.context["sessions"]
    assert [session.local_date for session in sessions] == [first_day + timedelta(weeks=n) for n in range(10)]
    assert sessions[0].is_cancelled
    assert "Formatrice absente" in response.text
    assert '<span class="badge badge--cancelled">Annulé</span>' in response.text
    assert '<span class="badge badge--places">8 places restantes</span>' in response.text


def test_atelier_page_breadcrumb_leads_to_bassin_and_structure(client, atelier):
    response = client.get(f"/ateliers/{atelier.pk}/")

    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', response.text, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", crumbs) == [
        "Accueil",
        "Bassin de Bourges",
        "Médiathèque de Bourges",
        "Bien utiliser sa tablette",
    ]


def test_atelier_page_has_a_map_and_the_written_address(client, atelier):
    response = client.get(f"/ateliers/{atelier.pk}/")

    assert response.context["map_markers"] == [
        {
            "id": atelier.pk,
            "name": "Médiathèque de Bourges",
            "url": f"/ateliers/{atelier.pk}/",
            "commune": "Bourges",
            "lat": 47.08,
            "lon": 2.39,
        }
    ]
    assert "La carte montre l'adresse écrite ci-dessus." in response.text


def test_remote_atelier_page_links_the_meeting_and_has_no_map(client, structure):
    remote = AtelierFactory(
        structure=structure,
        title="En visio",
        format=enums.Format.REMOTE,
        online_url="https://visio.exemple.fr/salle",
    )

    response = client.get(f"/ateliers/{remote.pk}/")

    assert response.context["map_markers"] == []
    assert 'href="https://visio.exemple.fr/salle">Lien pour participer à distance' in response.text


def test_registration_by_email_or_link_is_a_link(client, structure):
    by_email = AtelierFactory(
        structure=structure, registration=enums.Registration.EMAIL, registration_details="accueil@exemple.fr"
    )
    by_link = AtelierFactory(
        structure=structure,
        registration=enums.Registration.LINK,
        registration_details="https://exemple.fr/ins",
    )

    assert '<a href="mailto:accueil@exemple.fr">' in client.get(f"/ateliers/{by_email.pk}/").text
    assert '<a href="https://exemple.fr/ins">' in client.get(f"/ateliers/{by_link.pk}/").text


def test_professionals_only_atelier_page_is_not_found(client, structure):
    pro = AtelierFactory(structure=structure, visibility=enums.Visibility.PROFESSIONALS)

    assert client.get(f"/ateliers/{pro.pk}/").status_code == 404


def test_atelier_of_unpublished_structure_is_not_found(client, atelier, structure):
    structure.unpublish()

    assert client.get(f"/ateliers/{atelier.pk}/").status_code == 404


def test_unknown_atelier_is_not_found(client, db):
    assert client.get("/ateliers/999999/").status_code == 404


# ---- JSON-LD ----


def test_atelier_jsonld_describes_the_next_session(client, atelier, first_day, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"
    response = client.get(f"/ateliers/{atelier.pk}/")

    url = f"https://maillage.example.org/ateliers/{atelier.pk}/"
    start = timezone.make_aware(timezone.datetime.combine(first_day, time(14, 0)))
    end = start + timedelta(hours=2)
    assert jsonld(response) == {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": "Bien utiliser sa tablette",
        "description": "Apprendre les gestes de base d'une tablette.",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "location": {
            "@type": "Place",
            "name": "Médiathèque de Bourges",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "1 boulevard Lamarck",
                "postalCode": "18000",
                "addressLocality": "Bourges",
                "addressCountry": "FR",
            },
            "geo": {"@type": "GeoCoordinates", "latitude": 47.08, "longitude": 2.39},
        },
        "organizer": {
            "@type": "Organization",
            "name": "Médiathèque de Bourges",
            "url": f"https://maillage.example.org{atelier.structure.url}",
        },
        "offers": {
            "@type": "Offer",
            "price": "2.50",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
            "url": url,
        },
    }
    assert start.isoformat().endswith(("+01:00", "+02:00"))


def test_atelier_jsonld_follows_the_session_status(client, atelier):
    first, second = atelier.occurrences.order_by("start")[:2]
    update_session(atelier=atelier, original_start=first.start, status=enums.Status.CANCELLED)

    cancelled = jsonld(client.get(f"/ateliers/{atelier.pk}/"))
    SessionOverride.objects.filter(atelier=atelier).update(status=enums.Status.SCHEDULED, seats_taken=8)
    save_atelier(atelier=atelier)
    full = jsonld(client.get(f"/ateliers/{atelier.pk}/"))

    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert "offers" not in cancelled
    assert full["eventStatus"] == "https://schema.org/EventScheduled"
    assert full["offers"]["availability"] == "https://schema.org/SoldOut"


def test_atelier_jsonld_of_postponed_hybrid_atelier(client, structure):
    hybrid = AtelierFactory(
        structure=structure,
        status=enums.Status.POSTPONED,
        format=enums.Format.HYBRID,
        online_url="https://visio.exemple.fr/salle",
    )

    data = jsonld(client.get(f"/ateliers/{hybrid.pk}/"))

    assert data["eventStatus"] == "https://schema.org/EventPostponed"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]
    assert data["offers"]["price"] == "0.00"


def test_atelier_jsonld_cannot_close_its_script_element(client, structure):
    sneaky = AtelierFactory(structure=structure, title="</script><script>alert(1)</script>")

    response = client.get(f"/ateliers/{sneaky.pk}/")

    assert "</script><script>alert(1)" not in response.text
    assert jsonld(response)["name"] == "</script><script>alert(1)</script>"


def test_atelier_page_query_count_does_not_grow_with_sessions(client, atelier, django_assert_num_queries):
    client.get(f"/ateliers/{atelier.pk}/")  # warms the site cache

    # The atelier with its structure and its bassin (1), its next sessions (1).
    with django_assert_num_queries(2):
        client.get(f"/ateliers/{atelier.pk}/")


def test_atelier_page_of_an_all_day_atelier_shows_no_hours(client, structure, first_day):
    atelier = AtelierFactory(
        structure=structure,
        title="Portes ouvertes",
        all_day=True,
        start_date=first_day,
        start_time=time(0),
        end_time=time(0),
        end_date=first_day + timedelta(days=1),
    )

    response = client.get(f"/ateliers/{atelier.pk}/")

    content = response.content.decode().split("<body>")[1]
    assert content.count("toute la journée") == 2  # « Quand : » and the date in the list
    assert "0 h" not in content
    assert (jsonld(response)["startDate"], jsonld(response)["endDate"]) == (first_day.isoformat(),) * 2


def test_atelier_page_dates_show_a_sessions_own_title(client, atelier):
    second = atelier.occurrences.order_by("start")[1]
    update_session(atelier=atelier, original_start=second.recurrence_id, title="Séance spéciale : les photos")

    content = client.get(f"/ateliers/{atelier.pk}/").content.decode()

    assert content.count("Séance spéciale : les photos") == 1
