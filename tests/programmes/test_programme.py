"""The public programme of a cycle: only accepted contributions, by day or by bassin, filters, map and list,
the atelier page of a cycle, and a query count that does not grow (its feeds, printing and sharing are in
test_programme_sharing.py; the shared cycle and places in conftest.py)."""

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst
from wagtail.models import PageViewRestriction

from programmes import domain
from programmes.models import CyclePage
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

from .factories import ContributionFactory, editor_of
from .programme_pages import accepted, day, proposed, session_titles

pytestmark = pytest.mark.django_db

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
