"""Behaviour of bassin and structure pages."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from network.models import BassinPage, StructurePage
from tests.factories import BassinFactory, StructureFactory

PARIS = dt.timezone(dt.timedelta(hours=1))


def test_structure_slug_unique_across_bassins(db):
    StructureFactory(slug="mediatheque")
    other_bassin = BassinFactory()
    duplicate = StructurePage(title="Médiathèque", slug="mediatheque", commune="Vierzon")
    duplicate.path, duplicate.depth = other_bassin.path + "0009", other_bassin.depth + 1

    with pytest.raises(ValidationError) as excinfo:
        duplicate.clean()

    assert [error.code for error in excinfo.value.error_dict["slug"]] == ["slug_taken"]
    assert excinfo.value.message_dict["slug"] == [
        "Une autre structure du territoire utilise déjà l'adresse « mediatheque »."
    ]


def test_structure_invalid_enum_value_rejected_with_code(db):
    structure = StructureFactory()
    structure.services = ["Aide aux démarches administratives", "Cours de cuisine"]

    with pytest.raises(ValidationError) as excinfo:
        structure.full_clean()

    assert [error.code for error in excinfo.value.error_dict["services"]] == ["invalid_choice"]


def test_structure_invalid_horaires_rejected_with_code(db):
    structure = StructureFactory()
    structure.horaires = "du lundi au vendredi 9h-12h"

    with pytest.raises(ValidationError) as excinfo:
        structure.full_clean()

    assert [error.code for error in excinfo.value.error_dict["horaires"]] == ["horaires_invalid"]


def test_structure_save_caches_parsed_hours_and_open_state(db):
    structure = StructureFactory(horaires="Mo-Fr 09:00-12:00,14:00-18:00")
    structure = StructurePage.objects.get(pk=structure.pk)
    tuesday_10h = dt.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
    tuesday_13h = dt.datetime(2026, 11, 24, 13, 0, tzinfo=PARIS)

    assert structure.horaires_parsed["known"] is True
    assert (structure.is_open_at(tuesday_10h), structure.is_open_at(tuesday_13h)) == (True, False)


def test_structure_unknown_hours_never_claim_closed(db):
    structure = StructureFactory(horaires="")

    assert structure.is_open_now() is None


def test_structure_date_maj_is_publication_day_in_paris(db):
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        structure = StructureFactory()

    assert StructurePage.objects.get(pk=structure.pk).date_maj == dt.date(2026, 3, 2)


def test_bassin_density_computed_when_blank(db):
    bassin = BassinFactory(population=169917, area_km2=2395)

    assert BassinPage.objects.get(pk=bassin.pk).density_per_km2 == 71


def test_itinerant_queryset_and_stops(db):
    bus = StructureFactory(
        itinerance=["Itinérant"], stops=[{"commune": "Mehun-sur-Yèvre", "latitude": 47.14, "longitude": 2.21}]
    )
    StructureFactory(itinerance=["Fixe"])

    assert list(StructurePage.objects.itinerant()) == [bus]
    assert list(bus.stops.values_list("commune", flat=True)) == ["Mehun-sur-Yèvre"]


@pytest.mark.django_db
def test_deleting_a_bassin_deletes_its_structures_with_it():
    structure = StructureFactory()

    BassinPage.objects.get(pk=structure.bassin_id).delete()

    assert StructurePage.objects.filter(pk=structure.pk).exists() is False


def test_structure_listing_puts_places_then_partners_then_closed_places(db):
    bassin = BassinFactory()
    StructureFactory(bassin=bassin, title="A – lieu fermé", status="closed")
    StructureFactory(bassin=bassin, title="B – réseau", receives_public=False)
    StructureFactory(bassin=bassin, title="C – réseau arrêté", receives_public=False, status="closed")
    StructureFactory(bassin=bassin, title="D – médiathèque")
    StructureFactory(bassin=bassin, title="E – projet", status="project")

    listed = list(StructurePage.objects.child_of(bassin).for_listing())

    assert [(page.title, page.listing_group) for page in listed] == [
        ("D – médiathèque", 0),
        ("E – projet", 0),
        ("B – réseau", 1),
        ("A – lieu fermé", 2),
        ("C – réseau arrêté", 2),
    ]


def test_structure_map_markers_leave_out_partners_that_receive_no_public(db):
    place = StructureFactory(title="Médiathèque")
    partner = StructureFactory(bassin=place.bassin, title="CAF", receives_public=False)

    markers = StructurePage.map_markers([place, partner])

    assert [marker["id"] for marker in markers] == [place.pk]
    assert (place.on_public_map, partner.on_public_map) == (True, False)


@pytest.mark.django_db
def test_structures_have_one_maillage_identity_that_a_copy_does_not_share():
    structure = StructureFactory(title="Médiathèque", slug="mediatheque-copie-source")

    copy = structure.copy(update_attrs={"slug": "mediatheque-copie", "title": "Copie"})

    assert structure.global_id is not None
    assert copy.specific.global_id not in {None, structure.global_id}
