"""The bulk path of `opendata.importer.import_lieux` (`network.domain.create_structures`): a national file
costs one tree insertion per new place and a fixed number of queries per batch, the pages end exactly as
`create_structure` leaves them (minus the revision), and a batch that fails is retried row by row."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import GroupPagePermission, ReferenceIndex, Revision, WorkflowPage
from wagtail.signals import page_published

from network import domain
from network.models import StructurePage
from network.search_index import search_index_deferred
from opendata import importer, lieux
from opendata.importer import import_lieux

HEADER = ",".join(lieux.columns())
# Queries per new place, whatever the size of the file (see `network.domain.create_structures`):
# - Wagtail's insertion of the page in its tree (`add_child`: lock the bassin, its last child, numchild; the
#   page's save: its parent, the slug check, two INSERTs, the creation's log entry and its checks; the
#   search index's task reading the page back before finding the index deferred): 12;
# - its reference index (what is stored, then the INSERT): 2;
# - the savepoints of these atomic steps: 4.
# No image collection: it is created when first needed (`network.permissions.ensure_structure_collection`);
# it cost 10 more queries per place (its insertion in the collection tree and its savepoints).
QUERIES_PER_NEW_PLACE = 18
# Queries per import and per batch (`importer.BATCH_SIZE` new places of one bassin): reading the stored
# structures and bassins, the slugs check, the batch going live, its groups, rights, workflow, search index,
# the reference index's read of the pages and their child relations, and the transaction. One more per
# batch on either backend: Wagtail's SQLite search backend recomputes its title normalisation over the
# index; on PostgreSQL the directory's search vectors of the batch are written (`network.search_index`).
QUERIES_PER_BATCH = 26


def queries_per_batch() -> int:
    return QUERIES_PER_BATCH + (connection.vendor in ("sqlite", "postgresql"))


def _rows(count: int, prefix: str = "lieu", name: str = "Lieu") -> str:
    lines = [HEADER]
    for index in range(count):
        row = dict.fromkeys(lieux.columns(), "")
        row |= {"id": f"{prefix}-{index:03d}", "nom": f"{name} {index:03d}", "commune": "Vierzon"}
        lines.append(",".join(f'"{row[name]}"' for name in lieux.columns()))
    return "\n".join(lines) + "\n"


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_import_queries_grow_only_by_the_tree_insertions(bassin):
    import_lieux(text=_rows(1, "a", "Lieu A"), bassin=bassin)  # the bassin's rights, the workflow…
    five = _queries(lambda: import_lieux(text=_rows(5, "b", "Lieu B"), bassin=bassin))
    twenty = _queries(lambda: import_lieux(text=_rows(20, "c", "Lieu C"), bassin=bassin))
    assert (five - 5 * QUERIES_PER_NEW_PLACE, twenty - 20 * QUERIES_PER_NEW_PLACE) == (
        queries_per_batch(),
        queries_per_batch(),
    )
    assert StructurePage.objects.count() == 26


@pytest.mark.parametrize("count", [5, 20])
def test_reimport_reads_the_stored_places_at_once(bassin, count):
    text = _rows(count)
    import_lieux(text=text, bassin=bassin)
    report = None

    def again():
        nonlocal report
        report = import_lieux(text=text, bassin=bassin)

    assert _queries(again) == 3  # structures and bassins of the index, then the matched structures
    assert (report.created, report.updated, len(report.unchanged)) == ([], [], count)


def test_created_places_are_live_with_their_rights_and_indexes_but_no_revision(bassin):
    published = []

    def listen(sender, instance, **kwargs):
        published.append(instance.slug)

    page_published.connect(listen, sender=StructurePage, dispatch_uid="test_bulk_published")
    try:
        report = import_lieux(text=_rows(3), bassin=bassin)
    finally:
        page_published.disconnect(dispatch_uid="test_bulk_published", sender=StructurePage)

    assert report.created == ["lieu-000", "lieu-001", "lieu-002"]
    assert published == report.created
    structure = StructurePage.objects.get(slug="lieu-001")
    assert (structure.live, structure.has_unpublished_changes, structure.bassin_id) == (
        True,
        False,
        bassin.pk,
    )
    assert structure.first_published_at == structure.last_published_at
    assert Revision.objects.filter(object_id=str(structure.pk)).count() == 0
    assert structure.collection is None  # until first needed: see tests/network/test_permissions.py
    assert structure.editors_group.name == "Structure · Lieu 001 (lieu-001)"
    assert structure.volunteers_group.name == "Bénévoles (service civique) · Lieu 001 (lieu-001)"
    assert sorted(
        GroupPagePermission.objects.filter(page=structure).values_list("group__name", "permission__codename")
    ) == sorted(
        [("Bénévoles (service civique) · Lieu 001 (lieu-001)", "change_page")]
        + [
            ("Structure · Lieu 001 (lieu-001)", codename)
            for codename in ("change_page", "lock_page", "publish_page", "unlock_page")
        ]
    )
    assert WorkflowPage.objects.filter(page=structure).exists()
    assert [found.slug for found in StructurePage.objects.live().search("Lieu 001")][:1] == ["lieu-001"]
    assert ReferenceIndex.get_references_for_object(structure).exists()


def test_a_failing_batch_is_retried_row_by_row(bassin, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 3)
    create = domain.create_structures

    def refuse_one(*, bassin, structures):
        if any(structure.title == "Lieu 004" for structure in structures):
            raise ValidationError("adresse déjà prise", code="slug_taken")
        return create(bassin=bassin, structures=structures)

    monkeypatch.setattr(domain, "create_structures", refuse_one)
    report = import_lieux(text=_rows(6), bassin=bassin)

    assert report.created == ["lieu-000", "lieu-001", "lieu-002", "lieu-003", "lieu-005"]
    assert [str(problem) for problem in report.rejected] == ["Ligne 6 (lieu-004) : adresse déjà prise"]
    assert StructurePage.objects.count() == 5


def test_a_save_inside_a_deferred_search_index_is_not_indexed(bassin, full_structure):
    full_structure.title = "Médiathèque Jules-Verne"
    with search_index_deferred():
        full_structure.save_revision().publish()
    assert list(StructurePage.objects.search("Jules-Verne")) == []
    full_structure.save_revision().publish()
    assert list(StructurePage.objects.search("Jules-Verne")) == [full_structure]


def test_dry_run_of_a_national_file_writes_nothing(bassin):
    report = import_lieux(text=_rows(20), bassin=bassin, dry_run=True)
    assert len(report.created) == 20
    assert StructurePage.objects.count() == 0


def test_imported_places_are_found_by_the_directory_search(client, bassin):
    import_lieux(text=_rows(3, name="Médiathèque"), bassin=bassin)

    response = client.get(reverse("network:directory"), {"q": "mediatheque vierzon"})

    assert sorted(structure.title for structure in response.context["page_obj"]) == [
        "Médiathèque 000",
        "Médiathèque 001",
        "Médiathèque 002",
    ]
