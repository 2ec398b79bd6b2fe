"""The public programme of a cycle: only accepted contributions, by day or by bassin, filters, map and list,
the printable version, the feeds that carry `cycle=`, sharing, and a query count that does not grow."""

from datetime import time, timedelta
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from programmes import domain
from programmes.models import CyclePage
from programmes.programme import call_for_contributions
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory

from .factories import ContributionFactory, CycleFactory, editor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory()


@pytest.fixture
def bourges():
    return BassinFactory(title="Bassin de Bourges", slug="bourges")


@pytest.fixture
def vierzon():
    return BassinFactory(title="Bassin de Vierzon", slug="vierzon")


@pytest.fixture
def mediatheque(bourges):
    return StructureFactory(
        bassin=bourges,
        title="Médiathèque de Bourges",
        commune="Bourges",
        adresse="1 boulevard Lamarck",
        latitude=47.08,
        longitude=2.39,
    )


@pytest.fixture
def espace(vierzon):
    return StructureFactory(
        bassin=vierzon,
        title="Espace numérique de Vierzon",
        commune="Vierzon",
        adresse="2 rue de la Gare",
        latitude=47.22,
        longitude=2.07,
    )


@pytest.fixture
def cycle(coordinator, bourges, vierzon):
    return CycleFactory(
        title="Human Tech Days",
        slug="human-tech-days",
        edition="2027",
        coordinators=[coordinator],
        bassins=[bourges, vierzon],
    )


def proposed(cycle, structure, **fields):
    """A submitted contribution of `structure`, written and sent by one of its editors."""
    editor = editor_of(structure)
    contribution = ContributionFactory(cycle=cycle, structure=structure, created_by=editor, **fields)
    return domain.submit_contribution(contribution=contribution, by=editor), editor


def accepted(cycle, structure, coordinator, **fields):
    contribution, _editor = proposed(cycle, structure, **fields)
    return domain.accept_contribution(contribution=contribution, by=coordinator)


def day(cycle, number: int) -> str:
    return (cycle.start_date + timedelta(days=number)).isoformat()


def session_titles(response) -> list[str]:
    return [row.atelier.title for row in response.context["sessions"]]


# ---- what appears ----


def test_programme_shows_only_accepted_contributions(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator, title="Tablette pour débuter")
    proposed(cycle, espace, title="Proposée, pas encore retenue")
    declined, _editor = proposed(cycle, espace, title="Refusée")
    domain.decline_contribution(contribution=declined, by=coordinator)
    withdrawn, editor = proposed(cycle, mediatheque, title="Retirée")
    domain.withdraw_contribution(contribution=withdrawn, by=editor)
    ContributionFactory(cycle=cycle, structure=espace, title="Brouillon")
    AtelierFactory(structure=mediatheque, title="Atelier hors cycle", start_date=cycle.start_date)

    response = client.get(cycle.url)

    assert response.status_code == 200
    assert session_titles(response) == ["Tablette pour débuter"]
    for title in ("Proposée, pas encore retenue", "Refusée", "Retirée", "Brouillon", "Atelier hors cycle"):
        assert title not in response.text


def test_programme_hides_sessions_of_an_unpublished_host(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator, title="Chez un hôte publié")
    accepted(cycle, espace, coordinator, title="Chez un hôte dépublié")
    espace.unpublish()

    response = client.get(cycle.url)

    assert session_titles(response) == ["Chez un hôte publié"]


def test_an_unpublished_cycle_has_no_programme(client, cycle):
    url = cycle.url
    cycle.unpublish()

    assert client.get(url).status_code == 404
    assert client.get(url + "imprimer/").status_code == 404


def test_a_restricted_cycle_asks_to_log_in_on_the_page_and_its_printable_version(client, cycle):
    restriction = PageViewRestriction.objects.create(page=cycle, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Coordination régionale"))

    page = client.get(cycle.url)
    printable = client.get(cycle.url + "imprimer/")

    assert (page.status_code, printable.status_code) == (302, 302)
    assert page["Location"] == "/comptes/login/?next=/human-tech-days/"
    assert printable["Location"] == "/comptes/login/?next=/human-tech-days/imprimer/"


def test_programme_header_says_dates_theme_and_summary(client, cycle):
    cycle.theme = "Le numérique qui relie"
    cycle.save_revision().publish()

    response = client.get(cycle.url)

    assert "<h1>Human Tech Days 2027</h1>" in response.text
    assert "Le numérique qui relie" in response.text
    assert escape(cycle.summary) in response.text
    assert capfirst(cycle.dates_label()) in response.text


def test_empty_programme_says_it_is_not_published_yet(client, cycle):
    response = client.get(cycle.url)

    assert response.context["sessions"] == []
    assert "Le programme n'est pas encore publié" in response.text


# ---- by day, by bassin ----


def test_programme_by_day_groups_sessions_under_their_day_in_time_order(
    client, cycle, coordinator, mediatheque, espace
):
    accepted(cycle, espace, coordinator, title="Le troisième jour", dates=[day(cycle, 2)])
    accepted(
        cycle,
        mediatheque,
        coordinator,
        title="Le matin",
        dates=[day(cycle, 0)],
        start_time=time(9, 30),
        end_time=time(11, 0),
    )
    accepted(cycle, espace, coordinator, title="L'après-midi", dates=[day(cycle, 0)])

    response = client.get(cycle.url)

    days = [
        (when.isoformat(), [row.atelier.title for row in rows]) for when, rows in response.context["days"]
    ]
    assert days == [
        (day(cycle, 0), ["Le matin", "L'après-midi"]),
        (day(cycle, 2), ["Le troisième jour"]),
    ]
    assert response.context["view"] == "jours"


def test_a_contribution_on_two_dates_appears_on_both_days(client, cycle, coordinator, mediatheque):
    accepted(cycle, mediatheque, coordinator, title="Deux fois", dates=[day(cycle, 1), day(cycle, 3)])

    response = client.get(cycle.url)

    assert [when.isoformat() for when, _rows in response.context["days"]] == [day(cycle, 1), day(cycle, 3)]


def test_programme_by_bassin_lists_every_bassin_of_the_territory(
    client, cycle, coordinator, mediatheque, espace
):
    accepted(cycle, mediatheque, coordinator, title="À Bourges")
    accepted(cycle, espace, coordinator, title="À Vierzon")
    accepted(cycle, espace, coordinator, title="Encore à Vierzon", dates=[day(cycle, 4)])
    BassinFactory(title="Bassin hors du cycle", slug="ailleurs")

    response = client.get(cycle.url, {"vue": "bassins"})

    groups = [
        (group.title, [row.atelier.title for row in group.sessions])
        for group in response.context["bassin_groups"]
    ]
    assert groups == [
        ("Bassin de Bourges", ["À Bourges"]),
        ("Bassin de Vierzon", ["À Vierzon", "Encore à Vierzon"]),
    ]
    assert 'aria-current="page">Par bassin de vie' in response.text


def test_programme_by_bassin_says_when_a_bassin_has_nothing_yet(client, cycle, coordinator, mediatheque):
    accepted(cycle, mediatheque, coordinator)

    response = client.get(cycle.url, {"vue": "bassins"})

    assert [len(group.sessions) for group in response.context["bassin_groups"]] == [1, 0]
    assert "Pas encore de séance annoncée dans ce bassin." in response.text


# ---- filters ----


def test_programme_filters_by_bassin(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator, title="À Bourges")
    accepted(cycle, espace, coordinator, title="À Vierzon")

    response = client.get(cycle.url, {"bassin": "vierzon"})

    assert session_titles(response) == ["À Vierzon"]


def test_programme_filters_by_commune_public_and_theme(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator, title="Seniors à Bourges", publics=["Seniors"])
    accepted(
        cycle,
        espace,
        coordinator,
        title="Familles à Vierzon",
        publics=["Familles et/ou enfants"],
        themes=["Loisirs et créations numériques"],
    )

    assert session_titles(client.get(cycle.url, {"commune": "Vierzon"})) == ["Familles à Vierzon"]
    assert session_titles(client.get(cycle.url, {"public": "Seniors"})) == ["Seniors à Bourges"]
    assert session_titles(client.get(cycle.url, {"theme": "Loisirs et créations numériques"})) == [
        "Familles à Vierzon"
    ]


def test_programme_filters_by_dates_and_evening(client, cycle, coordinator, mediatheque):
    accepted(cycle, mediatheque, coordinator, title="Premier jour", dates=[day(cycle, 0)])
    accepted(
        cycle,
        mediatheque,
        coordinator,
        title="Le soir",
        dates=[day(cycle, 2)],
        start_time=time(18, 30),
        end_time=time(20, 0),
    )

    assert session_titles(client.get(cycle.url, {"du": day(cycle, 1)})) == ["Le soir"]
    assert session_titles(client.get(cycle.url, {"soir": "on"})) == ["Le soir"]


def test_programme_ignores_another_cycle_named_in_the_address(client, cycle, coordinator, mediatheque):
    accepted(cycle, mediatheque, coordinator, title="Du cycle")

    response = client.get(cycle.url, {"cycle": "un-autre-cycle"})

    assert session_titles(response) == ["Du cycle"]


def test_programme_offers_the_communes_of_its_sessions_only(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator)
    accepted(cycle, espace, coordinator)
    AtelierFactory(structure=StructureFactory(commune="Aubigny"), start_date=cycle.start_date)

    response = client.get(cycle.url)

    assert response.context["form"].fields["commune"].choices == [
        ("Bourges", "Bourges"),
        ("Vierzon", "Vierzon"),
    ]


# ---- map and places ----


def test_programme_places_are_listed_and_mapped(client, cycle, coordinator, mediatheque, espace):
    accepted(cycle, mediatheque, coordinator, title="Tablette")
    accepted(cycle, mediatheque, coordinator, title="Smartphone", dates=[day(cycle, 2)])
    accepted(cycle, espace, coordinator, title="Démarches")

    response = client.get(cycle.url)

    places = [(place.name, len(place.sessions)) for place in response.context["places"]]
    assert places == [("Médiathèque de Bourges", 2), ("Espace numérique de Vierzon", 1)]
    markers = [(marker["name"], marker["url"], marker["lat"]) for marker in response.context["map_markers"]]
    assert markers == [
        ("Médiathèque de Bourges", "#lieu-1", 47.08),
        ("Espace numérique de Vierzon", "#lieu-2", 47.22),
    ]
    assert 'id="lieu-1"' in response.text
    assert 'id="map-markers"' in response.text


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


# ---- the atelier page ----


def test_atelier_page_says_its_cycle_and_co_organisers(client, cycle, coordinator, mediatheque, espace):
    editor = editor_of(mediatheque)
    contribution = domain.create_contribution(
        cycle=cycle,
        structure=mediatheque,
        by=editor,
        data={
            "title": "Ensemble",
            "summary": "À deux structures.",
            "dates": [day(cycle, 1)],
            "start_time": time(14, 0),
            "end_time": time(16, 0),
        },
        co_organisers=[espace],
        submit=True,
    )
    domain.accept_contribution(contribution=contribution, by=coordinator)
    contribution.refresh_from_db()

    response = client.get(contribution.atelier.get_absolute_url())

    assert f'Dans le cadre de : <a href="{cycle.url}">Human Tech Days 2027</a>' in response.text
    assert f'Co-organisé avec : <a href="{espace.url}">Espace numérique de Vierzon</a>' in response.text


def test_atelier_page_of_a_plain_atelier_names_no_cycle(client, mediatheque):
    atelier = AtelierFactory(structure=mediatheque, start_date=timezone.localdate() + timedelta(days=3))

    response = client.get(atelier.get_absolute_url())

    assert "Dans le cadre de" not in response.text
    assert "Co-organisé avec" not in response.text


def test_atelier_page_of_a_cycle_costs_no_more_query(
    client, cycle, coordinator, mediatheque, django_assert_num_queries
):
    atelier = accepted(cycle, mediatheque, coordinator).atelier
    client.get(atelier.get_absolute_url())  # warms the site cache

    # The atelier with its structure, bassin and cycle (1), its next sessions (1): as any atelier.
    with django_assert_num_queries(2):
        response = client.get(atelier.get_absolute_url())
    assert response.context["cycle"] == cycle


# ---- cost ----


# Wagtail's serving of the page (site, route, page, ancestors, view restrictions: 6), then the programme: the
# territory's bassins, the communes, the sessions with their atelier and host, their co-organisers (4).
PROGRAMME_QUERIES = 10


@pytest.mark.parametrize("url_end", ["", "?vue=bassins", "imprimer/"])
def test_programme_query_count_does_not_grow_with_contributions(
    client, cycle, coordinator, mediatheque, espace, url_end, django_assert_num_queries
):
    for structure in (mediatheque, espace):
        accepted(cycle, structure, coordinator)
    url = cycle.url + url_end
    client.get(url)  # warms the site and content type caches

    with django_assert_num_queries(PROGRAMME_QUERIES):
        client.get(url)

    for number in range(6):
        accepted(cycle, (mediatheque, espace)[number % 2], coordinator, dates=[day(cycle, number % 5)])

    with django_assert_num_queries(PROGRAMME_QUERIES):
        response = client.get(url)
    assert len(response.context["sessions"]) == 8


def test_preview_of_a_cycle_not_saved_yet_renders_an_empty_programme(db):
    today = timezone.localdate()
    draft = CyclePage(
        title="Fête du numérique",
        slug="fete-du-numerique",
        start_date=today + timedelta(days=40),
        end_date=today + timedelta(days=41),
        call_opens=today,
        call_closes=today + timedelta(days=20),
    )

    response = draft.make_preview_request()

    assert response.status_code == 200
    assert "<h1>Fête du numérique</h1>" in response.content.decode()
