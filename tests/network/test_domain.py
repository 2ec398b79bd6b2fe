"""Workflows of `network.domain`: invitations, requests to join, coordinators, and rights that survive
publishing."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from network import domain
from network.enums import MemberRole
from network.models import Invitation, Membership, MembershipRequest, MembershipRequestStatus, StructurePage
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


# Requests to join ------------------------------------------------------------------------------------


@pytest.fixture
def asker(db):
    return UserFactory(first_name="Noé", last_name="Petit")


@pytest.fixture
def pending(structure, asker):
    return domain.request_membership(
        user=asker, structure=structure, role=MemberRole.BENEVOLE, message="  Je viens le mardi.  "
    )


def test_request_membership_records_pending_request(structure, asker, pending):
    saved = MembershipRequest.objects.get()

    assert (saved.user, saved.structure, saved.role, saved.message, saved.status) == (
        asker,
        structure,
        MemberRole.BENEVOLE,
        "Je viens le mardi.",
        MembershipRequestStatus.PENDING,
    )


def test_request_membership_twice_is_refused(structure, asker, pending):
    with pytest.raises(ValidationError) as error:
        domain.request_membership(user=asker, structure=structure, role=MemberRole.MEDIATEUR)

    assert (error.value.code, MembershipRequest.objects.count()) == ("request_pending", 1)


def test_request_membership_by_member_is_refused(structure, editor):
    with pytest.raises(ValidationError) as error:
        domain.request_membership(user=editor, structure=structure, role=MemberRole.MEDIATEUR)

    assert error.value.code == "already_member"


def test_request_membership_editor_role_is_not_requestable(structure, asker):
    with pytest.raises(ValidationError) as error:
        domain.request_membership(user=asker, structure=structure, role=MemberRole.EDITOR)

    assert error.value.code == "role_not_requestable"


def test_request_membership_again_after_refusal(structure, editor, asker, pending):
    domain.refuse_request(request=pending, by=editor)

    again = domain.request_membership(user=asker, structure=structure, role=MemberRole.MEDIATEUR)

    assert again.status == MembershipRequestStatus.PENDING


def test_accept_request_by_editor_makes_member_without_publishing_rights(structure, editor, asker, pending):
    membership = domain.accept_request(request=pending, by=editor)

    pending.refresh_from_db()
    assert (membership.user, membership.role) == (asker, MemberRole.BENEVOLE)
    assert (pending.status, pending.decided_by) == (MembershipRequestStatus.ACCEPTED, editor)
    assert pending.decided_at is not None
    # A bénévole proposes changes for an editor to approve (see test_volunteers.py), never publishes.
    assert structure.permissions_for_user(asker).can_publish() is False


def test_accept_request_responsable_gets_edit_rights(structure, editor):
    asker = UserFactory()
    request = domain.request_membership(user=asker, structure=structure, role=MemberRole.RESPONSABLE)

    domain.accept_request(request=request, by=editor)

    assert StructurePage.objects.get(pk=structure.pk).permissions_for_user(asker).can_edit() is True


def test_accept_request_by_bassin_coordinator(structure, pending):
    coordinator = UserFactory()
    domain.add_coordinator(bassin=structure.get_parent().specific, user=coordinator)

    domain.accept_request(request=pending, by=coordinator)

    assert Membership.objects.filter(user=pending.user, structure=structure).count() == 1


def test_accept_request_by_superuser(structure, pending):
    admin = UserFactory(is_superuser=True)

    domain.accept_request(request=pending, by=admin)

    assert Membership.objects.filter(user=pending.user, structure=structure).count() == 1


@pytest.mark.parametrize("role", [MemberRole.MEDIATEUR, MemberRole.BENEVOLE, MemberRole.SERVICE_CIVIQUE])
def test_accept_request_by_member_without_editing_role_is_denied(structure, pending, role):
    colleague = UserFactory()
    domain.add_member(structure=structure, user=colleague, role=role)

    with pytest.raises(PermissionDenied):
        domain.accept_request(request=pending, by=colleague)

    pending.refresh_from_db()
    assert (pending.status, Membership.objects.filter(user=pending.user).count()) == (
        MembershipRequestStatus.PENDING,
        0,
    )


def test_accept_request_by_editor_of_other_structure_is_denied(structure, pending):
    other_editor = UserFactory()
    domain.add_member(structure=StructureFactory(bassin=structure.get_parent().specific), user=other_editor)

    with pytest.raises(PermissionDenied):
        domain.accept_request(request=pending, by=other_editor)


def test_accept_request_by_coordinator_of_other_bassin_is_denied(structure, pending):
    coordinator = UserFactory()
    domain.add_coordinator(bassin=BassinFactory(), user=coordinator)

    with pytest.raises(PermissionDenied):
        domain.refuse_request(request=pending, by=coordinator)


def test_accept_request_twice_second_fails(structure, editor, pending):
    domain.accept_request(request=pending, by=editor)

    with pytest.raises(ValidationError) as error:
        domain.accept_request(request=pending, by=editor)

    assert error.value.code == "request_not_pending"


def test_accept_request_keeps_role_of_person_invited_meanwhile(structure, editor, asker, pending):
    domain.add_member(structure=structure, user=asker, role=MemberRole.RESPONSABLE)

    domain.accept_request(request=pending, by=editor)

    assert Membership.objects.get(user=asker).role == MemberRole.RESPONSABLE


def test_refuse_request_records_reason_and_creates_no_membership(structure, editor, pending):
    domain.refuse_request(request=pending, by=editor, reason=" Nous ne vous connaissons pas. ")

    pending.refresh_from_db()
    assert (pending.status, pending.reason, pending.decided_by) == (
        MembershipRequestStatus.REFUSED,
        "Nous ne vous connaissons pas.",
        editor,
    )
    assert Membership.objects.filter(user=pending.user).count() == 0


def test_withdraw_request_by_asker(pending, asker):
    domain.withdraw_request(request=pending, user=asker)

    pending.refresh_from_db()
    assert pending.status == MembershipRequestStatus.WITHDRAWN


def test_withdraw_request_by_someone_else_is_denied(pending, editor):
    with pytest.raises(PermissionDenied):
        domain.withdraw_request(request=pending, user=editor)


def test_withdrawn_request_cannot_be_accepted(pending, asker, editor):
    domain.withdraw_request(request=pending, user=asker)

    with pytest.raises(ValidationError):
        domain.accept_request(request=pending, by=editor)


def test_accept_invitation_closes_pending_request_of_same_person(structure, editor):
    asker = UserFactory(email="camille@exemple.fr")
    request = domain.request_membership(user=asker, structure=structure, role=MemberRole.MEDIATEUR)
    invitation = domain.invite_member(
        structure=structure, email="camille@exemple.fr", invited_by=editor, role=MemberRole.MEDIATEUR
    )

    domain.accept_invitation(invitation=invitation, user=asker)

    request.refresh_from_db()
    assert (request.status, request.decided_by) == (MembershipRequestStatus.ACCEPTED, editor)


def test_create_structure_stores_its_bassin(db):
    bassin = BassinFactory()

    structure = StructureFactory(bassin=bassin)

    assert StructurePage.objects.get(pk=structure.pk).bassin_id == bassin.pk
