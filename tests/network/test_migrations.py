"""Data migrations of `network`, run backwards and forwards on real rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from network.models import StructurePage
from tests.factories import BassinFactory, StructureFactory


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
