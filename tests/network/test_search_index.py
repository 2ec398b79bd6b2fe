"""The directory's own search column (`network.search_index`): its texts, and the vector the database keeps
for each structure on PostgreSQL, written on every path that writes a structure."""

import pytest
from django.db import connection
from django.urls import reverse

from network import domain
from network.enums import Public, Service
from network.models import StructurePage
from network.search_index import search_index_deferred, search_texts, write_search_vectors
from tests.factories import BassinFactory, StructureFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="la colonne de recherche n'existe que sur PostgreSQL"
)


def matching_titles(terms: str) -> list[str]:
    return [structure.title for structure in StructurePage.objects.live().matching(terms)]


# ---- texts ----


def test_search_texts_are_folded_and_weighted_by_what_they_say():
    structure = StructurePage(
        title="Médiathèque Émile-Zola",
        commune="Châteauroux",
        presentation_resume="Ateliers « tablette » ÉCRITS",
        presentation_detail="Accès libre",
        services=[Service.DEMARCHES],
        publics_specifiquement_adresses=[Public.SENIORS],
        typologie=["BIB"],
    )

    assert search_texts(structure) == {
        "A": "mediatheque emile-zola chateauroux",
        "B": "aide aux demarches administratives seniors bibliotheque, mediatheque",
        "C": "ateliers « tablette » ecrits",
        "D": "acces libre",
    }


# ---- the vector in the database ----


@pytest.fixture
def bassin(db):
    return BassinFactory(slug="cher")


@postgresql_only
def test_a_created_structure_is_found_without_its_accents(bassin):
    StructureFactory(bassin=bassin, title="Médiathèque de Vierzon", commune="Vierzon")

    assert matching_titles("MEDIATHEQUE") == ["Médiathèque de Vierzon"]
    assert matching_titles("médiathèques vierzon") == ["Médiathèque de Vierzon"]  # French plural


@postgresql_only
def test_every_word_must_match(bassin):
    StructureFactory(bassin=bassin, title="Médiathèque de Vierzon", commune="Vierzon")
    StructureFactory(bassin=bassin, title="Médiathèque de Bourges", commune="Bourges")

    assert matching_titles("médiathèque bourges") == ["Médiathèque de Bourges"]
    assert matching_titles("médiathèque tours") == []


@postgresql_only
def test_a_word_of_the_name_ranks_before_the_same_word_in_a_presentation(bassin):
    StructureFactory(bassin=bassin, title="Atelier vélo", presentation_resume="Une imprimante 3D.")
    StructureFactory(bassin=bassin, title="Zénith imprimante", presentation_resume="")
    StructureFactory(bassin=bassin, title="Imprimante solidaire", receives_public=False)

    # Places to go first (by rank), then networks and partners, as every list shows them.
    assert matching_titles("imprimante") == ["Zénith imprimante", "Atelier vélo", "Imprimante solidaire"]


@postgresql_only
def test_query_syntax_is_read_as_words(bassin):
    StructureFactory(bassin=bassin, title="Espace d'aide", commune="Vierzon")

    assert matching_titles("!(aide) & | vierzon:*") == ["Espace d'aide"]
    assert matching_titles("la de le") == []  # only French stop words: nothing to look for


@postgresql_only
def test_publishing_a_new_title_rewrites_the_vector_and_a_draft_does_not(bassin):
    structure = StructureFactory(bassin=bassin, title="Point numérique")

    structure.title = "Médiathèque Jules-Verne"
    structure.save_revision().publish()
    structure.title = "Brouillon jamais publié"
    structure.save_revision()

    assert matching_titles("jules verne") == ["Médiathèque Jules-Verne"]
    assert matching_titles("point numerique") == []
    assert matching_titles("brouillon") == []


@postgresql_only
def test_an_imported_batch_is_found(bassin):
    structures = [
        StructurePage(title="Tiers-lieu du Berry", slug="tiers-lieu", commune="Issoudun"),
        StructurePage(title="Espace public numérique", slug="epn", commune="Issoudun"),
    ]

    domain.create_structures(bassin=bassin, structures=structures)

    assert matching_titles("issoudun") == ["Espace public numérique", "Tiers-lieu du Berry"]


@postgresql_only
@pytest.mark.parametrize("count", [2, 40])
def test_a_batch_writes_its_vectors_in_one_query(bassin, django_assert_num_queries, count):
    structures = [
        StructurePage(title=f"Lieu {index}", slug=f"lieu-{index}", commune="Issoudun")
        for index in range(count)
    ]
    with search_index_deferred():
        for structure in structures:
            bassin.add_child(instance=structure)
    assert matching_titles("issoudun") == []  # a deferred save writes no vector

    with django_assert_num_queries(1):
        write_search_vectors(StructurePage.objects, structures)

    assert len(matching_titles("lieu issoudun")) == count


# ---- what the directory finds, on every backend ----


@pytest.fixture
def places(bassin):
    StructureFactory(
        bassin=bassin, title="Médiathèque de Vierzon", commune="Vierzon", services=[Service.DEMARCHES]
    )
    StructureFactory(bassin=bassin, title="France Services", commune="Vierzon", services=[Service.DEMARCHES])
    StructureFactory(bassin=bassin, title="Écrivain public du Blanc", commune="Le Blanc")
    StructureFactory(bassin=bassin, title="Espace numérique", commune="Châteauroux")


def directory_titles(client, terms: str) -> list[str]:
    response = client.get(reverse("network:directory"), {"q": terms})
    return sorted(structure.title for structure in response.context["page_obj"])


def test_directory_finds_accented_names_from_accented_words_too(client, places):
    assert directory_titles(client, "écrivain") == ["Écrivain public du Blanc"]
    assert directory_titles(client, "ECRIVAIN") == ["Écrivain public du Blanc"]


def test_directory_needs_every_word(client, places):
    assert directory_titles(client, "médiathèque vierzon") == ["Médiathèque de Vierzon"]
    assert directory_titles(client, "médiathèque blanc") == []


def test_directory_finds_a_word_of_the_services(client, places):
    assert directory_titles(client, "demarches vierzon") == ["France Services", "Médiathèque de Vierzon"]
    assert directory_titles(client, "démarches chateauroux") == []


def test_directory_finds_a_republished_name_and_not_a_draft(client, places):
    structure = StructurePage.objects.get(title="Espace numérique")

    structure.title = "Tiers-lieu Jules-Verne"
    structure.save_revision().publish()
    structure.title = "Brouillon jamais publié"
    structure.save_revision()

    assert directory_titles(client, "jules verne") == ["Tiers-lieu Jules-Verne"]
    assert directory_titles(client, "brouillon") == []
    assert directory_titles(client, "espace") == []
