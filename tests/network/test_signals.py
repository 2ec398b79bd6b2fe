"""`StructurePage.bassin` follows the tree: moves and revisions keep it equal to the parent page."""

import pytest

from network.models import StructurePage
from tests.factories import BassinFactory, StructureFactory

pytestmark = pytest.mark.django_db


def test_moved_structure_gets_its_new_bassin():
    old, new = BassinFactory(), BassinFactory()
    structure = StructureFactory(bassin=old)

    structure.move(new, pos="last-child")

    assert StructurePage.objects.get(pk=structure.pk).bassin_id == new.pk


def test_publishing_a_revision_made_before_a_move_keeps_the_new_bassin():
    old, new = BassinFactory(), BassinFactory()
    structure = StructureFactory(bassin=old)
    revision = structure.save_revision()
    structure.move(new, pos="last-child")

    revision.publish()

    assert StructurePage.objects.get(pk=structure.pk).bassin_id == new.pk
