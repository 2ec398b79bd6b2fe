"""`orientation.index`: what the search reads of places and ateliers, and when it is read again."""

from datetime import time

import pytest

from calendars.sync import import_calendar
from orientation.index import build_index, get_index
from tests.calendars.ics import calendar, vevent
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

OUTILS = "Maîtrise des outils numériques du quotidien"


@pytest.fixture
def bassin(db):
    return BassinFactory()


def test_only_places_a_person_can_go_to(bassin):
    open_place = StructureFactory(bassin=bassin, slug="ouvert")
    StructureFactory(bassin=bassin, slug="reseau", receives_public=False)
    StructureFactory(bassin=bassin, slug="ferme", status="closed")
    StructureFactory(bassin=bassin, slug="projet", status="project")
    StructureFactory(bassin=bassin, slug="brouillon", publish=False)

    assert list(build_index().places) == [open_place.pk]


def test_a_place_is_read_from_its_offer_not_its_whereabouts(bassin):
    place = StructureFactory(
        bassin=bassin,
        title="Espace numérique",
        commune="Vierzon",
        services=[OUTILS],
        presentation_resume="Ateliers tablette dans le Cher, à Vierzon.",
        has_printer=True,
        horaires="Sa 09:00-12:00",
    )
    entry = build_index().places[place.pk]

    assert entry.words["tablette"] == 1.0
    assert entry.words["outil"] == 2.0
    assert entry.words["espace"] == 0.4
    assert "vierzon" not in entry.words
    assert "cher" not in entry.words
    assert (entry.equipment, entry.saturday, entry.evening) == (frozenset({"imprimante"}), True, False)


def test_ateliers_with_sessions_ahead_add_their_words_to_their_place(bassin):
    place = StructureFactory(bassin=bassin)
    atelier = AtelierFactory(structure=place, title="Smartphone du soir", start_time=time(18, 30))
    index = build_index()

    assert index.ateliers[atelier.pk].words["smartphone"] == 2.0
    assert index.places[place.pk].atelier_titles["smartphone"] == "Smartphone du soir"
    assert index.places[place.pk].evening


def test_the_cached_index_is_dropped_when_a_place_or_an_atelier_changes(bassin):
    first = StructureFactory(bassin=bassin)
    assert list(get_index().places) == [first.pk]

    second = StructureFactory(bassin=bassin)
    assert sorted(get_index().places) == sorted([first.pk, second.pk])

    atelier = AtelierFactory(structure=second, title="Tablette")
    assert atelier.pk in get_index().ateliers

    atelier.delete()
    assert atelier.pk not in get_index().ateliers


def test_the_cached_index_is_dropped_when_a_calendar_import_writes_ateliers(
    bassin, django_capture_on_commit_callbacks
):
    place = StructureFactory(bassin=bassin)
    assert get_index().ateliers == {}

    with django_capture_on_commit_callbacks(execute=True):
        import_calendar(structure=place, data=calendar(vevent("tablette@x", "Atelier tablette")))

    assert [entry.title for entry in get_index().ateliers.values()] == ["Atelier tablette"]


def test_building_the_index_costs_the_same_queries_whatever_the_size(bassin, django_assert_num_queries):
    for size in (1, 6):
        for _ in range(size):
            AtelierFactory(structure=StructureFactory(bassin=bassin))
        # needs, view restrictions, places, stops, ateliers
        with django_assert_num_queries(5):
            build_index()
