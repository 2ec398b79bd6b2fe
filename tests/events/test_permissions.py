"""`AtelierPermissionPolicy`: rights on ateliers follow the owning structure, without Django permissions."""

import pytest

from events.models import Atelier
from events.permissions import AtelierPermissionPolicy, can_manage_atelier, manageable_ateliers
from network import domain
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory

policy = AtelierPermissionPolicy(Atelier)


@pytest.fixture
def setting(db):
    bassin, elsewhere = BassinFactory(), BassinFactory()
    own, neighbour = StructureFactory(bassin=bassin), StructureFactory(bassin=bassin)
    far = StructureFactory(bassin=elsewhere)
    return {
        "bassin": bassin,
        "own": AtelierFactory(structure=own),
        "neighbour": AtelierFactory(structure=neighbour),
        "far": AtelierFactory(structure=far),
    }


def member_of(atelier):
    user = UserFactory()
    domain.add_member(structure=atelier.structure, user=user)
    return user


def test_policy_editor_has_model_rights_without_django_permissions(setting):
    editor = member_of(setting["own"])

    assert not editor.has_perm("events.change_atelier")
    assert [policy.user_has_permission(editor, action) for action in ("add", "change", "delete")] == [
        True
    ] * 3


def test_policy_user_without_structure_has_no_rights(setting):
    nobody = UserFactory()

    assert not policy.user_has_any_permission(nobody, ["add", "change", "delete", "view"])
    assert list(manageable_ateliers(nobody)) == []


def test_policy_editor_instance_rights_stop_at_own_structure(setting):
    editor = member_of(setting["own"])

    assert policy.user_has_permission_for_instance(editor, "change", setting["own"])
    assert not policy.user_has_permission_for_instance(editor, "change", setting["neighbour"])
    assert not policy.user_has_permission_for_instance(editor, "delete", setting["far"])
    assert set(policy.instances_user_has_any_permission_for(editor, ["change"])) == {setting["own"]}


def test_policy_coordinator_manages_whole_bassin_only(setting):
    coordinator = UserFactory()
    domain.add_coordinator(bassin=setting["bassin"], user=coordinator)

    assert set(manageable_ateliers(coordinator)) == {setting["own"], setting["neighbour"]}
    assert not can_manage_atelier(coordinator, setting["far"])


def test_policy_superuser_manages_all(setting):
    admin = UserFactory(is_superuser=True)

    assert set(manageable_ateliers(admin)) == {setting["own"], setting["neighbour"], setting["far"]}
    assert policy.user_has_permission_for_instance(admin, "delete", setting["far"])


def test_policy_inactive_editor_has_nothing(setting):
    editor = member_of(setting["own"])
    editor.is_active = False

    assert not policy.user_has_permission(editor, "change")
    assert not policy.user_has_permission_for_instance(editor, "change", setting["own"])


def test_policy_users_with_permission_for_instance_are_its_managers(setting):
    editor = member_of(setting["own"])
    member_of(setting["neighbour"])
    admin = UserFactory(is_superuser=True)

    users = set(policy.users_with_any_permission_for_instance(["change"], setting["own"]))

    assert users == {editor, admin}
