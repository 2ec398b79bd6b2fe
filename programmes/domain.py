"""Workflows of a contribution: create, edit, submit, ask for changes, accept, decline, withdraw, comment,
score. Each function is keyword-only and atomic: the state change, its history line, its e-mails (queued in
the outbox) and the published atelier commit together or not at all.

Who may act is checked here, not only in views (`programmes.permissions`), so that no path — view, bulk
action, command — can skip it: a refused action raises `PermissionDenied`, an action the state forbids raises
`TransitionError` with a message for the person.

    brouillon ──submit──▶ proposée ──accept──▶ acceptée
         │                  │  ▲  └─decline─▶ refusée
         │        request_changes │ submit (again)
         │                  ▼  │
         │             à modifier ──accept / decline──▶ …
         └──────── withdraw (from any state but refusée / retirée) ──▶ retirée
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from network.enums import EDITING_ROLES
from network.models import Coordination, Membership
from outbox.links import absolute_url
from outbox.queue import queue_email

from . import permissions
from .enums import ContributionState, EventKind
from .models import Contribution, ContributionEvent, ContributionScore, CyclePage
from .publishing import publish_contribution, unpublish_contribution

# Fields a structure fills in; every one of them is copied by the forms and compared for the history.
CONTENT_FIELDS = (
    "title",
    "summary",
    "description",
    "format",
    "themes",
    "publics",
    "dates",
    "start_time",
    "end_time",
    "at_host",
    "place_name",
    "address",
    "postal_code",
    "commune",
    "capacity",
    "registration",
    "registration_details",
    "needs",
    "needs_details",
)

S = ContributionState


class TransitionError(ValidationError):
    """The contribution's state (or the call's dates) forbids this step."""


@dataclass(frozen=True)
class Step:
    sources: frozenset
    target: str
    event: str
    side: str  # "structure" (its managers act) or "review" (its reviewers act)


STEPS = {
    "submit": Step(frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED, EventKind.SUBMITTED, "structure"),
    "request_changes": Step(
        frozenset({S.SUBMITTED, S.ACCEPTED}), S.CHANGES_REQUESTED, EventKind.CHANGES_REQUESTED, "review"
    ),
    "accept": Step(frozenset({S.SUBMITTED, S.CHANGES_REQUESTED}), S.ACCEPTED, EventKind.ACCEPTED, "review"),
    "decline": Step(
        frozenset({S.SUBMITTED, S.CHANGES_REQUESTED, S.ACCEPTED}), S.DECLINED, EventKind.DECLINED, "review"
    ),
    "withdraw": Step(
        frozenset({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.ACCEPTED}),
        S.WITHDRAWN,
        EventKind.WITHDRAWN,
        "structure",
    ),
}


def allowed_steps(user, contribution: Contribution, today=None) -> list[str]:
    """The steps `user` may take now on `contribution` (what the page offers as buttons)."""
    return [name for name in STEPS if _refusal(name, user, contribution, today) is None]


def _refusal(name: str, user, contribution: Contribution, today=None):
    step = STEPS[name]
    if step.side == "structure" and not permissions.can_edit(user, contribution):
        return PermissionDenied
    if step.side == "review" and not permissions.can_review(user, contribution):
        return PermissionDenied
    if contribution.state not in step.sources:
        return TransitionError(
            _("Une contribution « %(state)s » ne peut pas être %(step)s.")
            % {"state": contribution.get_state_display().lower(), "step": _step_label(name)},
            code="bad_state",
        )
    if name == "submit" and not contribution.can_be_submitted(today):
        return TransitionError(
            _("L'appel à contributions n'est pas ouvert : la proposition ne peut pas être envoyée."),
            code="call_not_open",
        )
    return None


def _step_label(name: str) -> str:
    return {
        "submit": _("proposée"),
        "request_changes": _("renvoyée pour modifications"),
        "accept": _("acceptée"),
        "decline": _("refusée"),
        "withdraw": _("retirée"),
    }[name]


def _check(name: str, user, contribution: Contribution) -> Step:
    refusal = _refusal(name, user, contribution)
    if refusal is PermissionDenied:
        raise PermissionDenied(_("Vous ne pouvez pas faire cela pour cette contribution."))
    if refusal is not None:
        raise refusal
    return STEPS[name]


def _locked(contribution: Contribution) -> Contribution:
    """Re-read the row under a lock: two coordinators clicking at once make two steps, never a mix."""
    return (
        Contribution.objects.select_for_update().select_related("cycle", "structure").get(pk=contribution.pk)
    )


def _record(contribution, *, kind, by, message="", changed_fields=()) -> ContributionEvent:
    return ContributionEvent.objects.create(
        contribution=contribution,
        kind=kind,
        author=by,
        message=message,
        state=contribution.state,
        changed_fields=list(changed_fields),
    )


# Recipients ----------------------------------------------------------------------------------------------


def structure_people(contribution: Contribution):
    """Who speaks for the host structure: its editors, and whoever wrote the proposal."""
    editors = Membership.objects.filter(structure=contribution.structure, role__in=EDITING_ROLES).values(
        "user"
    )
    condition = Q(pk__in=editors)
    if contribution.created_by_id:
        condition |= Q(pk=contribution.created_by_id)
    return get_user_model().objects.filter(condition, is_active=True).exclude(email="").order_by("pk")


def reviewers(contribution: Contribution):
    """Who reviews it: the cycle's coordinators and the host bassin's coordinators (else the superusers)."""
    people = (
        get_user_model()
        .objects.filter(
            Q(pk__in=contribution.cycle.coordinator_links.values("user"))
            | Q(pk__in=Coordination.objects.filter(bassin=contribution.structure.bassin_id).values("user")),
            is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
    )
    if people.exists():
        return people
    return get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="").order_by("pk")


def _notify(event: ContributionEvent, people, template: str, *, by=None) -> int:
    contribution = event.contribution
    context = {
        "contribution": contribution,
        "cycle": contribution.cycle,
        "structure": contribution.structure,
        "event": event,
        "author_name": _person(by),
        "contribution_url": absolute_url(contribution.get_absolute_url()),
    }
    queued = 0
    for person in people:
        if by is not None and person.pk == by.pk:
            continue
        queued += bool(
            queue_email(
                key=f"{template}:{event.pk}:{person.pk}",
                reason=template,
                to=person.email,
                user=person,
                template=f"programmes/emails/{template}",
                context=context,
                topic=email_topic(contribution.cycle, contribution),
            )
        )
    return queued


def email_topic(cycle: CyclePage, contribution: Contribution | None = None) -> str:
    """What the outbox files a programme's e-mail under: `Message.objects.about(email_topic(cycle))` finds
    every e-mail of the cycle, its contributions' included."""
    topic = f"cycle:{cycle.pk}"
    return f"{topic}/contribution:{contribution.pk}" if contribution is not None else topic


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


# Content ----------------------------------------------------------------------------------------------------


def _apply(contribution: Contribution, data: dict) -> list[str]:
    changed = []
    for name in CONTENT_FIELDS:
        if name in data and getattr(contribution, name) != data[name]:
            setattr(contribution, name, data[name])
            changed.append(name)
    return changed


def _set_co_organisers(contribution: Contribution, co_organisers) -> bool:
    wanted = {structure.pk for structure in co_organisers} - {contribution.structure_id}
    current = set(contribution.co_organisers.values_list("pk", flat=True))
    if wanted == current:
        return False
    contribution.co_organisers.set(wanted)
    return True


@transaction.atomic
def create_contribution(
    *, cycle: CyclePage, structure, by, data: dict, co_organisers=(), submit: bool = False
) -> Contribution:
    """A structure's new proposal, as a draft (or submitted at once when `submit`)."""
    if not permissions.can_manage_structure(by, structure) or not cycle.covers(structure):
        raise PermissionDenied(_("Vous ne pouvez pas proposer de contribution pour cette structure."))
    if cycle.call_state() == "clos":
        raise TransitionError(_("L'appel à contributions est clos."), code="call_closed")
    contribution = Contribution(cycle=cycle, structure=structure, created_by=by)
    _apply(contribution, data)
    contribution.save()
    _set_co_organisers(contribution, co_organisers)
    _record(contribution, kind=EventKind.CREATED, by=by)
    if submit:
        submit_contribution(contribution=contribution, by=by)
        contribution.refresh_from_db()
    return contribution


@transaction.atomic
def update_contribution(*, contribution: Contribution, by, data: dict, co_organisers=None) -> list[str]:
    """Save the structure's changes (an accepted one's atelier follows); returns the changed fields."""
    contribution = _locked(contribution)
    if not permissions.can_edit(by, contribution):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette contribution."))
    if not contribution.can_be_changed_by_structure():
        raise TransitionError(
            _(
                "Cette contribution ne peut plus être modifiée : l'appel est clos, "
                "ou elle a été retirée ou refusée."
            ),
            code="not_editable",
        )
    changed = _apply(contribution, data)
    contribution.save()
    if co_organisers is not None and _set_co_organisers(contribution, co_organisers):
        changed.append("co_organisers")
    if not changed:
        return []
    event = _record(contribution, kind=EventKind.EDITED, by=by, changed_fields=changed)
    if contribution.is_accepted:
        publish_contribution(contribution)
        _notify(event, reviewers(contribution), "contribution_edited", by=by)
    return changed


@transaction.atomic
def submit_contribution(*, contribution: Contribution, by, message: str = "") -> Contribution:
    contribution = _locked(contribution)
    step = _check("submit", by, contribution)
    resubmitted = contribution.state == S.CHANGES_REQUESTED
    contribution.state = step.target
    contribution.submitted_at = timezone.now()
    contribution.save(update_fields=["state", "submitted_at", "updated_at"])
    event = _record(contribution, kind=step.event, by=by, message=message)
    _notify(
        event,
        reviewers(contribution),
        "contribution_resubmitted" if resubmitted else "contribution_submitted",
        by=by,
    )
    _notify(event, structure_people(contribution), "contribution_received", by=None)
    return contribution


@transaction.atomic
def request_changes(*, contribution: Contribution, by, message: str) -> Contribution:
    """Send the proposal back to its structure with what to change (the message is required)."""
    if not message.strip():
        raise ValidationError(
            {"message": _("Dites à la structure ce qu'elle doit modifier.")}, code="required"
        )
    contribution = _locked(contribution)
    step = _check("request_changes", by, contribution)
    contribution.state = step.target
    contribution.save(update_fields=["state", "updated_at"])
    event = _record(contribution, kind=step.event, by=by, message=message)
    _notify(event, structure_people(contribution), "contribution_changes_requested", by=by)
    return contribution


@transaction.atomic
def accept_contribution(*, contribution: Contribution, by, message: str = "") -> Contribution:
    """Accept the proposal: it enters the programme as an atelier of the host (and its co-organisers)."""
    contribution = _locked(contribution)
    step = _check("accept", by, contribution)
    contribution.state = step.target
    contribution.decided_at = timezone.now()
    contribution.save(update_fields=["state", "decided_at", "updated_at"])
    publish_contribution(contribution)
    event = _record(contribution, kind=step.event, by=by, message=message)
    _notify(event, structure_people(contribution), "contribution_accepted", by=by)
    return contribution


@transaction.atomic
def decline_contribution(*, contribution: Contribution, by, message: str = "") -> Contribution:
    contribution = _locked(contribution)
    step = _check("decline", by, contribution)
    contribution.state = step.target
    contribution.decided_at = timezone.now()
    contribution.save(update_fields=["state", "decided_at", "updated_at"])
    unpublish_contribution(contribution)
    event = _record(contribution, kind=step.event, by=by, message=message)
    _notify(event, structure_people(contribution), "contribution_declined", by=by)
    return contribution


@transaction.atomic
def withdraw_contribution(*, contribution: Contribution, by, message: str = "") -> Contribution:
    contribution = _locked(contribution)
    step = _check("withdraw", by, contribution)
    was_draft = contribution.is_draft
    contribution.state = step.target
    contribution.save(update_fields=["state", "updated_at"])
    unpublish_contribution(contribution)
    event = _record(contribution, kind=step.event, by=by, message=message)
    if not was_draft:
        _notify(event, reviewers(contribution), "contribution_withdrawn", by=by)
    return contribution


@transaction.atomic
def comment_on_contribution(*, contribution: Contribution, by, message: str) -> ContributionEvent:
    """A message in the thread; the other side is told (reviewers when the structure writes, and back)."""
    if not message.strip():
        raise ValidationError({"message": _("Le message est vide.")}, code="required")
    if contribution.is_draft or not permissions.can_view(by, contribution):
        raise PermissionDenied(_("Vous ne pouvez pas écrire dans ce fil."))
    event = _record(contribution, kind=EventKind.COMMENT, by=by, message=message.strip())
    if permissions.can_review(by, contribution) and not permissions.can_edit(by, contribution):
        _notify(event, structure_people(contribution), "contribution_comment", by=by)
    else:
        _notify(event, reviewers(contribution), "contribution_comment", by=by)
    return event


@transaction.atomic
def score_contribution(*, contribution: Contribution, by, value: int) -> ContributionScore:
    if not permissions.can_review(by, contribution):
        raise PermissionDenied(_("Vous ne pouvez pas noter cette contribution."))
    if not 1 <= int(value) <= 5:
        raise ValidationError({"value": _("La note va de 1 à 5.")}, code="out_of_range")
    score, _created = ContributionScore.objects.update_or_create(
        contribution=contribution, reviewer=by, defaults={"value": int(value)}
    )
    _record(contribution, kind=EventKind.SCORED, by=by, message=str(int(value)))
    return score


def bulk_accept(*, contributions, by) -> tuple[list[Contribution], list[tuple[Contribution, str]]]:
    """Accept each contribution the user may accept, each in its own transaction.

    Returns (accepted, refused with the reason): one contribution that cannot be accepted (another state,
    another bassin) never blocks the others.
    """
    accepted, refused = [], []
    for contribution in contributions:
        try:
            accepted.append(accept_contribution(contribution=contribution, by=by))
        except PermissionDenied:
            refused.append((contribution, _("hors de votre périmètre")))
        except ValidationError as error:
            refused.append((contribution, " ".join(error.messages)))
    return accepted, refused
