"""Tests of `events.bulk`: rows inserted and updated exactly as `save()` stores them."""

from datetime import date, time
from decimal import Decimal

from django.forms.models import model_to_dict

from events import enums
from events.bulk import delete_where_in, insert_objects, select_objects, update_objects
from events.models import Atelier
from tests.factories import StructureFactory


def atelier(structure, uid: str) -> Atelier:
    return Atelier(
        structure=structure,
        uid=uid,
        title="Café numérique « pas à pas »",
        themes=[enums.Theme.DEMARCHES.value],
        publics=["Seniors"],
        start_date=date(2027, 3, 30),
        start_time=time(14, 0),
        end_time=time(16, 0),
        rrule="FREQ=WEEKLY;COUNT=3",
        rdates=["2027-05-04T14:00:00"],
        price=enums.Price.PAYANT,
        price_amount=Decimal("2.50"),
        latitude=47.22,
        longitude=2.07,
        status=enums.Status.SCHEDULED,
    )


def test_insert_objects_stores_what_save_stores(db):
    structure = StructureFactory()
    saved = atelier(structure, "saved@maillage")
    saved.save(refresh_occurrences=False)

    assert insert_objects(Atelier, [atelier(structure, "inserted@maillage")]) == 1

    inserted = Atelier.objects.get(uid="inserted@maillage")
    saved.refresh_from_db()
    ignored = {"id", "uid"}
    assert {k: v for k, v in model_to_dict(inserted).items() if k not in ignored} == {
        k: v for k, v in model_to_dict(saved).items() if k not in ignored
    }
    assert inserted.created_at is not None and inserted.updated_at is not None


def test_insert_objects_of_nothing_runs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_objects(Atelier, []) == 0


def test_update_objects_stores_what_save_stores(db):
    structure = StructureFactory()
    saved, updated = atelier(structure, "saved@maillage"), atelier(structure, "updated@maillage")
    saved.save(refresh_occurrences=False)
    updated.save(refresh_occurrences=False)
    stamped = Atelier.objects.get(pk=updated.pk).updated_at
    for instance in (saved, updated):
        instance.title = "Démarches en ligne"
        instance.rdates = ["2027-05-11T14:00:00", "2027-05-18T14:00:00"]
        instance.price_amount = Decimal("3.00")
        instance.start_time = time(9, 30)
    saved.save(refresh_occurrences=False)

    fields = ["title", "rdates", "price_amount", "start_time", "updated_at"]
    assert update_objects(Atelier, [updated], fields) == 1

    saved.refresh_from_db()
    fresh = Atelier.objects.get(pk=updated.pk)
    ignored = {"id", "uid", "sequence"}  # save() raises SEQUENCE; update_objects writes what it is given
    assert {k: v for k, v in model_to_dict(fresh).items() if k not in ignored} == {
        k: v for k, v in model_to_dict(saved).items() if k not in ignored
    }
    assert fresh.updated_at > stamped
    assert fresh.updated_at == updated.updated_at


def test_update_objects_leaves_other_columns_and_rows_alone(db):
    structure = StructureFactory()
    first, second = atelier(structure, "a@maillage"), atelier(structure, "b@maillage")
    for instance in (first, second):
        instance.save(refresh_occurrences=False)
    first.title, first.summary = "Nouveau titre", "changé en mémoire, pas écrit"

    update_objects(Atelier, [first], ["title"])

    assert list(Atelier.objects.order_by("uid").values_list("title", "summary")) == [
        ("Nouveau titre", ""),
        ("Café numérique « pas à pas »", ""),
    ]


def test_update_objects_of_nothing_runs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert update_objects(Atelier, [], ["title"]) == 0


def test_delete_where_in_deletes_only_the_rows_named_by_batches(db, django_assert_num_queries):
    structure = StructureFactory()
    ateliers = [atelier(structure, f"{n}@maillage") for n in range(5)]
    insert_objects(Atelier, ateliers)
    pks = sorted(Atelier.objects.values_list("pk", flat=True))

    with django_assert_num_queries(2):
        delete_where_in(Atelier, "id", pks[:3], batch_size=2)

    assert sorted(Atelier.objects.values_list("pk", flat=True)) == pks[3:]


def test_select_objects_builds_what_the_orm_builds(db, django_assert_num_queries):
    structure = StructureFactory()
    saved = atelier(structure, "saved@maillage")
    saved.save(refresh_occurrences=False)
    atelier(structure, "other@maillage").save(refresh_occurrences=False)
    by_orm = Atelier.objects.get(pk=saved.pk)

    with django_assert_num_queries(1):
        (loaded,) = select_objects(Atelier, 'WHERE a."id" = %s', [saved.pk], alias="a")

    # Every column converted alike: dates, times, decimals, JSON lists, booleans, UUID.
    fields = [field.attname for field in Atelier._meta.concrete_fields]
    values = [(name, getattr(loaded, name)) for name in fields]
    assert values == [(name, getattr(by_orm, name)) for name in fields]
    assert [type(value) for _name, value in values] == [type(getattr(by_orm, name)) for name in fields]
    assert (loaded._state.adding, loaded._state.db) == (False, "default")


def test_select_objects_of_no_row_is_an_empty_list(db):
    assert select_objects(Atelier, 'WHERE a."id" = %s', [0], alias="a") == []
