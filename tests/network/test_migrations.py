"""Data migrations of `network` (and of the atelier price that takes network's list), run on real rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events.models import Atelier
from network.models import OpeningInterval, StructurePage
from network.search_index import has_search_vector
from tests.factories import AtelierFactory, BassinFactory, StructureFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bassin_migration_fills_every_structure_from_its_parent():
    bourges, vierzon = BassinFactory(), BassinFactory()
    first, second = StructureFactory(bassin=bourges), StructureFactory(bassin=vierzon)
    executor = MigrationExecutor(connection)
    executor.migrate([("network", "0003_membershiprequest_reason")])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert dict(StructurePage.objects.values_list("pk", "bassin_id")) == {
        first.pk: bourges.pk,
        second.pk: vierzon.pk,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_atelier_price_migration_takes_the_schema_values():
    structure = StructureFactory()
    for index, code in enumerate(["gratuit", "gratuit_sous_condition", "payant"]):
        atelier = AtelierFactory(structure=structure, title=f"Atelier {index}")
        Atelier.objects.filter(pk=atelier.pk).update(price=code)  # as stored before the migration
    executor = MigrationExecutor(connection)
    executor.migrate([("events", "0010_sessionoverride_title")])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(Atelier.objects.values_list("price", flat=True)) == [
        "Gratuit",
        "Gratuit sous condition",
        "Payant",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_opening_interval_migration_fills_the_table_from_the_parsed_hours():
    split = StructureFactory(horaires="Mo 09:00-12:00,14:00-18:00")
    overnight = StructureFactory(horaires="Sa 22:00-02:00")
    StructureFactory(horaires="")
    executor = MigrationExecutor(connection)
    executor.migrate([("network", "0012_structurepage_listing_order_index")])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = OpeningInterval.objects.order_by("structure", "weekday", "opens")
    assert list(rows.values_list("structure", "weekday", "opens", "closes")) == [
        (split.pk, 0, 540, 720),
        (split.pk, 0, 840, 1080),
        (overnight.pk, 5, 1320, 1440),
        (overnight.pk, 6, 0, 120),
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_vector_migration_fills_every_structure_on_postgresql():
    first = StructureFactory(title="Médiathèque de Vierzon", commune="Vierzon")
    second = StructureFactory(title="Espace numérique", commune="Issoudun")
    executor = MigrationExecutor(connection)
    executor.migrate([("network", "0013_opening_interval")])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    if has_search_vector(connection.alias):
        assert [page.pk for page in StructurePage.objects.matching("mediatheque")] == [first.pk]
        assert [page.pk for page in StructurePage.objects.matching("issoudun")] == [second.pk]
    else:  # SQLite keeps the column, empty: the directory searches Wagtail's index there
        assert list(StructurePage.objects.values_list("search_vector", flat=True)) == [None, None]
