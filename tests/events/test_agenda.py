"""The public agendas: region, bassin and structure; list, week and month views; filters; feeds links."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from events import enums
from events.domain import update_session
from network.enums import Service
from tests.factories import AtelierFactory

from .agenda_pages import listed_titles

pytestmark = pytest.mark.django_db

# ---- list view ----


def test_agenda_lists_sessions_grouped_by_day_from_today(client, catalogue, tuesday):
    response = client.get("/agenda/")

    assert response.status_code == 200
    assert [day for day, _sessions in response.context["days"]] == [
        tuesday,
        tuesday + timedelta(days=1),
        tuesday + timedelta(days=4),
    ]
    assert listed_titles(response) == [
        "Tablette pour les seniors",
        "Démarches en soirée",
        "Atelier complet",
        "Samedi en famille",
    ]
    assert response.context["result_count"] == 4
    assert "4 séances trouvées" in response.text


def test_agenda_day_headings_are_french_and_capitalised(client, catalogue, tuesday):
    response = client.get("/agenda/")

    heading = response.context["days"][0][0]
    assert heading == tuesday
    assert f'id="jour-{tuesday:%Y-%m-%d}">Mardi {tuesday.day} ' in response.text


def test_agenda_item_shows_time_range_structure_commune_level_and_price(client, catalogue):
    response = client.get("/agenda/", {"theme": Service.DEMARCHES})
    text = response.text

    assert "18 h 30 – 20 h" in text
    assert "PIJ de Vierzon" in text
    assert '<span class="session__commune">Vierzon</span>' in text
    assert "Niveau : Intermédiaire" in text
    assert "Payant (5 €)" in text
    assert f'href="{catalogue["soiree"].get_absolute_url()}"' in text


def test_agenda_skips_sessions_already_over(client, mediatheque):
    AtelierFactory(structure=mediatheque, title="Passé", start_date=timezone.localdate() - timedelta(days=3))
    AtelierFactory(structure=mediatheque, title="À venir")

    response = client.get("/agenda/")

    assert listed_titles(response) == ["À venir"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"theme": Service.DEMARCHES}, ["soiree"]),
        ({"theme": [Service.DEMARCHES, Service.LOISIRS]}, ["samedi", "soiree"]),
        ({"public": "Seniors"}, ["samedi", "tablette"]),  # « Tous publics » welcomes seniors too
        ({"public": "Jeunes"}, ["samedi", "soiree"]),
        ({"niveau": "intermediaire"}, ["soiree"]),
        ({"format": "hybride"}, ["soiree"]),
        ({"gratuit": "on"}, ["complet", "samedi", "tablette"]),
        ({"accessible": "on"}, ["samedi"]),
        ({"soir": "on"}, ["soiree"]),
        ({"weekend": "on"}, ["samedi"]),
        ({"places": "on"}, ["samedi", "soiree", "tablette"]),
        ({"bassin": "vierzon"}, ["soiree"]),
        ({"commune": "Vierzon"}, ["soiree"]),
        ({"theme": Service.OUTILS_QUOTIDIEN, "soir": "on"}, []),
        ({"theme": "Valeur inconnue"}, ["complet", "samedi", "soiree", "tablette"]),
    ],
)
def test_agenda_filters_select_matching_sessions(client, catalogue, query, expected):
    response = client.get("/agenda/", query)

    titles = {atelier.title: key for key, atelier in catalogue.items()}
    assert sorted(titles[title] for title in listed_titles(response)) == expected


def test_agenda_date_filters_bound_the_period(client, catalogue, tuesday):
    saturday = tuesday + timedelta(days=4)

    response = client.get("/agenda/", {"du": saturday.isoformat(), "au": saturday.isoformat()})

    assert listed_titles(response) == ["Samedi en famille"]
    assert response.context["form"].active_filter_count == 2


def test_agenda_checked_filters_stay_checked(client, catalogue):
    response = client.get("/agenda/", {"soir": "on", "theme": Service.DEMARCHES})

    assert 'name="soir" id="id_soir" checked' in response.text
    assert f'value="{Service.DEMARCHES}" id="id_theme_0" checked' in response.text
    assert "(2 filtres choisis)" in response.text


def test_agenda_never_shows_professionals_only_ateliers(client, mediatheque, bourges):
    public = AtelierFactory(structure=mediatheque, title="Pour tous")
    AtelierFactory(structure=mediatheque, title="Réunion des pros", visibility=enums.Visibility.PROFESSIONALS)

    for url in ("/agenda/", "/bassins/bourges/agenda/", "/structures/mediatheque/agenda/"):
        for view in ("liste", "semaine", "mois"):
            response = client.get(url, {"vue": view, "du": public.start_date.isoformat()})
            assert "Réunion des pros" not in response.text, (url, view)
            assert "Pour tous" in response.text, (url, view)


def test_agenda_hides_sessions_of_unpublished_structures(client, mediatheque):
    AtelierFactory(structure=mediatheque, title="Atelier d'un lieu dépublié")
    mediatheque.unpublish()

    response = client.get("/agenda/")

    assert listed_titles(response) == []
    assert "Aucune séance trouvée" in response.text


# ---- statuses ----


def test_agenda_labels_cancelled_full_and_places_left(client, mediatheque, tuesday):
    series = AtelierFactory(
        structure=mediatheque,
        title="Série",
        start_date=tuesday,
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        capacity=10,
    )
    first, second, third = series.occurrences.order_by("start")
    update_session(
        atelier=series, original_start=first.start, status=enums.Status.CANCELLED, note="Salle indisponible"
    )
    update_session(atelier=series, original_start=second.start, seats_taken=10)
    update_session(atelier=series, original_start=third.start, seats_taken=7)

    response = client.get("/agenda/")
    text = response.text

    assert text.count('class="session session--cancelled"') == 1
    assert '<span class="badge badge--cancelled">Annulé</span>' in text
    assert "Salle indisponible" in text
    assert '<span class="badge badge--full">Complet</span>' in text
    assert '<span class="badge badge--places">3 places restantes</span>' in text


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "abc", "0"])
def test_list_page_out_of_range_is_answered(client, mediatheque, tuesday, page):
    AtelierFactory(structure=mediatheque, title="Seule", start_date=tuesday)

    response = client.get("/agenda/", {"page": page})

    assert response.status_code == 200
    assert listed_titles(response) == ["Seule"]


# ---- pagination ----


def test_list_is_paginated_and_pages_keep_the_filters(client, mediatheque, tuesday):
    AtelierFactory(
        structure=mediatheque,
        title="Hebdomadaire",
        themes=[Service.SECURITE],
        start_date=tuesday,
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=40",
    )

    first = client.get("/agenda/", {"theme": Service.SECURITE})
    second = client.get("/agenda/", {"theme": Service.SECURITE, "page": "2"})

    assert first.context["result_count"] == 40
    assert len(listed_titles(first)) == 30
    assert len(listed_titles(second)) == 10
    theme = "Utilisation+s%C3%A9curis%C3%A9e+du+num%C3%A9rique"
    assert f'href="?theme={theme}&amp;page=2"' in first.text
    assert "Séances 1 à 30 sur 40" in first.text


def test_list_pages_keep_agenda_order_across_equal_starts(client, mediatheque, tuesday):
    # Two series at the same hours: the page's last start is shared, the order is start then title.
    for title in ("Bureautique", "Atelier mails"):
        AtelierFactory(structure=mediatheque, title=title, start_date=tuesday, rrule="FREQ=DAILY;COUNT=20")

    first = client.get("/agenda/", {"du": tuesday.isoformat()})
    second = client.get("/agenda/", {"du": tuesday.isoformat(), "page": "2"})

    assert listed_titles(first) == ["Atelier mails", "Bureautique"] * 15
    assert listed_titles(second) == ["Atelier mails", "Bureautique"] * 5


def test_list_count_stops_a_few_pages_ahead(client, mediatheque, tuesday):
    AtelierFactory(structure=mediatheque, title="Quotidien", start_date=tuesday, rrule="FREQ=DAILY;COUNT=200")

    first = client.get("/agenda/", {"du": tuesday.isoformat()})
    third = client.get("/agenda/", {"du": tuesday.isoformat(), "page": "3"})

    # Page 1 counts five pages (150 sessions) at most: « plus de 150 ».
    assert first.context["result_count"] == 150
    assert "Plus de 150 séances trouvées" in first.text
    assert "Séances 1 à 30 sur plus de 150" in first.text
    # Page 3 counts up to seven pages: all 200 are counted.
    assert third.context["result_count"] == 200
    assert "200 séances trouvées" in third.text
    assert "Séances 61 à 90 sur 200" in third.text


# ---- feeds links ----


def test_feed_links_carry_the_filters_but_not_the_view(client, catalogue):
    response = client.get("/agenda/", {"soir": "on", "commune": "Vierzon", "vue": "mois", "page": "2"})

    assert response.context["ics_url"] == "/agenda.ics?soir=on&commune=Vierzon"
    assert response.context["json_url"] == "/agenda.json?soir=on&commune=Vierzon"
    assert response.context["widget_help_url"] == "/integrer-l-agenda/?soir=on&commune=Vierzon"
    assert response.context["subscribe_url"] == "/agenda/s-abonner/?soir=on&commune=Vierzon"
    assert 'href="/agenda/s-abonner/?soir=on&amp;commune=Vierzon">S\'abonner</a>' in response.text


def test_bassin_agenda_shows_its_sessions_and_links_its_feeds(client, catalogue):
    response = client.get("/bassins/vierzon/agenda/", {"gratuit": "on"})
    everything = client.get("/bassins/vierzon/agenda/")

    assert listed_titles(response) == []
    assert listed_titles(everything) == ["Démarches en soirée"]
    assert response.context["ics_url"] == "/bassins/vierzon/agenda.ics?gratuit=on"
    assert response.context["json_url"] == "/agenda.json?gratuit=on&bassin=vierzon"
    assert "<h1>Agenda des ateliers — Bassin de Vierzon</h1>" in response.text


def test_structure_agenda_shows_its_sessions_and_links_its_feeds(client, catalogue):
    response = client.get("/structures/mediatheque/agenda/")

    assert listed_titles(response) == ["Tablette pour les seniors", "Atelier complet", "Samedi en famille"]
    assert response.context["ics_url"] == "/structures/mediatheque/agenda.ics"
    assert response.context["json_url"] == "/agenda.json?structure=mediatheque"
    assert "<h1>Ateliers de la Médiathèque de Bourges</h1>" in response.text


@pytest.mark.parametrize("url", ["/bassins/inconnu/agenda/", "/structures/inconnue/agenda/"])
def test_agenda_of_unknown_bassin_or_structure_is_not_found(client, db, url):
    assert client.get(url).status_code == 404


def test_agenda_of_unpublished_structure_is_not_found(client, mediatheque):
    mediatheque.unpublish()

    assert client.get("/structures/mediatheque/agenda/").status_code == 404


# ---- query counts ----


@pytest.mark.parametrize("count", [100, 2000])
@pytest.mark.parametrize(
    ("url", "params", "queries"),
    [
        # Bassins offered as filters (view restrictions, bassins: 2), communes (1), count, bound, page (3).
        ("/agenda/", {}, 6),
        # The week's first sessions of each day with the day's count (1), then those sessions (1).
        ("/agenda/", {"vue": "semaine", "gratuit": "on"}, 5),
        ("/agenda/", {"vue": "mois", "theme": Service.OUTILS_QUOTIDIEN}, 5),
        # The bassin (view restrictions, row: 2), communes (1), count, page bound and page (3).
        ("/bassins/bourges/agenda/", {}, 6),
        # The structure with its bassin (view restrictions, row: 2), communes (1), count, bound, page (3).
        ("/structures/lieu-a/agenda/", {"page": "2"}, 6),
        # A text search is a subquery of the same count, page bound and page.
        ("/agenda/", {"q": "Atelier numérique lieu"}, 6),
        # No week asked for: the first day with sessions (1) opens the week.
        ("/agenda/", {"vue": "semaine", "du": None}, 6),
    ],
)
def test_agenda_query_count_does_not_grow_with_sessions(
    client, django_assert_num_queries, sessions_of_size, tuesday, count, url, params, queries
):
    sessions_of_size(count)
    params = {"du": tuesday.isoformat(), **params}
    params = {key: value for key, value in params.items() if value is not None}
    client.get(url, params)  # warms the site and content type caches

    with django_assert_num_queries(queries):
        response = client.get(url, params)

    assert response.context["result_count"] > 0


@pytest.mark.parametrize("view", ["liste", "semaine", "mois"])
def test_agenda_shows_an_all_day_session_as_such(client, mediatheque, tuesday, view):
    AtelierFactory(
        structure=mediatheque,
        title="Portes ouvertes",
        all_day=True,
        start_date=tuesday,
        start_time=time(0),
        end_time=time(0),
        end_date=tuesday + timedelta(days=1),
    )

    content = client.get("/agenda/", {"vue": view, "du": tuesday.isoformat()}).content.decode()

    assert "toute la journée" in content
    assert "0 h – 0 h" not in content


def test_agenda_shows_a_session_under_its_own_title(client, mediatheque, tuesday):
    series = AtelierFactory(
        structure=mediatheque, title="Tablette", start_date=tuesday, rrule="FREQ=WEEKLY;COUNT=2"
    )
    first = series.occurrences.order_by("start").first()
    update_session(atelier=series, original_start=first.recurrence_id, title="Tablette : spéciale photos")

    response = client.get("/agenda/")

    titles = [
        occurrence.display_title for _day, sessions in response.context["days"] for occurrence in sessions
    ]
    assert titles == ["Tablette : spéciale photos", "Tablette"]
    assert "Tablette : spéciale photos" in response.content.decode()


def test_agenda_lists_a_session_still_running_that_started_days_ago(client, mediatheque):
    today = timezone.localdate()
    AtelierFactory(
        structure=mediatheque,
        title="Exposition",
        start_date=today - timedelta(days=3),
        end_date=today + timedelta(days=2),
    )
    AtelierFactory(structure=mediatheque, title="Fini hier", start_date=today - timedelta(days=1))
    AtelierFactory(structure=mediatheque, title="À venir")

    response = client.get("/agenda/")

    assert listed_titles(response) == ["Exposition", "À venir"]
