"""The demo territory loads the field study's facts, completely, once."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from network.demo import DEMO_COORDINATOR, DEMO_EDITOR, load_demo_territory, read_fixture
from network.models import BassinPage, Coordination, Membership, StructurePage

EXPECTED_PER_BASSIN = {"issoudun": 8, "bourges": 30, "argenton-le-blanc": 11, "vierzon": 14, "tours": 18}


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


def test_load_demo_creates_five_bassins_and_81_structures(demo):
    assert (demo.bassins_created, demo.structures_created) == (5, 81)
    assert _count_per_bassin() == EXPECTED_PER_BASSIN


def test_load_demo_twice_changes_nothing(demo):
    pages_before = sorted(StructurePage.objects.values_list("slug", "latest_revision_id"))

    again = load_demo_territory(password="demo-test")

    assert (again.bassins_created, again.structures_created, again.accounts_created) == (0, 0, [])
    assert sorted(StructurePage.objects.values_list("slug", "latest_revision_id")) == pages_before
    assert get_user_model().objects.count() == 3


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
