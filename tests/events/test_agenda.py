"""The public agendas: region, bassin and structure; list, week and month views; filters; feeds links."""

from datetime import time, timedelta
from decimal import Decimal
from urllib.parse import quote_plus

import pytest
from django.test import override_settings
from django.utils import timezone

from events import enums
from events.domain import update_session
from events.models import Occurrence
from events.views.agenda import month_start, week_code, week_start
from network.enums import Service
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, after=None):
    """The first `weekday` (0 = Monday) strictly after `after` (default: today), at least two days ahead."""
    day = (after or timezone.localdate()) + timedelta(days=2)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def listed_titles(response) -> list[str]:
    return [
        occurrence.atelier.title for _day, sessions in response.context["days"] for occurrence in sessions
    ]


@pytest.fixture
def bourges(db):
    return BassinFactory(title="Bassin de Bourges", slug="bourges")


@pytest.fixture
def vierzon(db):
    return BassinFactory(title="Bassin de Vierzon", slug="vierzon")


@pytest.fixture
def mediatheque(bourges):
    return StructureFactory(
        bassin=bourges, title="Médiathèque de Bourges", slug="mediatheque", commune="Bourges"
    )


@pytest.fixture
def pij(vierzon):
    return StructureFactory(bassin=vierzon, title="PIJ de Vierzon", slug="pij-vierzon", commune="Vierzon")


@pytest.fixture
def tuesday():
    return next_weekday(1)


@pytest.fixture
def catalogue(mediatheque, pij, tuesday):
    """Four one-off ateliers that differ by one trait each, so every filter selects a known subset."""
    saturday = tuesday + timedelta(days=4)
    return {
        "tablette": AtelierFactory(
            structure=mediatheque,
            title="Tablette pour les seniors",
            themes=[Service.OUTILS_QUOTIDIEN],
            publics=["Seniors"],
            level=enums.Level.DEBUTANT,
            start_date=tuesday,
            capacity=10,
        ),
        "soiree": AtelierFactory(
            structure=pij,
            title="Démarches en soirée",
            themes=[Service.DEMARCHES],
            publics=["Jeunes"],
            level=enums.Level.INTERMEDIAIRE,
            price=enums.Price.PAYANT,
            price_amount=Decimal("5.00"),
            format=enums.Format.HYBRID,
            online_url="https://visio.exemple.fr/salle",
            start_date=tuesday,
            start_time=time(18, 30),
            end_time=time(20, 0),
        ),
        "samedi": AtelierFactory(
            structure=mediatheque,
            title="Samedi en famille",
            themes=[Service.LOISIRS],
            publics=[enums.TOUS_PUBLICS],
            start_date=saturday,
            start_time=time(10, 0),
            end_time=time(12, 0),
            wheelchair_accessible=True,
        ),
        "complet": AtelierFactory(
            structure=mediatheque,
            title="Atelier complet",
            publics=["Familles"],
            status=enums.Status.FULL,
            start_date=tuesday + timedelta(days=1),
        ),
    }


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


# ---- week and month views ----


def test_week_view_lists_the_seven_days_of_the_week(client, catalogue, tuesday):
    monday = tuesday - timedelta(days=1)

    response = client.get("/agenda/", {"vue": "semaine", "semaine": week_code(monday), "soir": "on"})

    days = response.context["days"]
    assert [day.date for day in days] == [monday + timedelta(days=n) for n in range(7)]
    assert [[o.atelier.title for o in day.sessions] for day in days] == [
        [],
        ["Démarches en soirée"],
        [],
        [],
        [],
        [],
        [],
    ]
    assert response.context["result_count"] == 1
    previous = week_code(monday - timedelta(days=7))
    assert f'href="?vue=semaine&amp;semaine={previous}&amp;soir=on"' in response.text
    assert "Pas d'atelier ce jour-là." in response.text


def test_week_and_month_codes_fall_back_on_the_current_period():
    today = timezone.localdate()

    assert week_start("n'importe quoi", today) == today - timedelta(days=today.weekday())
    assert week_start("2025-W53", today) == today - timedelta(days=today.weekday())  # 2025 has 52 weeks
    assert week_start("2026-W50", today).isoformat() == "2026-12-07"
    assert month_start("2026-13", today) == today.replace(day=1)
    assert month_start("2026-12", today).isoformat() == "2026-12-01"


def test_month_view_is_an_accessible_calendar_table(client, mediatheque, tuesday):
    for index in range(5):
        AtelierFactory(
            structure=mediatheque, title=f"Atelier {index}", start_date=tuesday, start_time=time(9 + index)
        )
    month = f"{tuesday:%Y-%m}"

    response = client.get("/agenda/", {"vue": "mois", "mois": month, "gratuit": "on"})
    text = response.text

    assert response.context["result_count"] == 5
    assert '<caption id="calendrier-titre">Calendrier des ateliers, ' in text
    assert text.count('<th scope="col">') == 7
    assert '<th scope="col">Lundi</th>' in text
    cell = next(cell for week in response.context["weeks"] for cell in week if cell["date"] == tuesday)
    assert [o.atelier.title for o in cell["shown"]] == ["Atelier 0", "Atelier 1", "Atelier 2"]
    assert cell["more"] == 2
    day = tuesday.isoformat()
    assert f'href="?gratuit=on&amp;du={day}&amp;au={day}">et 2 autres séances' in text


@override_settings(MAILLAGE_AGENDA_DAY_LIMIT=2)
def test_week_view_folds_a_busy_day_into_a_link_to_its_list(client, mediatheque, tuesday):
    for index in range(5):
        AtelierFactory(
            structure=mediatheque, title=f"Atelier {index}", start_date=tuesday, start_time=time(9 + index)
        )
    AtelierFactory(structure=mediatheque, title="Mercredi", start_date=tuesday + timedelta(days=1))

    response = client.get("/agenda/", {"vue": "semaine", "du": tuesday.isoformat()})

    by_date = {day.date: day for day in response.context["days"]}
    assert [o.atelier.title for o in by_date[tuesday].sessions] == ["Atelier 0", "Atelier 1"]
    assert by_date[tuesday].more == 3
    assert [o.atelier.title for o in by_date[tuesday + timedelta(days=1)].sessions] == ["Mercredi"]
    assert by_date[tuesday + timedelta(days=1)].more == 0
    assert response.context["result_count"] == 6
    day = tuesday.isoformat()
    assert (
        f'<a href="?du={day}&amp;au={day}">Voir les 3 autres séances<span class="visually-hidden"> du '
        in response.text
    )
    folded = client.get("/agenda/", {"du": day, "au": day})
    assert listed_titles(folded) == [f"Atelier {index}" for index in range(5)]


def test_month_view_counts_every_session_of_a_folded_day(client, mediatheque, tuesday):
    AtelierFactory(structure=mediatheque, title="Tôt le matin", start_date=tuesday, start_time=time(8))
    for index in range(9):
        AtelierFactory(
            structure=mediatheque, title=f"Atelier {index}", start_date=tuesday, start_time=time(9 + index)
        )

    response = client.get("/agenda/", {"vue": "mois", "mois": f"{tuesday:%Y-%m}"})

    cell = next(cell for week in response.context["weeks"] for cell in week if cell["date"] == tuesday)
    assert [o.atelier.title for o in cell["shown"]] == ["Tôt le matin", "Atelier 0", "Atelier 1"]
    assert (cell["count"], cell["more"]) == (10, 7)
    assert response.context["result_count"] == 10


@pytest.mark.parametrize(
    ("params", "period"),
    [
        ({"vue": "mois", "du": "9999-12-31"}, "Décembre 2999"),
        ({"vue": "mois", "du": "0001-01-01"}, "Janvier 1900"),
        ({"vue": "mois", "mois": "0001-01"}, "Janvier 1900"),
        ({"vue": "mois", "mois": "9998-12"}, "Décembre 2999"),
        ({"vue": "semaine", "semaine": "0001-W01"}, "Semaine du 1er janvier au 7 janvier 1900"),
        ({"vue": "semaine", "du": "9999-12-31"}, "Semaine du 30 décembre au 5 janvier 3000"),
    ],
)
def test_periods_out_of_range_are_brought_back_into_it(client, db, params, period):
    response = client.get("/agenda/", params)

    assert response.status_code == 200
    assert response.context["period_label"] == period


@override_settings(MAILLAGE_AGENDA_MAX_COMMUNES=3)
def test_commune_filter_offers_the_communes_with_most_structures_in_order(client, bourges, tuesday):
    for commune, structures in (("Vierzon", 2), ("Écueillé", 3), ("Aubigny", 1), ("Bourges", 2)):
        for number in range(structures):
            structure = StructureFactory(bassin=bourges, slug=f"{commune.lower()}-{number}", commune=commune)
            AtelierFactory(structure=structure, start_date=tuesday)
    lonely = StructureFactory(bassin=bourges, slug="lieu-seul", commune="Bourges")
    for number in range(5):
        AtelierFactory(structure=lonely, commune=f"Hameau {number}", start_date=tuesday)

    response = client.get("/agenda/")

    assert [value for value, _label in response.context["form"].fields["commune"].choices] == [
        "Bourges",
        "Écueillé",
        "Vierzon",
    ]


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "abc", "0"])
def test_list_page_out_of_range_is_answered(client, mediatheque, tuesday, page):
    AtelierFactory(structure=mediatheque, title="Seule", start_date=tuesday)

    response = client.get("/agenda/", {"page": page})

    assert response.status_code == 200
    assert listed_titles(response) == ["Seule"]


def test_view_switch_links_keep_the_filters(client, catalogue):
    response = client.get("/agenda/", {"soir": "on", "page": "1"})

    assert 'href="?soir=on&amp;vue=semaine"' in response.text
    assert 'href="?soir=on&amp;vue=mois"' in response.text


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


@pytest.fixture
def sessions_of_size(bourges, tuesday):
    """`sessions_of_size(n)`: n public sessions (a multiple of 50), spread over ateliers of two structures."""

    def build(count):
        structures = [
            StructureFactory(bassin=bourges, title="Lieu A", slug="lieu-a"),
            StructureFactory(bassin=bourges, title="Lieu B", slug="lieu-b", commune="Mehun-sur-Yèvre"),
        ]
        for index in range(count // 50):
            AtelierFactory(
                structure=structures[index % 2],
                start_date=tuesday,
                rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=50",
                capacity=12,
            )
        assert Occurrence.objects.count() == count

    return build


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


# ---- text search, quick periods, active filters ----


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("senior", ["Tablette pour les seniors"]),
        ("SÉNIORS", ["Tablette pour les seniors"]),  # case, accents, plural
        ("demarches", ["Démarches en soirée"]),  # accents
        ("DÉMARCHE", ["Démarches en soirée"]),
        ("seniors famille", ["Tablette pour les seniors", "Samedi en famille"]),  # any word
        ("pij", ["Démarches en soirée"]),  # the structure's name
        ("je voudrais du karaoké", []),
        (
            "de la",
            ["Tablette pour les seniors", "Démarches en soirée", "Atelier complet", "Samedi en famille"],
        ),
    ],
)
def test_agenda_text_search_is_forgiving(client, catalogue, q, expected):
    response = client.get("/agenda/", {"q": q})

    assert listed_titles(response) == expected


def test_agenda_text_search_reads_the_description(client, mediatheque, tuesday):
    AtelierFactory(
        structure=mediatheque,
        title="Atelier du mardi",
        description="<p>Écrire un e-mail</p>",
        start_date=tuesday,
    )
    AtelierFactory(structure=mediatheque, title="Atelier du jeudi", start_date=tuesday)

    response = client.get("/agenda/", {"q": "ecrire"})

    assert listed_titles(response) == ["Atelier du mardi"]


def test_search_words_fold_and_drop_little_words():
    from events.text_search import search_words

    assert search_words("Les Tablettes à Vierzon") == ["tablette", "vierzon"]
    assert search_words("Œuvres d'art") == ["oeuvre", "art"]
    assert search_words("de la") == []


def test_quick_periods_set_the_dates_and_keep_the_filters(client, catalogue):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)

    response = client.get("/agenda/", {"gratuit": "on", "page": "2"})

    links = {link.label: link.url for link in response.context["quick_periods"]}
    assert links == {
        "Cette semaine": f"?gratuit=on&du={today.isoformat()}&au={sunday.isoformat()}",
        "La semaine prochaine": (
            f"?gratuit=on&du={(monday + timedelta(days=7)).isoformat()}"
            f"&au={(sunday + timedelta(days=7)).isoformat()}"
        ),
        "Ce week-end": (
            f"?gratuit=on&du={max(today, monday + timedelta(days=5)).isoformat()}&au={sunday.isoformat()}"
        ),
    }
    assert "Cette semaine</a>" in response.text


def test_next_week_quick_choice_is_marked_current(client, catalogue):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    response = client.get(
        "/agenda/", {"du": monday.isoformat(), "au": (monday + timedelta(days=6)).isoformat()}
    )

    assert [link.current for link in response.context["quick_periods"]] == [False, False, True]
    assert 'aria-current="true">La semaine prochaine</a>' in response.text


def test_active_filters_are_summed_up_each_with_a_link_removing_it(client, catalogue):
    response = client.get(
        "/agenda/",
        {"q": "tablette", "theme": [Service.DEMARCHES, Service.LOISIRS], "soir": "on", "du": "2026-12-07"},
    )

    demarches, loisirs = quote_plus(Service.DEMARCHES), quote_plus(Service.LOISIRS)
    summary = [(link.label, link.url) for link in response.context["active_filters"]]
    assert summary == [
        (
            "Recherche : « tablette »",
            f"?theme={demarches}&theme={loisirs}&soir=on&du=2026-12-07",
        ),
        (
            "À partir du 7 décembre 2026",
            f"?q=tablette&theme={demarches}&theme={loisirs}&soir=on",
        ),
        (f"Thème : {Service.DEMARCHES.label}", f"?q=tablette&theme={loisirs}&soir=on&du=2026-12-07"),
        (f"Thème : {Service.LOISIRS.label}", f"?q=tablette&theme={demarches}&soir=on&du=2026-12-07"),
        (
            "Le soir (après 18 h)",
            f"?q=tablette&theme={demarches}&theme={loisirs}&du=2026-12-07",
        ),
    ]
    assert '<span class="visually-hidden"> le filtre Le soir (après 18 h)</span>' in response.text


def test_no_summary_without_filters(client, catalogue):
    response = client.get("/agenda/")

    assert response.context["active_filters"] == []
    assert "Retirer" not in response.text


def test_week_view_opens_on_the_first_week_with_sessions(client, mediatheque):
    later = timezone.localdate() + timedelta(days=30)
    AtelierFactory(structure=mediatheque, title="Plus tard", start_date=later)

    response = client.get("/agenda/", {"vue": "semaine"})

    assert response.context["current_week"] == week_code(later - timedelta(days=later.weekday()))
    assert [o.atelier.title for day in response.context["days"] for o in day.sessions] == ["Plus tard"]


def test_week_view_asked_for_a_week_shows_that_week(client, mediatheque):
    AtelierFactory(structure=mediatheque, start_date=timezone.localdate() + timedelta(days=30))
    today = timezone.localdate()

    response = client.get("/agenda/", {"vue": "semaine", "semaine": week_code(today)})

    assert response.context["current_week"] == week_code(today)
    assert response.context["result_count"] == 0


def test_month_view_also_lists_its_busy_days_for_narrow_screens(client, catalogue, tuesday):
    response = client.get("/agenda/", {"vue": "mois", "mois": f"{tuesday.year}-{tuesday.month:02d}"})

    assert '<div class="month-list">' in response.text
    assert response.text.count('class="session__title"') == sum(
        1 for week in response.context["weeks"] for cell in week for _ in cell["shown"]
    )


def test_text_search_is_kept_in_feed_links_and_applied_by_the_ics_export(client, catalogue):
    response = client.get("/agenda/", {"q": "seniors"})

    assert response.context["ics_url"] == "/agenda.ics?q=seniors"
    calendar_text = client.get("/agenda.ics", {"q": "seniors"}).content.decode()
    assert "Tablette pour les seniors" in calendar_text
    assert "Samedi en famille" not in calendar_text


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


# ---- communes offered at national scale (more bassins than MAILLAGE_AGENDA_COMMUNES_MAX_BASSINS) ----


@pytest.fixture
def national(catalogue, mediatheque, tuesday, settings):
    """Two bassins counted as many: Bourges (its médiathèque, and a place in Mehun) and Vierzon."""
    settings.MAILLAGE_AGENDA_COMMUNES_MAX_BASSINS = 1
    mehun = StructureFactory(bassin=mediatheque.bassin, slug="mehun", commune="Mehun-sur-Yèvre")
    AtelierFactory(structure=mehun, title="Mehun", start_date=tuesday)


def offered(response) -> list[str]:
    return [value for value, _label in response.context["form"].fields["commune"].choices]


def test_national_agenda_offers_no_commune_until_a_bassin_is_chosen(client, national):
    response = client.get("/agenda/")

    assert offered(response) == []
    assert "choisissez d’abord un bassin de vie" in response.text


def test_national_agenda_offers_the_communes_of_the_chosen_bassin(client, national):
    response = client.get("/agenda/", {"bassin": "bourges"})

    assert offered(response) == ["Bourges", "Mehun-sur-Yèvre"]
    assert "choisissez d’abord un bassin de vie" not in response.text


def test_national_agenda_keeps_a_commune_asked_in_the_address(client, national):
    response = client.get("/agenda/", {"commune": "Vierzon"})

    assert offered(response) == ["Vierzon"]
    assert listed_titles(response) == ["Démarches en soirée"]


def test_a_bassin_agenda_offers_its_communes_at_national_scale_too(client, national):
    response = client.get("/bassins/bourges/agenda/")

    assert offered(response) == ["Bourges", "Mehun-sur-Yèvre"]


@pytest.mark.parametrize("count", [100, 2000])
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # Bassins (2), count, page bound and page (3): no list of communes to read.
        ({}, 5),
        ({"commune": "Bourges"}, 5),
        # One chosen bassin: its communes (1).
        ({"bassin": "bourges"}, 6),
    ],
)
def test_national_agenda_query_count_does_not_grow_with_sessions(
    client, django_assert_num_queries, sessions_of_size, tuesday, settings, count, params, queries
):
    settings.MAILLAGE_AGENDA_COMMUNES_MAX_BASSINS = 1
    BassinFactory(title="Bassin de Vierzon", slug="vierzon")
    sessions_of_size(count)
    params = {"du": tuesday.isoformat(), **params}
    client.get("/agenda/", params)

    with django_assert_num_queries(queries):
        response = client.get("/agenda/", params)

    assert response.context["result_count"] > 0
