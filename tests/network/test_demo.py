"""The demo territory loads the field study's facts, completely, once."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from network.demo import DEMO_COORDINATOR, DEMO_EDITOR, load_demo_territory, read_fixture
from network.demo_people import DEMO_PEOPLE
from network.models import (
    BassinPage,
    Coordination,
    ItinerantStop,
    MemberProfile,
    Membership,
    StructurePage,
    member_name,
)
from pro.people import visible_people

# Bourges: the study's 30 structures, the Département du Cher's EPNs counted as its four places.
EXPECTED_PER_BASSIN = {"issoudun": 8, "bourges": 34, "argenton-le-blanc": 11, "vierzon": 14, "tours": 18}
# Networks and partners the study describes as whom professionals work with, not as places to go.
NOT_RECEIVING_PUBLIC = {
    "bourges-plus",
    "caf-cher",
    "caf-touraine",
    "canope-18",
    "departement-cher-epn",
    "id37",
    "promeneurs-du-net-18",
    "promeneurs-du-net-37",
    "ptca-37",
    "resopluce-18",
}
CHER_EPNS = {
    "departement-cher-epn-chatelet": "Le Châtelet",
    "departement-cher-epn-aubigny-sur-nere": "Aubigny-sur-Nère",
    "departement-cher-epn-sancerre": "Sancerre",
    "departement-cher-epn-baugy": "Baugy",
}
# In name order: « CAF du Cher », « Canopé 18 », « Communauté d'Agglomération de Bourges »…
BOURGES_PARTNERS_BY_TITLE = [
    "caf-cher",
    "canope-18",
    "bourges-plus",
    "departement-cher-epn",
    "promeneurs-du-net-18",
    "resopluce-18",
]
DEMO_ACCOUNTS = 3 + len(DEMO_PEOPLE)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Load the territory once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load_demo_territory(password="demo-test")
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_loaded, db):
    return demo_loaded


def _count_per_bassin() -> dict[str, int]:
    counts = Counter()
    for bassin in BassinPage.objects.all():
        counts[bassin.slug] = StructurePage.objects.child_of(bassin).live().count()
    return dict(counts)


def test_load_demo_creates_five_bassins_and_85_structures(demo):
    assert (demo.bassins_created, demo.structures_created) == (5, 85)
    assert _count_per_bassin() == EXPECTED_PER_BASSIN


def _demo_rows():
    return (
        sorted(StructurePage.objects.values_list("slug", "latest_revision_id")),
        sorted(Membership.objects.values_list("user__email", "structure__slug", "role")),
        sorted(MemberProfile.objects.values_list("user__email", "display_name")),
        sorted(ItinerantStop.objects.values_list("page__slug", "commune", "latitude", "longitude")),
    )


def test_load_demo_twice_changes_nothing(demo):
    rows_before = _demo_rows()

    again = load_demo_territory(password="demo-test")

    assert (again.bassins_created, again.structures_created, again.accounts_created) == (0, 0, [])
    assert _demo_rows() == rows_before
    assert get_user_model().objects.count() == DEMO_ACCOUNTS


def test_load_demo_structures_carry_valid_schema_values_and_coordinates(demo):
    for structure in StructurePage.objects.all():
        structure.full_clean()
        assert structure.has_coordinates, structure.slug
        assert structure.editors_group is not None
        assert structure.collection is not None


def test_load_demo_maps_kinds_to_typologie_codes(demo):
    kinds = {item["slug"]: item["kind"] for item in read_fixture()["structures"]}
    codes = {page.slug: page.typologie for page in StructurePage.objects.all()}

    assert {slug: codes[slug][0] for slug, kind in kinds.items() if kind == "mediatheque"} == {
        slug: "BIB" for slug, kind in kinds.items() if kind == "mediatheque"
    }
    assert all(codes[slug][0] == "ENM" for slug, kind in kinds.items() if kind == "bus")
    assert all("RFS" in codes[slug] for slug, kind in kinds.items() if kind == "france_services")


def test_load_demo_itinerant_buses_have_stops(demo):
    buses = StructurePage.objects.itinerant()

    assert buses.count() >= 5
    assert all(bus.stops.exists() for bus in buses)


def test_load_demo_accounts_have_their_rights(demo):
    editor = get_user_model().objects.get(email=DEMO_EDITOR["email"])
    coordinator = get_user_model().objects.get(email=DEMO_COORDINATOR["email"])
    meli = StructurePage.objects.get(slug=DEMO_EDITOR["structure"])
    bourges = BassinPage.objects.get(slug="bourges")

    assert list(Membership.objects.filter(user=editor).values_list("structure__slug", flat=True)) == [
        meli.slug
    ]
    assert list(Coordination.objects.filter(user=coordinator).values_list("bassin__slug", flat=True)) == [
        "bourges"
    ]
    assert meli.permissions_for_user(editor).can_publish() is True
    assert editor.check_password("demo-test")
    assert (
        StructurePage.objects.child_of(bourges).first().permissions_for_user(coordinator).can_edit() is True
    )


def test_load_demo_marks_networks_and_partners_as_not_receiving_the_public(demo):
    from_fixture = {
        item["slug"] for item in read_fixture()["structures"] if item.get("receives_public") is False
    }

    assert from_fixture == NOT_RECEIVING_PUBLIC
    assert set(StructurePage.objects.filter(receives_public=False).values_list("slug", flat=True)) == (
        NOT_RECEIVING_PUBLIC
    )


def test_home_map_leaves_out_networks_and_partners(demo, client):
    response = client.get("/")

    on_map = {marker["id"] for marker in response.context["map_markers"]}
    partners = set(StructurePage.objects.filter(receives_public=False).values_list("pk", flat=True))
    places = StructurePage.objects.live().filter(receives_public=True)
    assert on_map == set(places.values_list("pk", flat=True))
    assert on_map & partners == set()
    assert response.context["structure_count"] == places.count() == 85 - len(NOT_RECEIVING_PUBLIC)


def test_directory_lists_places_then_partners_then_closed_places(demo, client):
    response = client.get(reverse("network:directory"), {"bassin": "bourges", "page": 2})
    everything = list(response.context["page_obj"].paginator.object_list)

    groups = [structure.listing_group for structure in everything]
    assert groups == sorted(groups)
    assert [
        structure.slug for structure in everything if structure.listing_group == 1
    ] == BOURGES_PARTNERS_BY_TITLE
    assert everything[-1].slug == "mobile-18"
    assert {marker["id"] for marker in response.context["map_markers"]} == {
        structure.pk for structure in everything if structure.receives_public
    }
    assert "Réseau / partenaire : contactez-le si vous êtes professionnel·le." in response.content.decode()


def test_bassin_page_ranks_closed_last_and_partners_before_it(demo, client):
    bourges = BassinPage.objects.get(slug="bourges")

    response = client.get(bourges.url)

    slugs = [structure.slug for structure in response.context["structures"]]
    assert slugs[-1] == "mobile-18"
    assert slugs[-7:-1] == BOURGES_PARTNERS_BY_TITLE


def test_partner_page_says_it_receives_no_public_and_shows_no_map(demo, client):
    resopluce = StructurePage.objects.get(slug="resopluce-18")

    response = client.get(resopluce.url)

    content = response.content.decode()
    assert response.context["map_markers"] == []
    assert "<strong>N'accueille pas de public</strong>" in content
    assert "appelez ou écrivez avant de venir" not in content


def test_departement_du_cher_epns_are_four_places_in_their_own_communes(demo):
    epns = StructurePage.objects.filter(slug__in=CHER_EPNS)

    assert {epn.slug: epn.commune for epn in epns} == CHER_EPNS
    assert len({(epn.latitude, epn.longitude) for epn in epns}) == 4
    assert all(epn.receives_public and epn.structure_parente == "Département du Cher" for epn in epns)
    assert {epn.bassin.slug for epn in epns} == {"bourges"}
    assert StructurePage.objects.get(slug="departement-cher-epn").receives_public is False


def test_waiting_list_of_the_study_is_shown(demo, client):
    centre_social = StructurePage.objects.get(slug="le-blanc-centre-social")

    response = client.get(centre_social.url)

    assert "CARSAT" in centre_social.waiting_list
    assert list(StructurePage.objects.exclude(waiting_list="").values_list("slug", flat=True)) == [
        "le-blanc-centre-social"
    ]
    shown = "<strong>Liste d'attente</strong> — importante pour les formations au numérique financées par la "
    assert shown + "CARSAT." in response.content.decode()


def test_itinerant_stops_carry_their_communes_and_coordinates(demo):
    bourges_bus = StructurePage.objects.get(slug="bus-numerique-carsat-bourges")

    assert list(bourges_bus.stops.values_list("commune", flat=True))[:3] == ["Trouy", "Lunery", "Nérondes"]
    assert ItinerantStop.objects.filter(latitude__isnull=True).count() == 0
    assert ItinerantStop.objects.filter(longitude__isnull=True).count() == 0


def test_demo_people_fill_the_professional_directory(demo):
    vierzon = BassinPage.objects.get(slug="vierzon")

    seen_in_vierzon = visible_people([vierzon])
    seen_network_wide = visible_people([vierzon], network_wide=True)

    assert "Médiatrice de la médiathèque de Vierzon" in [member_name(person) for person in seen_in_vierzon]
    assert seen_network_wide.count() > seen_in_vierzon.count() >= 4
    animator = get_user_model().objects.get(email="animateur.epn-departement-cher@demo.maillage.localhost")
    assert sorted(animator.memberships.values_list("structure__slug", flat=True)) == sorted(CHER_EPNS)
    assert animator.check_password("demo-test")
    assert (animator.first_name, animator.last_name) == ("", "")


def test_demo_people_are_named_by_role_and_place_only(demo):
    people = get_user_model().objects.filter(email__in=[person.email for person in DEMO_PEOPLE])

    assert people.count() == len(DEMO_PEOPLE)
    assert {person.member_profile.display_name for person in people} == {
        person.display_name for person in DEMO_PEOPLE
    }
    assert set(Membership.objects.filter(user__in=people).values_list("role", flat=True)) == {
        "mediateur",
        "benevole",
        "service_civique",
        "responsable",
    }
