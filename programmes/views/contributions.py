"""The structure side of a cycle, and each contribution's own page (its content, thread and next steps).

Every change is a POST (with CSRF) that goes through `programmes.domain`, which checks the right again; these
views only choose what to show. A contribution the person may not see answers 404, whoever they are, so that
no structure learns what another proposes; one they see but may not change answers 403.
"""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.recurrence import format_time
from network.models import member_name
from network.permissions import manageable_structures
from network.text import french_date

from .. import domain, permissions
from ..enums import ContributionState, EventKind
from ..forms import CommentForm, ContributionForm, StepForm
from ..models import CallState, Contribution, CyclePage
from ..permissions import participant_required

# Each step: the workflow function, the button's words and what the person is told once it is done.
STEP_FUNCTIONS = {
    "submit": domain.submit_contribution,
    "request_changes": domain.request_changes,
    "accept": domain.accept_contribution,
    "decline": domain.decline_contribution,
    "withdraw": domain.withdraw_contribution,
}
STEPS_WITH_MESSAGE = ("request_changes", "decline")


def step_label(step: str, contribution: Contribution) -> str:
    if step == "submit" and contribution.state == ContributionState.CHANGES_REQUESTED:
        return _("Renvoyer la proposition")
    return {
        "submit": _("Envoyer la proposition"),
        "request_changes": _("Demander des modifications"),
        "accept": _("Accepter la contribution"),
        "decline": _("Refuser la contribution"),
        "withdraw": _("Retirer la contribution"),
    }[step]


def step_done_message(step: str) -> str:
    return {
        "submit": _(
            "La proposition est envoyée à la coordination du cycle. Vous serez informé·e par e-mail."
        ),
        "request_changes": _("La demande de modifications est envoyée à la structure."),
        "accept": _(
            "La contribution est acceptée : elle paraît au programme et dans l'agenda de la structure."
        ),
        "decline": _("La contribution est refusée. La structure en est informée par e-mail."),
        "withdraw": _("La contribution est retirée du cycle."),
    }[step]


def _cycle(slug: str) -> CyclePage:
    return get_object_or_404(CyclePage.objects.live(), slug=slug)


def _visible(request, pk) -> Contribution:
    contribution = get_object_or_404(
        Contribution.objects.select_related(
            "cycle", "structure", "created_by", "created_by__member_profile", "atelier"
        ),
        pk=pk,
    )
    if not permissions.can_view(request.user, contribution):
        raise Http404
    return contribution


def _forbidden(request, reason: str, *, back_url: str = "", back_label: str = ""):
    return render(
        request,
        "programmes/pro/forbidden.html",
        {"reason": reason, "back_url": back_url, "back_label": back_label},
        status=403,
    )


def _cycle_url(name: str, cycle: CyclePage) -> str:
    return reverse(name, kwargs={"slug": cycle.slug})


def _call_state_label(cycle: CyclePage) -> str:
    return CallState(cycle.call_state()).label


# A cycle, seen from the structures ---------------------------------------------------------------------


@participant_required
def cycles(request):
    """Every live cycle with its call's state, and what the person can do in each."""
    user = request.user
    rows = []
    for cycle in CyclePage.objects.live().order_by("-start_date", "title"):
        rows.append(
            {
                "cycle": cycle,
                "call_state": _call_state_label(cycle),
                "can_propose": cycle.is_call_open()
                and permissions.contributing_structures(user, cycle).exists(),
                "mine": permissions.visible_contributions(user, cycle).count(),
                "can_review": permissions.can_review_cycle(user, cycle),
                "review_url": _cycle_url("programmes:review", cycle),
            }
        )
    return render(request, "programmes/pro/cycles.html", {"rows": rows})


@participant_required
def cycle(request, slug):
    """A person's space in one cycle: the call's dates, their structures' contributions, what comes next."""
    cycle = _cycle(slug)
    user = request.user
    structures = list(permissions.contributing_structures(user, cycle))
    managed = set(manageable_structures(user).values_list("pk", flat=True))
    contributions = list(permissions.visible_contributions(user, cycle).for_listing())
    for contribution in contributions:
        contribution.is_hosted_by_me = contribution.structure_id in managed
        contribution.hours_label = hours_label(contribution)
    can_review = permissions.can_review_cycle(user, cycle)
    return render(
        request,
        "programmes/pro/cycle.html",
        {
            "cycle": cycle,
            "call_state": _call_state_label(cycle),
            "call_code": cycle.call_state(),
            "call_open": cycle.is_call_open(),
            "structures": structures,
            "contributions": contributions,
            "can_review": can_review,
            "review_url": _cycle_url("programmes:review", cycle) if can_review else "",
            "coverage_url": _cycle_url("programmes:coverage", cycle) if can_review else "",
        },
    )


@participant_required
def propose(request, slug):
    """A new proposal: saved as a draft, or sent to the coordinators at once."""
    cycle = _cycle(slug)
    back_url = reverse("programmes:cycle", kwargs={"slug": cycle.slug})
    if not cycle.is_call_open():
        messages.warning(
            request,
            _("L'appel à contributions n'est pas ouvert : il court du %(opens)s au %(closes)s.")
            % {"opens": _day(cycle.call_opens), "closes": _day(cycle.call_closes)},
        )
        return redirect(back_url)
    if not permissions.contributing_structures(request.user, cycle).exists():
        return _forbidden(
            request,
            _(
                "Seules les personnes qui gèrent une structure du territoire du cycle peuvent proposer une "
                "contribution. Demandez à la ou au responsable de votre structure."
            ),
            back_url=back_url,
            back_label=_("Revenir au cycle"),
        )
    form = ContributionForm(request.POST or None, cycle=cycle, user=request.user)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            contribution = domain.create_contribution(
                cycle=cycle,
                structure=form.host,
                by=request.user,
                data=form.contribution_data(),
                co_organisers=form.chosen_co_organisers(),
                submit=submit,
            )
        except PermissionDenied:
            return _forbidden(request, _("Vous ne pouvez pas proposer de contribution pour cette structure."))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                step_done_message("submit")
                if submit
                else _(
                    "Le brouillon est enregistré. Envoyez-le avant le %(closes)s pour que la coordination "
                    "du cycle l'examine."
                )
                % {"closes": _day(cycle.call_closes)},
            )
            return redirect(contribution)
    return render(
        request,
        "programmes/pro/contribution_form.html",
        {
            "form": form,
            "cycle": cycle,
            "contribution": None,
            "buttons": [
                ("save", _("Enregistrer le brouillon"), "button--secondary"),
                ("submit", _("Envoyer la proposition"), "button--primary"),
            ],
        },
    )


@participant_required
def edit(request, pk):
    """The structure's changes: until the call closes, or afterwards when the coordinators ask for them."""
    contribution = _visible(request, pk)
    if not permissions.can_edit(request.user, contribution):
        return _forbidden(
            request,
            _("Seule la structure qui accueille la contribution peut la modifier."),
            back_url=contribution.get_absolute_url(),
            back_label=_("Revenir à la contribution"),
        )
    if not contribution.can_be_changed_by_structure():
        messages.warning(
            request,
            _(
                "Cette contribution ne peut plus être modifiée : l'appel est clos, ou elle a été retirée "
                "ou refusée. Écrivez à la coordination dans le fil de discussion si quelque chose change."
            ),
        )
        return redirect(contribution)
    cycle = contribution.cycle
    form = ContributionForm(request.POST or None, cycle=cycle, user=request.user, contribution=contribution)
    buttons = [("save", _("Enregistrer les modifications"), "button--primary")]
    if contribution.can_be_submitted() and contribution.state in (
        ContributionState.DRAFT,
        ContributionState.CHANGES_REQUESTED,
    ):
        label = (
            _("Enregistrer et renvoyer")
            if contribution.state == ContributionState.CHANGES_REQUESTED
            else _("Enregistrer et envoyer la proposition")
        )
        buttons = [("save", _("Enregistrer"), "button--secondary"), ("submit", label, "button--primary")]
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            # Saving and sending again are one decision: both happen, or neither.
            with transaction.atomic():
                changed = domain.update_contribution(
                    contribution=contribution,
                    by=request.user,
                    data=form.contribution_data(),
                    co_organisers=form.chosen_co_organisers(),
                )
                if submit:
                    domain.submit_contribution(contribution=contribution, by=request.user)
        except PermissionDenied:
            return _forbidden(request, _("Vous ne pouvez pas modifier cette contribution."))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if submit:
                messages.success(request, step_done_message("submit"))
            elif changed:
                messages.success(request, _("Les modifications sont enregistrées."))
            else:
                messages.info(request, _("Aucune modification : rien n'a changé."))
            return redirect(contribution)
    return render(
        request,
        "programmes/pro/contribution_form.html",
        {"form": form, "cycle": cycle, "contribution": contribution, "buttons": buttons},
    )


# One contribution: its page, its steps, its thread ----------------------------------------------------


def _render_detail(request, contribution: Contribution, *, step_form=None, comment_form=None, status=200):
    user = request.user
    can_review = permissions.can_review(user, contribution)
    events = contribution.events.select_related("author", "author__member_profile").order_by(
        "created_at", "pk"
    )
    if not can_review:
        # Scores are the reviewers' own notes.
        events = events.exclude(kind=EventKind.SCORED)
    events = list(events)
    for event in events:
        event.author_name = member_name(event.author) if event.author else _("Maillage (message automatique)")
        event.changed_labels = [_field_label(name) for name in event.changed_fields]
    steps = []
    for name in domain.allowed_steps(user, contribution):
        form = step_form if step_form is not None and step_form.step == name else StepForm(step=name)
        steps.append(
            {
                "name": name,
                "label": step_label(name, contribution),
                "form": form,
                "with_message": name in STEPS_WITH_MESSAGE,
            }
        )
    return render(
        request,
        "programmes/pro/contribution_detail.html",
        {
            "contribution": contribution,
            "cycle": contribution.cycle,
            "events": events,
            "steps": steps,
            "can_edit": permissions.can_edit(user, contribution)
            and contribution.can_be_changed_by_structure(),
            "can_comment": not contribution.is_draft,
            "comment_form": comment_form or CommentForm(),
            "co_organisers": list(contribution.co_organisers.order_by("title")),
            "themes": _labels(contribution, "themes"),
            "publics": _labels(contribution, "publics"),
            "needs": _labels(contribution, "needs"),
            "hours": hours_label(contribution),
            "author_name": member_name(contribution.created_by) if contribution.created_by else "",
            "review_url": _cycle_url("programmes:review", contribution.cycle) if can_review else "",
        },
        status=status,
    )


@participant_required
def contribution_detail(request, pk):
    """A contribution with its history and thread; 404 for anyone who may not see it (no existence leak)."""
    return _render_detail(request, _visible(request, pk))


@participant_required
@require_POST
def step(request, pk, step):
    """One step of the workflow (`domain.STEPS`), with its message; the domain decides if it is allowed."""
    if step not in domain.STEPS:
        raise Http404
    contribution = _visible(request, pk)
    form = StepForm(request.POST, step=step)
    if not form.is_valid():
        return _render_detail(request, contribution, step_form=form)
    try:
        STEP_FUNCTIONS[step](contribution=contribution, by=request.user, message=form.cleaned_data["message"])
    except PermissionDenied:
        return _forbidden(
            request,
            _("Vous ne pouvez pas faire cela pour cette contribution."),
            back_url=contribution.get_absolute_url(),
            back_label=_("Revenir à la contribution"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, step_done_message(step))
    return redirect(_next_url(request) or contribution.get_absolute_url())


@participant_required
@require_POST
def comment(request, pk):
    """A message in the contribution's thread; the other side is told by e-mail."""
    contribution = _visible(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, contribution, comment_form=form)
    try:
        domain.comment_on_contribution(
            contribution=contribution, by=request.user, message=form.cleaned_data["message"]
        )
    except PermissionDenied:
        return _forbidden(
            request,
            _("Le fil de discussion s'ouvre quand la proposition est envoyée."),
            back_url=contribution.get_absolute_url(),
            back_label=_("Revenir à la contribution"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre message est publié dans le fil de la contribution."))
    return redirect(f"{contribution.get_absolute_url()}#fil")


# Helpers -------------------------------------------------------------------------------------------------


def _next_url(request) -> str:
    """Where a step taken from another page (e.g. the review list) goes back to, if it is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _labels(contribution: Contribution, name: str) -> list[str]:
    return Contribution._meta.get_field(name).get_choices_display(getattr(contribution, name))


def _field_label(name: str) -> str:
    try:
        return str(Contribution._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def hours_label(contribution: Contribution) -> str:
    """« 14 h – 16 h », as the agenda writes hours."""
    return f"{format_time(contribution.start_time)} – {format_time(contribution.end_time)}"


def _day(value) -> str:
    return french_date(value, "j F Y")
