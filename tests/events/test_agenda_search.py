"""The agenda's filters beyond the list: the forgiving text search, quick periods, the summary of active
filters, the communes offered (the most structures first; at national scale, those of the chosen bassins)."""

from datetime import timedelta
from urllib.parse import quote_plus

import pytest
from django.test import override_settings
from django.utils import timezone

from network.enums import Service
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

from .agenda_pages import listed_titles

pytestmark = pytest.mark.django_db


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


def test_text_search_is_kept_in_feed_links_and_applied_by_the_ics_export(client, catalogue):
    response = client.get("/agenda/", {"q": "seniors"})

    assert response.context["ics_url"] == "/agenda.ics?q=seniors"
    calendar_text = client.get("/agenda.ics", {"q": "seniors"}).content.decode()
    assert "Tablette pour les seniors" in calendar_text
    assert "Samedi en famille" not in calendar_text


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
