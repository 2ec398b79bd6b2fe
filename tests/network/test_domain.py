"""Workflows of `network.domain`: invitations, coordinators, and rights that survive publishing."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from network import domain
from network.enums import MemberRole
from network.models import Invitation, Membership, StructurePage
from tests.factories import BassinFactory, StructureFactory, UserFactory


@pytest.fixture
def structure(db):
    return StructureFactory()


@pytest.fixture
def editor(structure):
    user = UserFactory()
    domain.add_member(structure=structure, user=user)
    return user


def test_invite_member_non_manager_is_denied(structure):
    outsider = UserFactory()

    with pytest.raises(PermissionDenied):
        domain.invite_member(structure=structure, email="x@exemple.fr", invited_by=outsider)

    assert Invitation.objects.count() == 0


def test_invite_member_mediator_is_denied(structure):
    mediator = UserFactory()
    domain.add_member(structure=structure, user=mediator, role=MemberRole.MEDIATEUR)

    with pytest.raises(PermissionDenied):
        domain.invite_member(structure=structure, email="x@exemple.fr", invited_by=mediator)


def test_invite_member_normalises_address(structure, editor):
    invitation = domain.invite_member(structure=structure, email="  Camille@Exemple.FR ", invited_by=editor)

    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "camille@exemple.fr",
        MemberRole.EDITOR,
        editor,
    )


def test_invite_member_replaces_older_pending_invitation(structure, editor):
    older = domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=editor)

    newer = domain.invite_member(structure=structure, email="CAMILLE@exemple.fr", invited_by=editor)

    older.refresh_from_db()
    assert (older.is_pending, newer.is_pending) == (False, True)
    assert list(Invitation.objects.pending().values_list("pk", flat=True)) == [newer.pk]


def test_invite_member_revokes_older_expired_invitation(structure, editor):
    expired = domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=editor)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))

    domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=editor)

    expired.refresh_from_db()
    assert expired.revoked_at is not None


def test_invite_member_leaves_other_structures_invitations(structure, editor):
    other = StructureFactory()
    superuser = UserFactory(is_superuser=True)
    elsewhere = domain.invite_member(structure=other, email="camille@exemple.fr", invited_by=superuser)

    domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=editor)

    elsewhere.refresh_from_db()
    assert elsewhere.is_pending is True


def test_accept_invitation_makes_member_with_invited_role(structure, editor):
    invitation = domain.invite_member(
        structure=structure, email="camille@exemple.fr", invited_by=editor, role=MemberRole.RESPONSABLE
    )
    person = UserFactory(email="camille@exemple.fr")

    membership = domain.accept_invitation(invitation=invitation, user=person)

    invitation.refresh_from_db()
    assert (membership.structure, membership.user, membership.role) == (
        structure,
        person,
        MemberRole.RESPONSABLE,
    )
    assert (invitation.accepted_by, invitation.is_pending) == (person, False)
    assert structure.permissions_for_user(person).can_edit() is True


def test_accept_invitation_creates_verified_primary_address(structure, editor):
    invitation = domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=editor)
    person = UserFactory(email="camille@exemple.fr")

    domain.accept_invitation(invitation=invitation, user=person)

    assert list(EmailAddress.objects.filter(user=person).values_list("email", "verified", "primary")) == [
        ("camille@exemple.fr", True, True)
    ]


def test_accept_invitation_keeps_other_primary_address(structure, editor):
    invitation = domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=editor)
    person = UserFactory(email="camille@exemple.fr")
    EmailAddress.objects.create(user=person, email="ancienne@exemple.fr", verified=True, primary=True)

    domain.accept_invitation(invitation=invitation, user=person)

    assert set(EmailAddress.objects.filter(user=person).values_list("email", "verified", "primary")) == {
        ("ancienne@exemple.fr", True, True),
        ("camille@exemple.fr", True, False),
    }


def test_accept_invitation_other_address_is_refused(structure, editor):
    invitation = domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=editor)
    someone_else = UserFactory(email="dominique@exemple.fr")

    with pytest.raises(ValidationError) as error:
        domain.accept_invitation(invitation=invitation, user=someone_else)

    assert error.value.code == "invitation_email_mismatch"
    assert Membership.objects.filter(user=someone_else).exists() is False


def test_accept_invitation_twice_is_refused(structure, editor):
    invitation = domain.invite_member(structure=structure, email="camille@exemple.fr", invited_by=editor)
    person = UserFactory(email="camille@exemple.fr")
    domain.accept_invitation(invitation=invitation, user=person)

    with pytest.raises(ValidationError) as error:
        domain.accept_invitation(invitation=invitation, user=person)

    assert error.value.code == "invitation_used"


def test_remove_coordinator_revokes_rights(db):
    bassin, person = BassinFactory(), UserFactory()
    inside = StructureFactory(bassin=bassin)
    domain.add_coordinator(bassin=bassin, user=person)

    domain.remove_coordinator(bassin=bassin, user=person)

    assert inside.permissions_for_user(person).can_edit() is False
    assert list(person.groups.all()) == []


def test_remove_coordinator_keeps_memberships_groups(db):
    bassin, person = BassinFactory(), UserFactory()
    structure = StructureFactory(bassin=bassin)
    domain.add_member(structure=structure, user=person)
    domain.add_coordinator(bassin=bassin, user=person)

    domain.remove_coordinator(bassin=bassin, user=person)

    assert list(person.groups.values_list("pk", flat=True)) == [structure.editors_group_id]


def test_create_structure_first_revision_carries_group_and_collection(structure):
    revision = structure.revisions.get()

    assert (revision.content["editors_group"], revision.content["collection"]) == (
        structure.editors_group_id,
        structure.collection_id,
    )


def test_republishing_first_revision_keeps_group_and_collection(structure):
    group_id, collection_id = structure.editors_group_id, structure.collection_id

    structure.revisions.get().publish()

    structure = StructurePage.objects.get(pk=structure.pk)
    assert (structure.editors_group_id, structure.collection_id) == (group_id, collection_id)


def test_create_bassin_first_revision_carries_group_and_collection(db):
    bassin = BassinFactory()

    revision = bassin.revisions.get()

    assert (revision.content["coordinators_group"], revision.content["collection"]) == (
        bassin.coordinators_group_id,
        bassin.collection_id,
    )
