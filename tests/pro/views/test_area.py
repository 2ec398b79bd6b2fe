"""`/pro/` home, `/pro/annuaire/` (people) and `/pro/structures/` (internal details), at the HTTP level."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from network.models import ProfileVisibility
from tests.factories import StructureFactory, UserFactory
from tests.pro.factories import MemberProfileFactory, make_member


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def names_listed(response) -> list[str]:
    return [
        h2.get_text(strip=True)
        for h2 in BeautifulSoup(response.content, "html.parser").select(".person-card h2")
    ]


# Home -------------------------------------------------------------------------------------------------


def test_home_lists_my_structures_bassins_and_requests_to_decide(client, territory):
    editor = make_member(territory["mediatheque"], role=MemberRole.RESPONSABLE)
    domain.request_membership(
        user=UserFactory(), structure=territory["mediatheque"], role=MemberRole.BENEVOLE
    )
    client.force_login(editor)

    response = client.get(reverse("pro:home"))

    text = text_of(response)
    assert "Médiathèque de Bourges" in text and "Responsable, depuis le" in text
    assert [bassin.title for bassin, _coordinates in response.context["bassins"]] == [
        "Bassin de vie de Bourges"
    ]
    assert "1 demande pour rejoindre une de vos structures attend votre réponse" in text
    assert "Modifier la fiche" in text


def test_home_mediator_has_no_edit_link_nor_requests(client, territory):
    domain.request_membership(
        user=UserFactory(), structure=territory["mediatheque"], role=MemberRole.BENEVOLE
    )
    client.force_login(territory["member"])

    response = client.get(reverse("pro:home"))

    assert response.context["decidable_count"] == 0
    assert "Modifier la fiche" not in text_of(response)


# Directory --------------------------------------------------------------------------------------------


def test_directory_default_shows_my_bassins_people_not_hidden(client, territory):
    bourges, vierzon = territory["mediatheque"], territory["pij"]
    make_member(bourges, first_name="Basile", last_name="Bassin", visibility=ProfileVisibility.BASSIN)
    make_member(bourges, first_name="Nina", last_name="Reseau", visibility=ProfileVisibility.NETWORK)
    make_member(bourges, first_name="Hugo", last_name="Masque", visibility=ProfileVisibility.HIDDEN)
    make_member(bourges, first_name="Sans", last_name="Profil")
    make_member(vierzon, first_name="Vera", last_name="Ailleurs", visibility=ProfileVisibility.NETWORK)
    make_member(vierzon, first_name="Victor", last_name="Loin", visibility=ProfileVisibility.BASSIN)
    client.force_login(territory["member"])

    response = client.get(reverse("pro:directory"))

    assert names_listed(response) == ["Inès Aubert", "Basile Bassin", "Sans Profil", "Nina Reseau"]


def test_directory_whole_network_adds_network_visible_people_elsewhere(client, territory):
    vierzon = territory["pij"]
    make_member(vierzon, first_name="Vera", last_name="Ailleurs", visibility=ProfileVisibility.NETWORK)
    make_member(vierzon, first_name="Victor", last_name="Loin", visibility=ProfileVisibility.BASSIN)
    make_member(vierzon, first_name="Hugo", last_name="Masque", visibility=ProfileVisibility.HIDDEN)
    make_member(vierzon, first_name="Sans", last_name="Profil")
    client.force_login(territory["member"])

    response = client.get(reverse("pro:directory"), {"portee": "reseau"})

    assert names_listed(response) == ["Vera Ailleurs", "Inès Aubert"]


def test_directory_hidden_person_is_never_listed_even_by_search(client, territory):
    make_member(
        territory["mediatheque"], first_name="Hugo", last_name="Masque", visibility=ProfileVisibility.HIDDEN
    )
    client.force_login(territory["member"])

    for params in ({}, {"portee": "reseau"}, {"q": "Masque"}, {"q": "Masque", "portee": "reseau"}):
        assert "Hugo" not in text_of(client.get(reverse("pro:directory"), params))


def test_directory_coordinator_sees_the_people_of_the_bassin(client, territory):
    coordinator = UserFactory()
    domain.add_coordinator(bassin=territory["vierzon"], user=coordinator)
    make_member(territory["pij"], first_name="Victor", last_name="Loin", visibility=ProfileVisibility.BASSIN)
    client.force_login(coordinator)

    response = client.get(reverse("pro:directory"))

    assert names_listed(response) == ["Victor Loin"]


def test_directory_account_without_membership_never_listed(client, territory):
    UserFactory(first_name="Jean", last_name="Inscrit")
    MemberProfileFactory(
        user=UserFactory(first_name="Paul", last_name="Profil"), visibility=ProfileVisibility.NETWORK
    )
    client.force_login(territory["member"])

    response = client.get(reverse("pro:directory"), {"portee": "reseau"})

    assert names_listed(response) == ["Inès Aubert"]


def test_directory_shows_profile_roles_and_contacts(client, territory):
    person = make_member(
        territory["mediatheque"],
        first_name="Lou",
        last_name="Marin",
        email="lou@exemple.fr",
        role=MemberRole.BENEVOLE,
    )
    domain.add_member(structure=territory["pij"], user=person, role=MemberRole.MEDIATEUR)
    MemberProfileFactory(
        user=person,
        display_name="Lou M.",
        job_title="Écrivaine publique",
        topics="démarches en ligne, seniors",
        languages="français, arabe",
        can_help_with="Les dossiers de retraite.",
        phone="+33248000000",
    )
    client.force_login(territory["member"])

    response = client.get(reverse("pro:directory"), {"q": "retraite"})

    card = BeautifulSoup(response.content, "html.parser").select_one(".person-card")
    text = " ".join(card.get_text().split())
    assert names_listed(response) == ["Lou M."]
    assert "Écrivaine publique" in text
    assert "Bénévole — Médiathèque de Bourges" in text and "Médiateur·rice — PIJ de Vierzon" in text
    assert [tag.get_text() for tag in card.select(".tag")] == ["démarches en ligne", "seniors"]
    assert "français, arabe" in text and "Les dossiers de retraite." in text
    assert "lou@exemple.fr" in text and "02 48 00 00 00" in text


@pytest.mark.parametrize(
    ("query", "expected"), [("aubert", ["Inès Aubert"]), ("CAF", ["Zoé Caf"]), ("xyz", [])]
)
def test_directory_search_by_name_or_topic(client, territory, query, expected):
    MemberProfileFactory(
        user=make_member(territory["mediatheque"], first_name="Zoé", last_name="Caf"),
        topics="CAF, MSA",
        can_help_with="",
    )
    client.force_login(territory["member"])

    assert names_listed(client.get(reverse("pro:directory"), {"q": query})) == expected


def _directory_queries(client, count, territory) -> int:
    for index in range(count):
        person = make_member(territory["mediatheque"], first_name="Membre", last_name=f"N{index:03d}")
        if index % 2:
            MemberProfileFactory(user=person, visibility=ProfileVisibility.NETWORK)
    client.get(reverse("pro:directory"))  # warms the session and content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("pro:directory"), {"portee": "reseau"})
    assert response.status_code == 200
    return len(queries), response.context["result_count"]


def test_directory_query_count_does_not_grow_with_members(client, territory):
    client.force_login(territory["member"])
    few, few_people = _directory_queries(client, 5, territory)
    many, many_people = _directory_queries(client, 45, territory)

    assert (few_people, many_people) == (6, 51)
    assert few == many


# Structures -------------------------------------------------------------------------------------------


def test_structures_lists_my_bassins_with_internal_fields(client, territory):
    mediatheque = territory["mediatheque"]
    mediatheque.referral_contact = "Demander Sophie, le matin."
    mediatheque.intake_capacity = "Deux rendez-vous CAF par semaine."
    mediatheque.telephone = ["+33248000000"]
    mediatheque.save_revision().publish()
    StructureFactory(bassin=territory["bourges"], title="Brouillon", slug="brouillon", publish=False)
    client.force_login(territory["member"])

    response = client.get(reverse("pro:structures"))

    text = text_of(response)
    assert [(bassin.title, [s.title for s in items]) for bassin, items in response.context["groups"]] == [
        ("Bassin de vie de Bourges", ["Médiathèque de Bourges"])
    ]
    assert "Demander Sophie, le matin." in text
    assert "Deux rendez-vous CAF par semaine." in text
    assert "02 48 00 00 00" in text
    assert "PIJ de Vierzon" not in text


def test_structures_search(client, territory):
    StructureFactory(
        bassin=territory["bourges"], title="France Services de Saint-Florent", slug="fs-saint-florent"
    )
    client.force_login(territory["member"])

    response = client.get(reverse("pro:structures"), {"q": "florent"})

    assert [s.title for _bassin, items in response.context["groups"] for s in items] == [
        "France Services de Saint-Florent"
    ]


def test_structures_query_count_does_not_grow_with_structures(client, territory):
    from tests.factories import add_listed_structures

    client.force_login(territory["member"])

    def count(extra, offset):
        add_listed_structures(
            [territory["bourges"]],
            extra,
            lambda index: {"slug": f"rapide-{offset}-{index}", "title": f"Lieu {offset}-{index}"},
        )
        client.get(reverse("pro:structures"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("pro:structures"))
        return len(queries), response.context["result_count"]

    few, few_structures = count(2, "a")
    many, many_structures = count(30, "b")

    assert (few_structures, many_structures) == (3, 33)
    assert few == many
