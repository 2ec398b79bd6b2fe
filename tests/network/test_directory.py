"""Tests of the public directory (/structures/): filters, search, pagination, map and query counts."""

import html
import importlib
import re
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection, transaction
from django.urls import reverse

from network.enums import (
    DispositifProgramme,
    Frais,
    Itinerance,
    ModaliteAcces,
    ModaliteAccompagnement,
    PriseEnCharge,
    Public,
    RegionalLabel,
    Service,
)
from network.horaires import PARIS
from network.models import StructurePage
from tests.factories import BassinFactory, StructureFactory, add_listed_structures

DIRECTORY_URL = reverse("network:directory")
MONDAY_10_30 = datetime(2025, 3, 10, 10, 30, tzinfo=PARIS)


def get_directory(client, **params):
    """GET the directory with `params` (lists become repeated parameters), as a browser would send them."""
    return client.get(f"{DIRECTORY_URL}?{urlencode(params, doseq=True)}")


def result_titles(response) -> list[str]:
    return [structure.title for structure in response.context["page_obj"]]


@pytest.fixture
def network(db):
    """Two bassins and five structures that differ on every filter, named by what sets them apart."""
    nord = BassinFactory(title="Bassin du Nord", slug="nord")
    sud = BassinFactory(title="Bassin du Sud", slug="sud")
    StructureFactory(
        bassin=nord,
        title="Médiathèque de Vierzon",
        commune="Vierzon",
        presentation_resume="Ateliers tablette et smartphone chaque semaine.",
        services=[Service.DEMARCHES, Service.ACCES_MATERIEL],
        publics_specifiquement_adresses=[Public.SENIORS],
        prise_en_charge_specifique=[PriseEnCharge.SURDITE],
        frais_a_charge=[Frais.GRATUIT],
        modalites_acces=[ModaliteAcces.SE_PRESENTER],
        modalites_accompagnement=[ModaliteAccompagnement.ATELIER],
        dispositif_programmes_nationaux=[DispositifProgramme.CONSEILLERS_NUMERIQUES],
        horaires="Mo-Fr 09:00-12:00",
    )
    StructureFactory(
        bassin=nord,
        title="France Services de Vierzon",
        commune="Vierzon",
        presentation_resume="Un agent vous aide pour vos papiers.",
        services=[Service.DEMARCHES],
        publics_specifiquement_adresses=[Public.JEUNES],
        frais_a_charge=[Frais.GRATUIT_SOUS_CONDITION],
        modalites_acces=[ModaliteAcces.TELEPHONER],
        modalites_accompagnement=[ModaliteAccompagnement.INDIVIDUEL],
        labels_regionaux=[RegionalLabel.WEBOCENTRE],
        horaires="Mo-Fr 14:00-17:00",
    )
    StructureFactory(
        bassin=nord,
        title="Bus numérique du Cher",
        commune="Graçay",
        presentation_resume="Le bus vient dans votre village.",
        services=[Service.OUTILS_QUOTIDIEN],
        itinerance=[Itinerance.ITINERANT],
        frais_a_charge=[Frais.PAYANT],
        horaires="Sa 09:00-12:00",
    )
    StructureFactory(
        bassin=sud,
        title="Espace public numérique de Châteauroux",
        commune="Châteauroux",
        presentation_resume="Ordinateurs en libre accès et imprimante.",
        services=[Service.ACCES_MATERIEL, Service.INSERTION_PRO],
        publics_specifiquement_adresses=[Public.SENIORS, Public.JEUNES],
        prise_en_charge_specifique=[PriseEnCharge.ILLETTRISME],
        modalites_acces=[ModaliteAcces.SE_PRESENTER, ModaliteAcces.RDV_EN_LIGNE],
        modalites_accompagnement=[ModaliteAccompagnement.AUTONOMIE],
        dispositif_programmes_nationaux=[DispositifProgramme.AIDANTS_CONNECT],
        horaires="Mo-Sa 10:00-18:00",
    )
    StructureFactory(
        bassin=sud,
        title="Écrivain public du Blanc",
        commune="Le Blanc",
        presentation_resume="Aide à la rédaction de courriers.",
        services=[Service.DEMARCHES],
        itinerance=[Itinerance.FIXE],
    )
    return {"nord": nord, "sud": sud}


# ---- listing ----


def test_directory_without_filters_lists_every_structure_in_french_alphabetical_order(client, network):
    response = get_directory(client)

    assert response.status_code == 200
    assert result_titles(response) == [
        "Bus numérique du Cher",
        "Écrivain public du Blanc",
        "Espace public numérique de Châteauroux",
        "France Services de Vierzon",
        "Médiathèque de Vierzon",
    ]


def test_directory_leaves_out_unpublished_structures(client, network):
    StructureFactory(bassin=network["nord"], title="Brouillon de Vierzon", publish=False)

    response = get_directory(client)

    assert "Brouillon de Vierzon" not in result_titles(response)


def test_directory_result_count_heading_is_announced_and_pluralised(client, network):
    several = get_directory(client)
    one = get_directory(client, commune="Graçay")
    none = get_directory(client, q="introuvable")

    assert '<h2 class="results__count" aria-live="polite"' in several.text
    assert "5 lieux trouvés" in several.text
    assert "1 lieu trouvé" in one.text
    assert "Aucun lieu trouvé" in none.text


def test_directory_shows_the_bassin_of_each_row(client, network):
    response = get_directory(client, commune="Châteauroux")

    assert [(structure.title, bassin.title) for structure, bassin in response.context["rows"]] == [
        ("Espace public numérique de Châteauroux", "Bassin du Sud")
    ]
    assert "Bassin du Sud" in response.text


# ---- filters ----


def test_directory_filters_on_one_bassin(client, network):
    response = get_directory(client, bassin="sud")

    assert result_titles(response) == ["Écrivain public du Blanc", "Espace public numérique de Châteauroux"]


def test_directory_filters_on_several_bassins_as_alternatives(client, network):
    response = get_directory(client, bassin=["nord", "sud"])

    assert len(result_titles(response)) == 5


def test_directory_filters_on_commune(client, network):
    response = get_directory(client, commune=["Vierzon", "Graçay"])

    assert result_titles(response) == [
        "Bus numérique du Cher",
        "France Services de Vierzon",
        "Médiathèque de Vierzon",
    ]


def test_directory_offers_communes_of_live_structures_only(client, network):
    StructureFactory(bassin=network["nord"], commune="Mehun-sur-Yèvre", publish=False)

    response = get_directory(client)

    assert [value for value, _label in response.context["form"].fields["commune"].choices] == [
        "Châteauroux",
        "Graçay",
        "Le Blanc",
        "Vierzon",
    ]


def test_past_the_commune_limit_only_the_chosen_bassin_s_communes_are_offered(client, network, monkeypatch):
    """At national scale (4,000 communes), the checkboxes are those of the chosen bassins, plus the chosen
    communes; the database stops at the limit (`commune_names(limit=…)`)."""
    monkeypatch.setattr(importlib.import_module("network.views.directory"), "COMMUNE_CHOICES_LIMIT", 2)

    offered = [
        [value for value, _label in get_directory(client, **params).context["form"].fields["commune"].choices]
        for params in ({}, {"bassin": network["nord"].slug}, {"commune": "Le Blanc"})
    ]

    assert StructurePage.objects.live().commune_names(limit=3) == ["Châteauroux", "Graçay", "Le Blanc"]
    assert offered == [[], ["Graçay", "Vierzon"], ["Le Blanc"]]


def test_directory_filters_on_service(client, network):
    response = get_directory(client, service=Service.ACCES_MATERIEL)

    assert result_titles(response) == ["Espace public numérique de Châteauroux", "Médiathèque de Vierzon"]


def test_directory_filters_on_public(client, network):
    response = get_directory(client, public=Public.JEUNES)

    assert result_titles(response) == ["Espace public numérique de Châteauroux", "France Services de Vierzon"]


def test_directory_filters_on_prise_en_charge(client, network):
    response = get_directory(client, prise_en_charge=PriseEnCharge.ILLETTRISME)

    assert result_titles(response) == ["Espace public numérique de Châteauroux"]


def test_directory_filters_on_frais(client, network):
    response = get_directory(client, frais=[Frais.GRATUIT, Frais.GRATUIT_SOUS_CONDITION])

    assert result_titles(response) == ["France Services de Vierzon", "Médiathèque de Vierzon"]


def test_directory_filters_on_modalites_acces(client, network):
    response = get_directory(client, acces=ModaliteAcces.TELEPHONER)

    assert result_titles(response) == ["France Services de Vierzon"]


def test_directory_filters_on_modalites_accompagnement(client, network):
    response = get_directory(client, accompagnement=ModaliteAccompagnement.AUTONOMIE)

    assert result_titles(response) == ["Espace public numérique de Châteauroux"]


def test_directory_filters_on_national_programme(client, network):
    response = get_directory(client, label=DispositifProgramme.AIDANTS_CONNECT)

    assert result_titles(response) == ["Espace public numérique de Châteauroux"]


def test_directory_filters_on_regional_label(client, network):
    response = get_directory(client, label=RegionalLabel.WEBOCENTRE)

    assert result_titles(response) == ["France Services de Vierzon"]


def test_directory_label_group_mixes_national_and_regional_labels_as_alternatives(client, network):
    response = get_directory(
        client, label=[DispositifProgramme.CONSEILLERS_NUMERIQUES, RegionalLabel.WEBOCENTRE]
    )

    assert result_titles(response) == ["France Services de Vierzon", "Médiathèque de Vierzon"]


def test_directory_filters_on_itinerant(client, network):
    response = get_directory(client, itinerant="on")

    assert result_titles(response) == ["Bus numérique du Cher"]


def test_directory_filters_on_open_now(client, network, time_machine):
    time_machine.move_to(MONDAY_10_30, tick=False)

    response = get_directory(client, ouvert="on")

    # Open Monday 10:30: the médiathèque (9–12) and the EPN (10–18); France Services opens at 14:00,
    # the bus on Saturdays, and the écrivain public has no hours (never counted as open).
    assert result_titles(response) == ["Espace public numérique de Châteauroux", "Médiathèque de Vierzon"]


def test_directory_open_now_badges_follow_the_clock(client, network, time_machine):
    time_machine.move_to(MONDAY_10_30, tick=False)

    response = get_directory(client, bassin="nord")

    assert response.text.count("Ouvert maintenant</span>") == 1
    assert response.text.count("Fermé</span>") == 2


def test_directory_values_within_one_group_are_alternatives(client, network):
    response = get_directory(client, service=[Service.OUTILS_QUOTIDIEN, Service.INSERTION_PRO])

    assert result_titles(response) == ["Bus numérique du Cher", "Espace public numérique de Châteauroux"]


def test_directory_combines_groups_so_that_every_group_matches(client, network):
    response = get_directory(client, service=Service.DEMARCHES, public=Public.SENIORS, bassin="nord")

    assert result_titles(response) == ["Médiathèque de Vierzon"]


def test_directory_combines_open_now_with_other_filters(client, network, time_machine):
    time_machine.move_to(MONDAY_10_30, tick=False)

    response = get_directory(client, ouvert="on", public=Public.SENIORS, frais=Frais.GRATUIT)

    assert result_titles(response) == ["Médiathèque de Vierzon"]


def test_directory_keeps_chosen_filters_checked(client, network):
    response = get_directory(client, service=Service.DEMARCHES, ouvert="on")

    assert f'value="{Service.DEMARCHES}" id="id_service_0" checked' in response.text
    assert 'name="ouvert" id="id_ouvert" checked' in response.text
    assert "(2 filtres choisis)" in response.text


# ---- invalid input ----


def test_directory_ignores_an_unknown_filter_value(client, network):
    response = get_directory(client, service="Cours de macramé", bassin="atlantide")

    assert response.status_code == 200
    assert len(result_titles(response)) == 5


def test_directory_applies_known_values_next_to_unknown_ones(client, network):
    response = get_directory(client, service=["Cours de macramé", Service.OUTILS_QUOTIDIEN])

    assert result_titles(response) == ["Bus numérique du Cher"]


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1"])
def test_directory_ignores_an_impossible_page_number(client, network, page):
    response = get_directory(client, page=page)

    assert response.status_code == 200
    assert len(result_titles(response)) == 5


@pytest.mark.parametrize("terms", ['"', "(vierzon", "*", "AND", "   ", "l'aide", "x" * 500, "a\x00b"])
def test_directory_search_survives_query_syntax_and_odd_input(client, network, terms):
    response = get_directory(client, q=terms)

    assert response.status_code == 200


# ---- search ----


def test_directory_search_finds_structures_of_a_commune(client, network):
    response = get_directory(client, q="Vierzon")

    assert sorted(result_titles(response)) == ["France Services de Vierzon", "Médiathèque de Vierzon"]


def test_directory_search_finds_a_word_of_the_presentation(client, network):
    response = get_directory(client, q="imprimante")

    assert result_titles(response) == ["Espace public numérique de Châteauroux"]


def test_directory_search_ignores_accents_and_case(client, network):
    response = get_directory(client, q="MEDIATHEQUE")

    assert result_titles(response) == ["Médiathèque de Vierzon"]


def test_directory_search_combines_with_filters(client, network):
    response = get_directory(client, q="Vierzon", public=Public.SENIORS)

    assert result_titles(response) == ["Médiathèque de Vierzon"]


# ---- pages and map ----


@pytest.fixture
def twenty_five_seniors_places(db):
    bassin = BassinFactory(slug="grand-bassin")
    for index in range(25):
        StructureFactory(
            bassin=bassin,
            title=f"Lieu {index:02d}",
            publics_specifiquement_adresses=[Public.SENIORS],
            latitude=47.0 + index / 100,
            longitude=2.0,
        )
    StructureFactory(
        bassin=bassin, title="Lieu pour les jeunes", publics_specifiquement_adresses=[Public.JEUNES]
    )
    return bassin


def test_directory_paginates_twenty_places_per_page(client, twenty_five_seniors_places):
    first = get_directory(client, public=Public.SENIORS)
    second = get_directory(client, public=Public.SENIORS, page=2)

    assert result_titles(first) == [f"Lieu {index:02d}" for index in range(20)]
    assert result_titles(second) == [f"Lieu {index:02d}" for index in range(20, 25)]


def test_directory_pagination_links_keep_the_filters(client, twenty_five_seniors_places):
    response = get_directory(client, public=Public.SENIORS, ouvert="", bassin="grand-bassin")

    next_href = html.unescape(re.search(r'pagination__link--next" href="([^"]+)"', response.text).group(1))
    assert parse_qs(urlsplit(next_href).query, keep_blank_values=True) == {
        "public": ["Seniors"],
        "ouvert": [""],
        "bassin": ["grand-bassin"],
        "page": ["2"],
    }
    assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in response.text


def test_directory_map_shows_the_whole_filtered_set_on_every_page(client, twenty_five_seniors_places):
    second_page = get_directory(client, public=Public.SENIORS, page=2)

    markers = second_page.context["map_markers"]
    first = StructurePage.objects.get(title="Lieu 00")
    assert [marker["name"] for marker in markers] == [f"Lieu {index:02d}" for index in range(25)]
    assert markers[0] == {
        "id": first.pk,
        "name": "Lieu 00",
        "url": first.url,
        "commune": "Bourges",
        "lat": 47.0,
        "lon": 2.0,
    }
    assert '<script id="map-markers" type="application/json">' in second_page.text


def test_directory_map_block_carries_tiles_settings_and_label(client, network, settings):
    settings.MAILLAGE_MAP_TILES_URL = "https://tuiles.exemple.fr/{z}/{x}/{y}.png"

    response = get_directory(client)

    assert 'data-tiles-url="https://tuiles.exemple.fr/{z}/{x}/{y}.png"' in response.text
    assert 'role="region" aria-label="Carte des lieux trouvés"' in response.text
    assert "Passer la carte" in response.text


# ---- query counts ----


@pytest.fixture(scope="class", params=[10, 200], ids=["10-structures", "200-structures"])
def populated_directory(request, django_db_setup, django_db_blocker):
    """`request.param` structures in three bassins, created once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        bassins = [BassinFactory(slug=f"bassin-{letter}") for letter in "abc"]
        add_listed_structures(
            bassins,
            request.param,
            lambda index: {
                "title": f"Espace numérique {index:03d}",
                "typologie": ["EPN"],
                "services": [Service.DEMARCHES] if index % 2 else [Service.ACCES_MATERIEL, Service.LOISIRS],
                "publics_specifiquement_adresses": [Public.SENIORS] if index % 3 else [],
                "horaires": "Mo-Fr 09:00-18:00" if index % 4 else "",
                "stops": [] if index % 5 else [{"commune": "Graçay", "latitude": 47.14, "longitude": 1.85}],
            },
        )
        yield bassins
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("populated_directory")
class TestDirectoryQueryCount:
    """The directory runs the same number of queries for 10 structures as for 200.

    Page view restrictions for the bassins (`.public()`), the bassins, view restrictions for the structures,
    the communes, the count, the page's structures, the site of the request (read once for every link to a
    place, instead of the cached site roots once per place), the map's markers (« ouvert maintenant » and, on
    PostgreSQL, the search are clauses of these queries, not queries of their own; on SQLite the search
    costs 1 more: Wagtail's ranking). The first request warms the site-root and content-type caches, as in
    production.
    """

    @pytest.mark.parametrize(
        ("params", "expected_queries"),
        [
            ({}, 8),
            (
                {
                    "bassin": "bassin-a",
                    "service": Service.DEMARCHES,
                    "public": Public.SENIORS,
                    "ouvert": "on",
                },
                7,
            ),
            ({"q": "numérique", "page": "2"}, 8 if connection.vendor == "postgresql" else 9),
        ],
        ids=["no-filter", "filters-and-open-now", "search-page-2"],
    )
    def test_directory_query_count_does_not_grow_with_structures(
        self, client, django_assert_num_queries, params, expected_queries
    ):
        get_directory(client, **params)

        with django_assert_num_queries(expected_queries):
            response = get_directory(client, **params)

        assert response.status_code == 200
