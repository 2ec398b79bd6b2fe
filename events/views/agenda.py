"""Public agendas (region, bassin, structure) and the atelier page.

Agendas read materialised `Occurrence` rows only, atelier and structure joined in the same query, so the
number of SQL queries does not depend on the number of sessions (see the tests): the list view pages in the
database (one count, one page), the week and month views show at most a few sessions a day (a setting for
the week, three in the month) and fold the rest into a link to that day's list. So a page stays the same
size whatever a calendar brought in; its dates are kept within `FIRST_DAY`…`LAST_DAY`. Professionals-only
ateliers never reach these pages: every query starts from `Occurrence.objects.public()` /
`Atelier.objects.public()`.
Every filter and the view itself live in the query string, so any agenda can be shared, subscribed to (iCal)
or embedded.
"""

import calendar
import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Value
from django.db.models.functions import Coalesce, NullIf
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from network.models import BassinPage, StructurePage
from network.text import de_name, french_date

from .. import enums
from ..forms import AgendaFilterForm
from ..models import Atelier, Occurrence
from .agenda_filters import active_filters, clear_filters_url, quick_periods
from .agenda_pages import SessionPaginator

PAGE_SIZE = 30
MONTH_CELL_LIMIT = 3
VIEWS = ("liste", "semaine", "mois")
NEXT_SESSIONS = 10
# The periods the week and month views can show. Sessions exist from a year back to twelve months ahead
# (`events.occurrences`), so this is only a guard: a date typed in an address (« 9999-12-31 », « 0001-W01 »)
# is brought back into it instead of computing a neighbouring period that `datetime.date` cannot hold.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)

_WEEK_RE = re.compile(r"(\d{4})-W(\d{1,2})")
_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass
class Scope:
    """What one agenda covers: its sessions, its title, its exports and where it sits in the site."""

    title: str
    occurrences: object
    ateliers: object  # the same scope as ateliers (for the list of communes)
    ics_url: str
    subscribe_url: str
    json_params: dict = field(default_factory=dict)
    bassins: list = field(default_factory=list)
    breadcrumbs: list = field(default_factory=list)
    intro: str = ""


# ---- periods ----------------------------------------------------------------------------------------


def clamp_day(day: date) -> date:
    """`day` brought back between `FIRST_DAY` and `LAST_DAY`."""
    return min(max(day, FIRST_DAY), LAST_DAY)


def week_start(value: str | None, fallback: date) -> date:
    """The Monday of ISO week `value` ("2026-W50"), or of `fallback`'s week when `value` is not one; never
    outside `FIRST_DAY`…`LAST_DAY`, so that the previous and next weeks exist too."""
    match = _WEEK_RE.fullmatch(value or "")
    day = clamp_day(fallback)
    if match:
        with suppress(ValueError):  # a week 53 the year does not have
            day = clamp_day(date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1))
    return day - timedelta(days=day.weekday())


def week_code(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def month_start(value: str | None, fallback: date) -> date:
    """The first day of month `value` ("2026-12"), or of `fallback`'s month when `value` is not one; never
    outside `FIRST_DAY`…`LAST_DAY`."""
    match = _MONTH_RE.fullmatch(value or "")
    if match and 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(1)) <= 9998:
        return clamp_day(date(int(match.group(1)), int(match.group(2)), 1)).replace(day=1)
    return clamp_day(fallback).replace(day=1)


def month_code(first: date) -> str:
    return f"{first.year}-{first.month:02d}"


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# ---- building blocks ----------------------------------------------------------------------------------


def _communes(ateliers, today: date) -> list[str]:
    """Communes that have sessions ahead in this agenda: a commune without any would only lead nowhere.

    Read from the ateliers (their own commune, else their structure's) whose last session is not past:
    a DISTINCT over every session of the year, or an EXISTS per atelier, cost most of the page with
    50,000 sessions on PostgreSQL (bench/agenda.py). A session moved to another commune is not offered.
    At most `MAILLAGE_AGENDA_MAX_COMMUNES` are offered, those where the most structures, then the most
    ateliers, are: one calendar naming thousands of places can neither swell the page nor push out the
    communes where several lieux work. Shown in alphabetical order, accents aside.
    """
    places = (
        ateliers.filter(last_session_date__gte=today)
        .annotate(place=Coalesce(NullIf("commune", Value("")), "structure__commune"))
        .exclude(place="")
        .values("place")
        .annotate(structures=Count("structure", distinct=True), series=Count("pk"))
        .order_by("-structures", "-series", "place")
        .values_list("place", flat=True)[: settings.MAILLAGE_AGENDA_MAX_COMMUNES]
    )
    return sorted(places, key=lambda place: (_without_accents(place).casefold(), place))


def offered_communes(request, scope: Scope, today: date) -> tuple[list[str], bool]:
    """The communes the « Commune » filter offers, and whether choosing a bassin would offer more.

    Within a few bassins (a bassin's or a structure's agenda, the regional agenda of a territory of at most
    `MAILLAGE_AGENDA_COMMUNES_MAX_BASSINS` bassins): every commune with sessions ahead (`_communes`). At
    national scale, the communes of the chosen bassins only (when at most that many are chosen), plus those
    already in the address, so that a shared link keeps its filter. Why: `_communes` groups every series of
    the scope, a cost that grows with the country (hundreds of milliseconds for 200,000 series), for a list
    of thousands of communes that nobody could choose from; the same rule as the directory's.
    """
    limit = settings.MAILLAGE_AGENDA_COMMUNES_MAX_BASSINS
    if len(scope.bassins) <= limit:
        return _communes(scope.ateliers, today), False
    slugs = set(request.GET.getlist("bassin"))
    chosen = [bassin for bassin in scope.bassins if bassin.slug in slugs]
    communes = []
    if chosen and len(chosen) <= limit:
        communes = _communes(scope.ateliers.filter(structure__bassin__in=chosen), today)
    max_length = Occurrence._meta.get_field("commune").max_length
    asked = [name for name in request.GET.getlist("commune") if 0 < len(name) <= max_length]
    communes = set(communes) | set(asked[: settings.MAILLAGE_AGENDA_MAX_COMMUNES])
    return sorted(communes, key=lambda place: (_without_accents(place).casefold(), place)), not chosen


def _without_accents(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def filter_query(request) -> str:
    """The query string of the filters only (no view, period or page): what an export must carry."""
    query = request.GET.copy()
    for key in AgendaFilterForm.NON_FILTER_KEYS:
        query.pop(key, None)
    return query.urlencode()


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def group_by_day(occurrences) -> list[tuple[date, list]]:
    return [(day, list(sessions)) for day, sessions in groupby(occurrences, key=lambda o: o.local_date)]


def _list_context(request, form, sessions):
    if not form.start_date:
        sessions = sessions.upcoming(timezone.now())
    paginator = SessionPaginator(sessions, PAGE_SIZE, page_number=request.GET.get("page"))
    page_obj = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page_obj,
        "days": group_by_day(page_obj.object_list),
        "result_count": paginator.count,
        "result_count_capped": paginator.is_capped,
        "elided_page_range": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1),
    }


class AgendaDay(NamedTuple):
    """One day of the week or month view: its first sessions and how many more it has (folded)."""

    date: date
    sessions: list
    more: int = 0

    @property
    def iso(self) -> str:
        return self.date.isoformat()


def day_limit() -> int:
    """How many sessions a day of the week view shows before « voir les N autres » (a setting)."""
    return max(int(settings.MAILLAGE_AGENDA_DAY_LIMIT), 1)


def _first_sessions_by_day(sessions, first: date, last: date, limit: int) -> tuple[dict, int]:
    """The first `limit` sessions of each day from `first` to `last`, by day, and the period's total.

    Two queries whatever the number of sessions: the ids and day counts (`first_of_each_day`), then
    those sessions in full. A day with thousands of sessions costs `limit` rows.
    """
    ranked = (
        sessions.between(first, last).first_of_each_day(limit).values_list("pk", "local_date", "day_total")
    )
    totals, pks = {}, []
    for pk, day, day_total in ranked:
        totals[day] = day_total
        pks.append(pk)
    by_day = dict(group_by_day(sessions.filter(pk__in=pks))) if pks else {}
    return {day: (by_day.get(day, []), totals[day]) for day in totals}, sum(totals.values())


def first_busy_day(sessions, today: date) -> date:
    """The first day from `today` that has a session in `sessions`, else `today`: a week view asked for no
    week opens on one that has something to show, not on an empty or finished current week (one query)."""
    day = sessions.filter(local_date__gte=today).order_by("local_date").values_list("local_date", flat=True)
    return day.first() or today


def _week_context(request, form, sessions, today):
    fallback = form.start_date
    if not fallback and not _WEEK_RE.fullmatch(request.GET.get("semaine") or ""):
        fallback = first_busy_day(sessions, today)
    monday = week_start(request.GET.get("semaine"), fallback or today)
    sunday = monday + timedelta(days=6)
    limit = day_limit()
    by_day, total = _first_sessions_by_day(sessions, monday, sunday, limit)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        shown, day_total = by_day.get(day, ([], 0))
        days.append(AgendaDay(day, shown, day_total - len(shown)))
    return {
        "days": days,
        "result_count": total,
        "period_label": week_label(monday, sunday),
        "previous_week": week_code(monday - timedelta(days=7)),
        "next_week": week_code(monday + timedelta(days=7)),
        "current_week": week_code(monday),
    }


def week_label(monday: date, sunday: date) -> str:
    """« Semaine du 7 au 13 décembre 2026 »: the month and year written once when the week shares them, so
    that the line fits a phone's width; both years when the week straddles the new year."""
    if monday.year != sunday.year:
        start = french_date(monday, "j F Y")
    elif monday.month != sunday.month:
        start = french_date(monday, "j F")
    else:
        start = french_date(monday, "j")
    return _("Semaine du %(start)s au %(end)s") % {"start": start, "end": french_date(sunday, "j F Y")}


def _month_context(request, form, sessions, today):
    first = month_start(request.GET.get("mois"), form.start_date or today)
    last = _shift_month(first, 1) - timedelta(days=1)
    by_day, total = _first_sessions_by_day(sessions, first, last, MONTH_CELL_LIMIT)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        cells = []
        for day in week:
            shown, count = by_day.get(day, ([], 0)) if day.month == first.month else ([], 0)
            cells.append(
                {
                    "date": day,
                    "iso": day.isoformat(),
                    "in_month": day.month == first.month,
                    "is_today": day == today,
                    "shown": shown,
                    "more": count - len(shown),
                    "count": count,
                }
            )
        weeks.append(cells)
    return {
        "weeks": weeks,
        "result_count": total,
        "period_label": capfirst(date_format(first, "F Y")),
        "previous_month": month_code(_shift_month(first, -1)),
        "next_month": month_code(_shift_month(first, 1)),
        "current_month": month_code(first),
        "weekday_names": [capfirst(date_format(date(2024, 1, n), "l")) for n in range(1, 8)],
    }


def render_agenda(request, scope: Scope):
    today = timezone.localdate()
    communes, communes_need_bassin = offered_communes(request, scope, today)
    form = AgendaFilterForm(request.GET, bassins=scope.bassins, communes=communes)
    form.is_valid()  # Invalid values are dropped by the form; what remains is applied.
    view = request.GET.get("vue") if request.GET.get("vue") in VIEWS else "liste"
    sessions = form.filter_occurrences(scope.occurrences).for_listing()

    if view == "semaine":
        context = _week_context(request, form, sessions, today)
    elif view == "mois":
        context = _month_context(request, form, sessions, today)
    else:
        context = _list_context(request, form, sessions)

    query = filter_query(request)
    json_query = "&".join(part for part in (query, urlencode(scope.json_params)) if part)
    context.update(
        {
            "scope": scope,
            "form": form,
            "near": form.near,
            "communes_need_bassin": communes_need_bassin,
            "view": view,
            "agenda_url": request.path,
            "quick_periods": quick_periods(request, form, today),
            "active_filters": active_filters(request, form),
            "clear_filters_url": clear_filters_url(request),
            "ics_url": _with_query(scope.ics_url, query),
            "subscribe_url": _with_query(scope.subscribe_url, query),
            "json_url": _with_query(reverse("events:agenda_json"), json_query),
            "widget_help_url": _with_query(reverse("events:widget_help"), json_query),
        }
    )
    return render(request, "events/agenda.html", context)


# ---- views ------------------------------------------------------------------------------------------


def agenda(request):
    bassins = list(BassinPage.objects.live().public().order_by("title"))
    scope = Scope(
        title=_("Agenda des ateliers"),
        intro=_(
            "Les ateliers pour apprendre à se servir d'un ordinateur, d'un téléphone ou d'Internet, "
            "dans toute la région. Choisissez ce qui vous convient, puis affichez les ateliers."
        ),
        occurrences=Occurrence.objects.public(),
        ateliers=Atelier.objects.public(),
        ics_url=reverse("events:agenda_ics"),
        subscribe_url=reverse("events:agenda_subscribe"),
        bassins=bassins,
    )
    return render_agenda(request, scope)


def bassin_agenda(request, slug):
    bassin = get_object_or_404(BassinPage.objects.live().public(), slug=slug)
    scope = Scope(
        title=_("Agenda des ateliers — %(name)s") % {"name": bassin.title},
        intro=_("Les ateliers des lieux de ce bassin de vie."),
        occurrences=Occurrence.objects.public().in_bassins([bassin]),
        ateliers=Atelier.objects.public().in_bassin(bassin),
        ics_url=reverse("events:bassin_ics", kwargs={"slug": bassin.slug}),
        subscribe_url=reverse("events:bassin_subscribe", kwargs={"slug": bassin.slug}),
        json_params={"bassin": bassin.slug},
        breadcrumbs=[(bassin.title, bassin.url)],
    )
    return render_agenda(request, scope)


def structure_agenda(request, slug):
    structure = get_object_or_404(StructurePage.objects.live().public().select_related("bassin"), slug=slug)
    bassin = structure.bassin
    scope = Scope(
        title=_("Ateliers %(of_name)s") % {"of_name": de_name(structure.title)},
        intro=_("Les ateliers proposés par ce lieu."),
        occurrences=Occurrence.objects.public().of_structure(structure),
        ateliers=Atelier.objects.public().of_structure(structure),
        ics_url=reverse("events:structure_ics", kwargs={"slug": structure.slug}),
        subscribe_url=reverse("events:structure_subscribe", kwargs={"slug": structure.slug}),
        json_params={"structure": structure.slug},
        breadcrumbs=[(bassin.title, bassin.url), (structure.title, structure.url)],
    )
    return render_agenda(request, scope)


def _cycle_of(atelier):
    """The live cycle whose programme the atelier belongs to (an accepted contribution), else None."""
    try:
        contribution = atelier.contribution
    except ObjectDoesNotExist:
        return None
    cycle = contribution.cycle
    return cycle if cycle.live else None


def atelier_detail(request, pk):
    """The atelier page. Its cycle (when a contribution publishes it) comes in the atelier's own query, and
    its co-organisers cost a query only when it has some: a plain atelier stays at two queries (its structure
    and bassin come in the same query)."""
    co_organised = Atelier.co_organisers.through.objects.filter(atelier_id=OuterRef("pk"))
    atelier = get_object_or_404(
        Atelier.objects.public()
        .select_related("structure__bassin", "contribution__cycle")
        .annotate(has_co_organisers=Exists(co_organised)),
        pk=pk,
    )
    structure = atelier.structure
    co_organisers = (
        list(atelier.co_organisers.filter(live=True).order_by("title")) if atelier.has_co_organisers else []
    )
    sessions = list(atelier.occurrences.upcoming(timezone.now()).order_by("start")[:NEXT_SESSIONS])
    next_session = sessions[0] if sessions else None
    bassin = structure.bassin
    if next_session and next_session.latitude is not None and next_session.longitude is not None:
        coordinates = (next_session.latitude, next_session.longitude)
    else:
        coordinates = atelier.coordinates()
    place = {
        "name": next_session.place_name if next_session else atelier.place_label(),
        "address": next_session.address if next_session else (atelier.address or structure.adresse),
        "commune": next_session.commune if next_session else atelier.place_commune(),
        "postal_code": atelier.postal_code or ("" if atelier.address else structure.code_postal),
    }
    map_markers = []
    if coordinates and atelier.format != enums.Format.REMOTE:
        map_markers = [
            {
                "id": atelier.pk,
                "name": place["name"],
                "url": atelier.get_absolute_url(),
                "commune": place["commune"],
                "lat": coordinates[0],
                "lon": coordinates[1],
            }
        ]
    return render(
        request,
        "events/atelier_detail.html",
        {
            "atelier": atelier,
            "structure": structure,
            "cycle": _cycle_of(atelier),
            "co_organisers": co_organisers,
            "bassin": bassin,
            "sessions": sessions,
            "next_session": next_session,
            "place": place,
            "coordinates": coordinates,
            "map_markers": map_markers,
        },
    )
