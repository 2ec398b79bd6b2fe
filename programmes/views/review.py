"""The coordinators' review list (`/pro/programmes/<slug>/examen/`): filter, score, accept in bulk.

Everyone sees only what `permissions.reviewable_contributions` gives them (a bassin coordinator, their
bassins' contributions; a cycle coordinator, the whole cycle); people who review nothing get a 403 page that
says so. Scores and acceptances are POST only (with CSRF) and go through `programmes.domain`, which checks the
right again: a crafted request cannot reach beyond what the list shows. The page runs the same number of
queries for 5 contributions as for 500.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Prefetch, Subquery, TextField
from django.db.models.functions import Cast
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from events import enums as event_enums
from events.recurrence import format_time
from network.fields import has_any
from network.text import french_date

from .. import domain, permissions
from ..enums import ContributionState
from ..models import Contribution, ContributionEvent, ContributionScore, CyclePage
from ..permissions import participant_required

# States a reviewer can accept from (`domain.STEPS["accept"]`): only these rows get a checkbox.
ACCEPTABLE_STATES = domain.STEPS["accept"].sources
# Where a POST sends the person back to: the list, with the filters they had.
RETURN_FIELD = "retour"
# Rows per page of the review list: a regional cycle gathers hundreds of proposals, and a table of them all
# was long to load and to go through with a screen reader; filters and the page stay in every link back.
REVIEW_PAGE_SIZE = 50


class ReviewFilterForm(forms.Form):
    """The review list's filters (GET). Unknown values are dropped rather than refused: these addresses are
    bookmarked and shared between coordinators, and a stale one should still show a list."""

    SORT_DATE = "date"
    SORT_SCORE = "note"

    bassin = forms.ChoiceField(label=gettext_lazy("Bassin de vie"), required=False)
    etat = forms.ChoiceField(label=gettext_lazy("État"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False)
    public = forms.ChoiceField(label=gettext_lazy("Public"), required=False)
    date = forms.ChoiceField(label=gettext_lazy("Date"), required=False)
    tri = forms.ChoiceField(
        label=gettext_lazy("Trier par"),
        required=False,
        choices=[(SORT_DATE, gettext_lazy("Date")), (SORT_SCORE, gettext_lazy("Note moyenne"))],
    )

    def __init__(self, data, *, cycle: CyclePage, bassins):
        super().__init__(data)
        everything = [("", _("Tous"))]
        self.fields["bassin"].choices = [("", _("Tous vos bassins"))] + [
            (bassin.slug, bassin.title) for bassin in bassins
        ]
        self.fields["etat"].choices = everything + [
            (value, label) for value, label in ContributionState.choices if value != ContributionState.DRAFT
        ]
        self.fields["theme"].choices = everything + list(event_enums.Theme.choices)
        self.fields["public"].choices = everything + list(event_enums.AtelierPublic.choices)
        self.fields["date"].choices = [("", _("Toutes"))] + [
            (day.isoformat(), french_date(day, "l j F")) for day in cycle.days()
        ]
        self.bassins = {bassin.slug: bassin for bassin in bassins}
        # Lenient: a value that is not a choice is dropped, so the form is always valid.
        self.data = self.data.copy()
        for name, form_field in self.fields.items():
            allowed = {str(value) for value, _label in form_field.choices}
            if self.data.get(name) not in allowed:
                self.data.pop(name, None)
        self.is_valid()

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name) or ""

    @property
    def sort(self) -> str:
        return self.value("tri") or self.SORT_DATE

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) for name in ("bassin", "etat", "theme", "public", "date"))

    def filter(self, contributions):
        if bassin := self.bassins.get(self.value("bassin")):
            contributions = contributions.in_bassin(bassin)
        if state := self.value("etat"):
            contributions = contributions.filter(state=state)
        if theme := self.value("theme"):
            contributions = contributions.filter(has_any("themes", [theme]))
        if public := self.value("public"):
            contributions = contributions.filter(has_any("publics", [public]))
        if day := self.value("date"):
            # `dates` is a JSON list of ISO dates; its text holds `"2027-10-12"` exactly when the day is one
            # of them (works alike on SQLite and PostgreSQL, which lack a common JSON containment).
            contributions = contributions.annotate(dates_text=Cast("dates", TextField())).filter(
                dates_text__contains=f'"{day}"'
            )
        return contributions


def reviewed_bassins(user, cycle: CyclePage) -> tuple[list, bool]:
    """The bassins of the cycle the user reviews, in name order (the bassin filter offers only these), and
    whether they review the whole cycle."""
    bassin_ids = permissions.reviewed_bassin_ids(user, cycle)
    territory = cycle.territory()
    if bassin_ids is None:
        return territory, True
    return [bassin for bassin in territory if bassin.pk in bassin_ids], False


def forbidden(request, cycle: CyclePage):
    return render(request, "programmes/pro/review_forbidden.html", {"cycle": cycle}, status=403)


def review_rows(user, contributions):
    """The list's rows in two queries: contributions with their scores and the user's own score, and the
    last line of each one's history (a sliced prefetch, one window query)."""
    own_score = ContributionScore.objects.filter(contribution=OuterRef("pk"), reviewer=user).values("value")
    last_event = Prefetch(
        "events",
        queryset=ContributionEvent.objects.select_related("author").order_by("-created_at", "-pk")[:1],
        to_attr="last_events",
    )
    return (
        contributions.with_scores()
        .annotate(my_score=Subquery(own_score[:1]))
        .select_related("structure")
        .prefetch_related(last_event)
    )


def _sorted(contributions, sort: str):
    by_date = ("first_date", "start_time", "title", "pk")
    if sort == ReviewFilterForm.SORT_SCORE:
        return contributions.order_by(F("score_average").desc(nulls_last=True), *by_date)
    return contributions.order_by(*by_date)


@participant_required
def review(request, slug):
    cycle = get_object_or_404(CyclePage, slug=slug)
    if not permissions.can_review_cycle(request.user, cycle):
        return forbidden(request, cycle)
    bassins, whole_cycle = reviewed_bassins(request.user, cycle)
    form = ReviewFilterForm(request.GET, cycle=cycle, bassins=bassins)
    contributions = form.filter(permissions.reviewable_contributions(request.user, cycle))
    page_obj = Paginator(
        _sorted(review_rows(request.user, contributions), form.sort), REVIEW_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    bassin_titles = {bassin.pk: bassin.title for bassin in bassins}
    for row in rows:
        row.bassin_title = bassin_titles.get(row.structure.bassin_id, "")
        row.last_event = row.last_events[0] if row.last_events else None
        row.acceptable = row.state in ACCEPTABLE_STATES
        row.hours = f"{format_time(row.start_time)} – {format_time(row.end_time)}"
    return render(
        request,
        "programmes/pro/review.html",
        {
            "cycle": cycle,
            "form": form,
            "rows": rows,
            "page_obj": page_obj,
            "result_count": page_obj.paginator.count,
            "elided_page_range": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1),
            "bassins": bassins,
            "whole_cycle": whole_cycle,
            "any_acceptable": any(row.acceptable for row in rows),
            "return_query": request.GET.urlencode(),
            "scores": range(1, 6),
        },
    )


def _back_to_list(request, cycle: CyclePage, anchor: str = ""):
    query = QueryDict(request.POST.get(RETURN_FIELD, "")).urlencode()
    url = reverse("programmes:review", kwargs={"slug": cycle.slug})
    return redirect(url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else ""))


@participant_required
@require_POST
def score(request, slug, pk):
    cycle = get_object_or_404(CyclePage, slug=slug)
    contribution = get_object_or_404(
        Contribution.objects.select_related("cycle", "structure"), pk=pk, cycle=cycle
    )
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = 0
    try:
        domain.score_contribution(contribution=contribution, by=request.user, value=value)
    except PermissionDenied:
        return forbidden(request, cycle)
    except ValidationError:
        messages.warning(request, _("Choisissez une note de 1 à 5."))
    else:
        messages.success(
            request,
            _("Votre note (%(value)s sur 5) est enregistrée pour « %(title)s ».")
            % {"value": value, "title": contribution.title},
        )
    return _back_to_list(request, cycle, anchor=f"contribution-{contribution.pk}")


@participant_required
@require_POST
def bulk_accept(request, slug):
    """Accept the ticked contributions, each on its own: one that cannot be accepted never blocks the others,
    and the message says which were not, and why."""
    cycle = get_object_or_404(CyclePage, slug=slug)
    if not permissions.can_review_cycle(request.user, cycle):
        return forbidden(request, cycle)
    wanted = {int(value) for value in request.POST.getlist("contributions") if value.isdigit()}
    if not wanted:
        messages.warning(request, _("Cochez au moins une contribution à accepter."))
        return _back_to_list(request, cycle)
    found = list(
        permissions.reviewable_contributions(request.user, cycle)
        .filter(pk__in=wanted)
        .select_related("cycle", "structure")
        .order_by("first_date", "start_time", "title", "pk")
    )
    accepted, refused = domain.bulk_accept(contributions=found, by=request.user)
    if accepted:
        messages.success(
            request,
            ngettext(
                "%(count)s contribution acceptée : elle entre au programme et la structure est prévenue.",
                "%(count)s contributions acceptées : elles entrent au programme et les structures sont "
                "prévenues.",
                len(accepted),
            )
            % {"count": len(accepted)},
        )
    unknown = len(wanted) - len(found)
    if refused or unknown:
        reasons = [
            _("« %(title)s » : %(reason)s") % {"title": contribution.title, "reason": reason.rstrip(".")}
            for contribution, reason in refused
        ]
        if unknown:
            reasons.append(
                ngettext(
                    "%(count)s contribution introuvable ou hors de votre périmètre",
                    "%(count)s contributions introuvables ou hors de votre périmètre",
                    unknown,
                )
                % {"count": unknown}
            )
        messages.warning(
            request,
            ngettext(
                "%(count)s contribution n'a pas été acceptée. %(reasons)s.",
                "%(count)s contributions n'ont pas été acceptées. %(reasons)s.",
                len(refused) + unknown,
            )
            % {"count": len(refused) + unknown, "reasons": " ; ".join(reasons)},
        )
    return _back_to_list(request, cycle)
