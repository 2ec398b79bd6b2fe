"""Workflows across models: creating bassins and structures, and bringing people into them (invitations,
requests to join).

Each function is keyword-only and atomic; views, admin hooks, commands and tasks call these, never the ORM
steps one by one, so that every structure always has its groups and rights (and its image collection, from
creation or, for an imported one, from when it is first needed: `permissions.ensure_structure_collection`).
"""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from modelcluster.models import get_all_child_relations
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published

from . import emails
from .enums import REQUESTABLE_ROLES, MemberRole
from .models import (
    BassinPage,
    Coordination,
    Invitation,
    ItinerantStop,
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    StructurePage,
)
from .permissions import (
    can_decide_request,
    can_manage_structure,
    ensure_structure_collection,
    grant_bassin_permissions,
    grant_structure_permissions,
    grant_structures_permissions,
    sync_user_groups,
)
from .search_index import search_index_deferred, write_search_vectors


def _publish(page, user=None):
    page.save_revision(user=user, log_action=False).publish(user=user, log_action=False)
    return page


@transaction.atomic
def create_bassin(*, home, title: str, slug: str, user=None, **fields) -> BassinPage:
    """Create and publish a bassin under the home page, with its coordinators group and collection."""
    bassin = BassinPage(title=title, slug=slug, **fields)
    bassin.full_clean(exclude=["path", "depth", "url_path"])
    home.add_child(instance=bassin)
    grant_bassin_permissions(bassin)
    _publish(bassin, user)
    return bassin


@transaction.atomic
def create_structure(
    *, bassin: BassinPage, title: str, slug: str, user=None, publish=True, stops=(), **fields
):
    """Create a structure under its bassin, publish it, and grant its editors group its rights.

    `stops` is a list of dicts for `ItinerantStop` (commune, latitude, longitude…). With `publish=False` the
    page is a draft, invisible to the public until someone publishes it.
    """
    structure = StructurePage(title=title, slug=slug, live=publish, **fields)
    for index, stop in enumerate(stops):
        structure.stops.add(ItinerantStop(sort_order=index, **stop))
    structure.full_clean(exclude=["path", "depth", "url_path"])
    bassin.add_child(instance=structure)
    grant_structure_permissions(structure)
    if publish:
        _publish(structure, user)
    return structure


@transaction.atomic
def create_structures(*, bassin: BassinPage, structures: list[StructurePage]) -> list[StructurePage]:
    """Create many structures under one bassin, live, with their rights: `create_structure` for imports.

    Each ends as `create_structure` leaves one (a live page under its bassin, its groups, rights and review
    workflow), with three differences made for files of thousands of places:
    - no image collection yet: inserting it in Wagtail's collection tree cost a third of each place's
      queries, for places most of which never get a photo. It is created, with its groups' image rights,
      when first needed (`permissions.ensure_structure_collection`: the first member, the first admin edit);
      until then only the bassin's coordinators (whose rights cover the bassin's collection) edit the page.
    - no revision: the page's content is the imported row, kept in the file it came from; a revision would
      double every page for a history with one entry and nothing to go back to. The first edit in the
      admin makes the first revision, as for any page created without one.
    - the caller validates the fields (`StructurePage.clean_fields`, as `opendata.importer` does row by row
      to report each rejection); the slugs are checked here, in one query.

    Wagtail inserts a page in its tree one at a time (`add_child`). To keep that the only cost per page, a
    page is inserted as a draft (Wagtail then checks only its slug, already checked), the batch goes live in
    one UPDATE before the transaction commits (nobody ever sees the drafts), and the search indexes
    (Wagtail's and the directory's vectors), the reference index and the rights are written once for the
    batch. `page_published` is sent for each page, as a publication would, so that caches that listen to it
    (the orientation index…) are dropped.
    """
    structures = list(structures)
    taken = sorted(
        StructurePage.objects.filter(slug__in=[structure.slug for structure in structures]).values_list(
            "slug", flat=True
        )
    )
    if taken:
        raise ValidationError(
            _("Une autre structure du territoire utilise déjà l'adresse « %(slug)s ».") % {"slug": taken[0]},
            code="slug_taken",
        )
    with disable_reference_index_auto_update(), search_index_deferred():
        for structure in structures:
            structure.live = False
            bassin.add_child(instance=structure)
    now = timezone.now()
    published = {
        "live": True,
        "has_unpublished_changes": False,
        "first_published_at": now,
        "last_published_at": now,
    }
    Page.objects.filter(pk__in=[structure.pk for structure in structures]).update(**published)
    for structure in structures:
        for name, value in published.items():
            setattr(structure, name, value)
    grant_structures_permissions(bassin=bassin, structures=structures, image_collections=False)
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(StructurePage, structures)
    write_search_vectors(StructurePage.objects, structures)
    # The reference index reads every child relation of a page: read them once for the batch.
    relations = [relation.get_accessor_name() for relation in get_all_child_relations(StructurePage)]
    written = StructurePage.objects.filter(pk__in=[structure.pk for structure in structures])
    for structure in written.prefetch_related(*relations):
        ReferenceIndex.create_or_update_for_object(structure)
    for structure in structures:
        page_published.send(sender=StructurePage, instance=structure, revision=None)
    return structures


@transaction.atomic
def add_member(*, structure: StructurePage, user, role: str = MemberRole.EDITOR) -> Membership:
    """Give `user` a role in `structure` (or change it) and update their groups."""
    ensure_structure_collection(structure)
    membership, _created = Membership.objects.update_or_create(
        user=user, structure=structure, defaults={"role": role}
    )
    sync_user_groups(user)
    return membership


@transaction.atomic
def remove_member(*, structure: StructurePage, user) -> None:
    Membership.objects.filter(user=user, structure=structure).delete()
    sync_user_groups(user)


@transaction.atomic
def add_coordinator(*, bassin: BassinPage, user) -> Coordination:
    """Make `user` a coordinator of `bassin`: edits every structure of it and invites their editors."""
    if bassin.coordinators_group_id is None:
        grant_bassin_permissions(bassin)
    coordination, _created = Coordination.objects.get_or_create(user=user, bassin=bassin)
    sync_user_groups(user)
    return coordination


@transaction.atomic
def remove_coordinator(*, bassin: BassinPage, user) -> None:
    """Stop `user` coordinating `bassin`; the groups of their own memberships stay."""
    Coordination.objects.filter(user=user, bassin=bassin).delete()
    sync_user_groups(user)


@transaction.atomic
def invite_member(*, structure: StructurePage, email: str, invited_by, role: str = MemberRole.EDITOR):
    """Record an invitation and e-mail its link once the transaction commits.

    An open invitation (pending or expired, never accepted) for the same address and structure is revoked, so
    that only the newest link works and the members page lists one invitation per address.
    """
    if not can_manage_structure(invited_by, structure):
        raise PermissionDenied(_("Vous ne pouvez pas inviter de membres dans cette structure."))
    email = email.strip().lower()
    now = timezone.now()
    replaced = Invitation.objects.filter(
        structure=structure, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    for old in replaced:
        emails.cancel_invitation_email(old)
    replaced.update(revoked_at=now)
    invitation = Invitation.objects.create(structure=structure, email=email, role=role, invited_by=invited_by)
    emails.queue_invitation_email(invitation)
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation) -> None:
    """Make an open invitation's link stop working; its e-mail, if it has not left yet, never will."""
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    emails.cancel_invitation_email(invitation)


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> Membership:
    """Turn a pending invitation into a membership for `user`, who must own the invited address.

    Opening the e-mailed link proves the address, so it is marked verified for allauth too.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("Cette invitation a expiré ou a déjà été utilisée."), code="invitation_used")
    if user.email.strip().lower() != invitation.email.lower():
        raise ValidationError(
            _("Cette invitation a été envoyée à %(email)s : connectez-vous avec cette adresse."),
            code="invitation_email_mismatch",
            params={"email": invitation.email},
        )
    membership = add_member(structure=invitation.structure, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    emails.cancel_invitation_email(invitation)
    _mark_email_verified(user=user, email=invitation.email)
    # The person may have asked to join too: the invitation answers that request, deciders need not.
    answered = MembershipRequest.objects.pending().filter(user=user, structure=invitation.structure)
    for request in answered:
        emails.cancel_request_emails(request)
    answered.update(
        status=MembershipRequestStatus.ACCEPTED,
        decided_at=invitation.accepted_at,
        decided_by=invitation.invited_by,
    )
    return membership


def _mark_email_verified(*, user, email: str) -> None:
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=not has_primary)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


# Requests to join a structure ---------------------------------------------------------------------------


@transaction.atomic
def request_membership(*, user, structure: StructurePage, role: str, message: str = "") -> MembershipRequest:
    """Record that `user` asks to join `structure` in `role`, and e-mail those who may decide.

    Refused (ValidationError) when the person is already a member, already has a pending request there (the
    database enforces it too), or asks for a role that is given by invitation only.
    """
    if role not in REQUESTABLE_ROLES:
        raise ValidationError(_("Ce rôle ne peut pas être demandé."), code="role_not_requestable")
    if Membership.objects.filter(user=user, structure=structure).exists():
        raise ValidationError(_("Vous faites déjà partie de cette structure."), code="already_member")
    if MembershipRequest.objects.pending().filter(user=user, structure=structure).exists():
        raise ValidationError(
            _("Vous avez déjà une demande en attente pour cette structure."), code="request_pending"
        )
    request = MembershipRequest.objects.create(
        user=user, structure=structure, role=role, message=message.strip()
    )
    emails.queue_request_emails(request)
    return request


def _lock_pending(request: MembershipRequest) -> MembershipRequest:
    """Re-read the request under a row lock: two deciders clicking at once must not both decide."""
    locked = (
        MembershipRequest.objects.select_for_update().select_related("structure", "user").get(pk=request.pk)
    )
    if not locked.is_pending:
        raise ValidationError(_("Cette demande a déjà été traitée ou retirée."), code="request_not_pending")
    return locked


def _decide(request: MembershipRequest, *, status: str, by, reason: str = "") -> MembershipRequest:
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = by
    request.reason = reason
    request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    return request


@transaction.atomic
def accept_request(*, request: MembershipRequest, by) -> Membership:
    """Accept a pending request: the person becomes a member (groups follow) and is told by e-mail.

    Only those who manage the structure may (`can_decide_request`). If the person became a member in the
    meantime (an invitation), their current role is kept: accepting never lowers anyone's rights.
    """
    if not can_decide_request(by, request):
        raise PermissionDenied(_("Vous ne pouvez pas décider des demandes de cette structure."))
    request = _lock_pending(request)
    membership = Membership.objects.filter(user=request.user, structure=request.structure).first()
    if membership is None:
        membership = add_member(structure=request.structure, user=request.user, role=request.role)
    _decide(request, status=MembershipRequestStatus.ACCEPTED, by=by)
    emails.cancel_request_emails(request)
    emails.queue_decision_email(request)
    return membership


@transaction.atomic
def refuse_request(*, request: MembershipRequest, by, reason: str = "") -> MembershipRequest:
    """Refuse a pending request; the person receives the answer, with `reason` when one is given."""
    if not can_decide_request(by, request):
        raise PermissionDenied(_("Vous ne pouvez pas décider des demandes de cette structure."))
    request = _lock_pending(request)
    _decide(request, status=MembershipRequestStatus.REFUSED, by=by, reason=reason.strip())
    emails.cancel_request_emails(request)
    emails.queue_decision_email(request)
    return request


@transaction.atomic
def withdraw_request(*, request: MembershipRequest, user) -> MembershipRequest:
    """The person who asked takes their pending request back (nobody else may); nobody is e-mailed."""
    if request.user_id != user.pk:
        raise PermissionDenied(_("Seule la personne qui a fait la demande peut la retirer."))
    request = _lock_pending(request)
    request.status = MembershipRequestStatus.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    emails.cancel_request_emails(request)
    return request
