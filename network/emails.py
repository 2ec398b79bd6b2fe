"""The network's e-mails: invitations, requests to join a structure (to those who decide), decisions (to the
person who asked).

Each is rendered here, in the transaction of the workflow that causes it, and put in the outbox
(`outbox.queue.queue_email`), which sends it once that transaction commits and retries it if the SMTP server
fails. French plain text with an HTML alternative, from `network/emails/`. Links are absolute
(`outbox.links.absolute_url`): an e-mail outlives the request that caused it. Each recipient gets their own
message, so that nobody learns the others' addresses.

Every e-mail is filed under its structure's topic ("structure:<id>/invitation:<id>"), so that an invitation
replaced or revoked, or a request withdrawn or decided, before its e-mail left takes that e-mail back.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext

from outbox.links import absolute_url
from outbox.queue import cancel_emails, queue_email

from .models import Invitation, MembershipRequest, MembershipRequestStatus, member_name
from .permissions import structure_managers


def invitation_topic(invitation: Invitation) -> str:
    return f"structure:{invitation.structure_id}/invitation:{invitation.pk}"


def request_topic(request: MembershipRequest) -> str:
    return f"structure:{request.structure_id}/membership-request:{request.pk}"


def queue_invitation_email(invitation: Invitation):
    """E-mail the invitation's link; it is not sent after the link expires."""
    context = {
        "invitation": invitation,
        "link": absolute_url(reverse("network:accept_invitation", kwargs={"token": invitation.token})),
        "structure": invitation.structure,
        "can_edit": invitation.grants_editing,
    }
    return queue_email(
        key=f"invitation:{invitation.pk}",
        reason="invitation",
        to=invitation.email,
        template="network/emails/invitation",
        context=context,
        topic=invitation_topic(invitation),
        expires_at=invitation.expires_at,
    )


def cancel_invitation_email(invitation: Invitation) -> int:
    return cancel_emails(
        topic=invitation_topic(invitation), reason=gettext("Invitation remplacée, annulée ou acceptée.")
    )


def request_recipients(request: MembershipRequest) -> list:
    """Who is told about a new request: the structure's editors and its bassin's coordinators.

    When the structure has neither yet, the site's administrators are, so that no request waits unseen.
    The person who asked is never among them.
    """
    people = list(structure_managers(request.structure).exclude(pk=request.user_id).exclude(email=""))
    if not people:
        people = list(
            get_user_model()
            .objects.filter(is_active=True, is_superuser=True)
            .exclude(pk=request.user_id)
            .exclude(email="")
            .order_by("pk")
        )
    return people


def queue_request_emails(request: MembershipRequest) -> int:
    """Tell the deciders that someone asks to join; returns how many e-mails were queued."""
    context = {
        "request": request,
        "structure": request.structure,
        "person": member_name(request.user),
        "decide_url": absolute_url(reverse("pro:requests")),
    }
    return sum(
        bool(
            queue_email(
                key=f"membership-request:{request.pk}:{person.pk}",
                reason="membership_request",
                to=person.email,
                user=person,
                template="network/emails/membership_request",
                context=context,
                topic=request_topic(request),
            )
        )
        for person in request_recipients(request)
    )


def cancel_request_emails(request: MembershipRequest) -> int:
    """A request withdrawn or decided before its e-mails left: the deciders need not hear of it."""
    return cancel_emails(topic=request_topic(request), reason=gettext("Demande déjà traitée ou retirée."))


def queue_decision_email(request: MembershipRequest):
    """Tell the person who asked what was decided (accepted or refused, with the reason if any)."""
    structure = request.structure
    context = {
        "request": request,
        "structure": structure,
        "accepted": request.status == MembershipRequestStatus.ACCEPTED,
        "pro_url": absolute_url(reverse("pro:home")),
        "edit_url": absolute_url(reverse("wagtailadmin_pages:edit", args=[structure.pk])),
        "structure_url": absolute_url(structure.url or "/"),
    }
    return queue_email(
        key=f"membership-decision:{request.pk}",
        reason="membership_decision",
        to=request.user.email,
        user=request.user,
        template="network/emails/membership_decision",
        context=context,
        topic=f"structure:{request.structure_id}/membership-decision:{request.pk}",
    )


def proposal_topic(task_state) -> str:
    return f"structure:{task_state.workflow_state.object_id}/proposal:{task_state.pk}"


def queue_proposal_emails(*, task_state, user) -> int:
    """Tell the structure's editors and its bassin's coordinators that a volunteer proposed a change of its
    page (`StructureApprovalTask`): nothing is published until one of them approves, so a proposal nobody
    hears of waits forever. Returns how many e-mails were queued."""
    structure = task_state.workflow_state.content_object.specific
    context = {
        "structure": structure,
        "person": member_name(user) if user else gettext("Une personne"),
        "review_url": absolute_url(reverse("wagtailadmin_pages:edit", args=[structure.pk])),
    }
    people = structure_managers(structure).exclude(email="")
    if user is not None:
        people = people.exclude(pk=user.pk)
    return sum(
        bool(
            queue_email(
                key=f"structure-proposal:{task_state.pk}:{person.pk}",
                reason="structure_proposal",
                to=person.email,
                user=person,
                template="network/emails/proposal",
                context=context,
                topic=proposal_topic(task_state),
            )
        )
        for person in people
    )


def cancel_proposal_emails(*, task_state) -> int:
    """Approved, rejected or withdrawn before its e-mails left: the reviewers need not hear of it."""
    return cancel_emails(topic=proposal_topic(task_state), reason=gettext("Proposition déjà traitée."))
