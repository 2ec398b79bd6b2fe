from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_permission_policy
from wagtail.models import Collection, GroupCollectionPermission, Page

from network import domain
from network.enums import MemberRole
from network.models import MembershipRequest, StructurePage
from network.permissions import (
    IMAGE_PERMISSIONS,
    VOLUNTEER_IMAGE_PERMISSIONS,
    can_manage_structure,
    decidable_requests,
    ensure_structure_collection,
    grant_structure_permissions,
    is_network_member,
    member_bassins,
)
from tests.factories import BassinFactory, StructureFactory, UserFactory


def test_editor_can_edit_and_publish_only_own_structure(db):
    own, other = StructureFactory(), StructureFactory()
    editor = UserFactory()
    domain.add_member(structure=own, user=editor, role=MemberRole.EDITOR)

    own_perms = own.permissions_for_user(editor)
    other_perms = other.permissions_for_user(editor)

    assert (own_perms.can_edit(), own_perms.can_publish()) == (True, True)
    assert (other_perms.can_edit(), other_perms.can_publish()) == (False, False)
    assert Page.objects.get(pk=own.get_parent().pk).permissions_for_user(editor).can_edit() is False


def test_mediator_role_gives_no_edit_right(db):
    structure, mediator = StructureFactory(), UserFactory()
    domain.add_member(structure=structure, user=mediator, role=MemberRole.MEDIATEUR)

    assert structure.permissions_for_user(mediator).can_edit() is False


def test_coordinator_edits_every_structure_of_bassin_only(db):
    bassin = BassinFactory()
    inside, outside = StructureFactory(bassin=bassin), StructureFactory()
    coordinator = UserFactory()
    domain.add_coordinator(bassin=bassin, user=coordinator)

    assert inside.permissions_for_user(coordinator).can_edit() is True
    assert bassin.permissions_for_user(coordinator).can_add_subpage() is True
    assert outside.permissions_for_user(coordinator).can_edit() is False
    assert (can_manage_structure(coordinator, inside), can_manage_structure(coordinator, outside)) == (
        True,
        False,
    )


def test_removing_member_revokes_rights(db):
    structure, editor = StructureFactory(), UserFactory()
    domain.add_member(structure=structure, user=editor)

    domain.remove_member(structure=structure, user=editor)

    assert structure.permissions_for_user(editor).can_edit() is False
    assert list(editor.groups.all()) == []


def test_grant_structure_permissions_is_idempotent(db):
    structure = StructureFactory()
    group = structure.editors_group
    counts = (group.page_permissions.count(), group.collection_permissions.count())

    again = grant_structure_permissions(structure)

    assert again == group
    assert (again.page_permissions.count(), again.collection_permissions.count()) == counts
    assert structure.collection.get_parent() == structure.get_parent().specific.collection


def _imported(bassin, title="Lieu importé", slug="lieu-importe"):
    """A structure created as an import creates it: without its image collection yet."""
    (structure,) = domain.create_structures(bassin=bassin, structures=[StructurePage(title=title, slug=slug)])
    return structure


def test_imported_structure_gets_its_collection_with_its_first_member(db):
    bassin = BassinFactory()
    structure, other = _imported(bassin), StructureFactory(bassin=bassin)
    assert (structure.collection_id, structure.editors_group.collection_permissions.count()) == (None, 0)
    editor = UserFactory()

    domain.add_member(structure=structure, user=editor, role=MemberRole.EDITOR)

    structure.refresh_from_db()
    assert structure.collection.get_parent() == bassin.collection
    assert sorted(
        GroupCollectionPermission.objects.filter(group=structure.editors_group).values_list(
            "collection_id", "permission__codename"
        )
    ) == [(structure.collection_id, codename) for codename in sorted(IMAGE_PERMISSIONS)]
    assert sorted(
        structure.volunteers_group.collection_permissions.values_list("permission__codename", flat=True)
    ) == sorted(VOLUNTEER_IMAGE_PERMISSIONS)
    image_rights = get_permission_policy()
    assert list(image_rights.collections_user_has_permission_for(editor, "choose")) == [structure.collection]
    assert other.collection not in image_rights.collections_user_has_permission_for(editor, "choose")


def test_ensure_structure_collection_is_idempotent(db):
    structure = _imported(BassinFactory())
    ensure_structure_collection(structure)
    collection_id = structure.collection_id

    with CaptureQueriesContext(connection) as queries:
        ensure_structure_collection(structure)

    same_name = Collection.objects.filter(name="Lieu importé").count()
    assert (len(queries), structure.collection_id, same_name) == (0, collection_id, 1)


# Requests and the professional area ------------------------------------------------------------------


def test_decidable_requests_of_editor_coordinator_and_others(db):
    bassin = BassinFactory()
    own, neighbour, far = (
        StructureFactory(bassin=bassin),
        StructureFactory(bassin=bassin),
        StructureFactory(),
    )
    requests = {
        structure: domain.request_membership(
            user=UserFactory(), structure=structure, role=MemberRole.MEDIATEUR
        )
        for structure in (own, neighbour, far)
    }
    editor, mediator, coordinator = UserFactory(), UserFactory(), UserFactory()
    domain.add_member(structure=own, user=editor, role=MemberRole.RESPONSABLE)
    domain.add_member(structure=own, user=mediator, role=MemberRole.MEDIATEUR)
    domain.add_coordinator(bassin=bassin, user=coordinator)

    assert list(decidable_requests(editor)) == [requests[own]]
    assert list(decidable_requests(mediator)) == []
    assert set(decidable_requests(coordinator)) == {requests[own], requests[neighbour]}
    assert set(decidable_requests(UserFactory(is_superuser=True))) == set(MembershipRequest.objects.all())


def test_member_bassins_and_is_network_member(db):
    first, second, third = BassinFactory(), BassinFactory(), BassinFactory()
    person = UserFactory()
    assert (is_network_member(person), list(member_bassins(person))) == (False, [])

    domain.add_member(structure=StructureFactory(bassin=first), user=person, role=MemberRole.BENEVOLE)
    domain.add_coordinator(bassin=second, user=person)

    assert is_network_member(person) is True
    assert set(member_bassins(person)) == {first, second}
    assert set(member_bassins(UserFactory(is_superuser=True))) >= {first, second, third}
