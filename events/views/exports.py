"""The agenda exported: iCalendar subscriptions (whole agenda, a bassin, a structure, an atelier) and JSON.

("Feeds", in Maillage, are the calendars structures publish elsewhere and Maillage reads, see `calendars`;
what this module serves are exports.) Every export starts from `Occurrence.objects.public()`, so
professionals-only ateliers and unpublished structures never leave the site, and reads the agenda's own
filters (`AgendaFilterForm`) from the query string: a filtered agenda page and its export share the same
address parameters.

iCal exports hold whole series: a series appears, with all its sessions, as soon as one of its sessions
within the horizon (thirty days ago to twelve months ahead, settings) matches the filters (calendar
applications cannot show "part of" a series, and a subscription must not lose a series when its sessions move
on). The agenda, bassin and structure exports hold at most `MAILLAGE_ICS_MAX_SERIES` series, so that their
size is bounded whatever a calendar brought in.

Calendar applications poll subscriptions every few minutes. Each export therefore answers a conditional
request (If-None-Match / If-Modified-Since) from one aggregate query, without building anything, and caches
the built body under its ETag. Query counts do not depend on the number of ateliers or sessions (see tests).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber, Substr
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag, urlencode
from django.utils.translation import gettext as _
from wagtail.models import Page, PageViewRestriction

from network.models import BassinPage, StructurePage
from outbox.links import absolute_url

from .. import enums
from ..forms import AgendaFilterForm
from ..ical.stored import calendar_body
from ..models import Atelier, Occurrence
from ..recurrence import PARIS, localize

MAX_AGE = 300
JSON_DEFAULT_LIMIT = 100
JSON_MAX_LIMIT = 500
ICAL_CONTENT_TYPE = "text/calendar; charset=utf-8"


def agenda_form(request) -> AgendaFilterForm:
    """The agenda's filters from the query string, loading only the bassins it names (one query at most).

    Communes are accepted as given: filtering on a commune that has no session simply yields nothing.
    """
    slugs = request.GET.getlist("bassin")
    bassins = list(BassinPage.objects.live().filter(slug__in=slugs).order_by("title")) if slugs else []
    form = AgendaFilterForm(request.GET, bassins=bassins, communes=request.GET.getlist("commune"))
    form.is_valid()  # Invalid values are dropped by the form; what remains is applied.
    return form


def _unrestricted(pages):
    """`pages` without those under a view restriction, in the same query.

    Wagtail's `.public()` first loads every restriction (one more query); an export's 304 answer is three
    queries, so the test is written as NOT EXISTS (a restriction on the page or on one of its ancestors: a
    page whose path is a prefix of this one's).
    """
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, F("page__depth") * Page.steplen)
    )
    return pages.filter(~Exists(restricted))


# An export reads its page's identity and place in the tree only: loading every column of a page (and building
# the model from them) was a third of a 304 answer.
EXPORT_PAGE_FIELDS = ("id", "title", "slug", "path", "depth", "live")


def _public_structure(slug):
    pages = _unrestricted(StructurePage.objects.live()).only(*EXPORT_PAGE_FIELDS)
    return get_object_or_404(pages, slug=slug)


def _bassin(slug):
    return get_object_or_404(_unrestricted(BassinPage.objects.live()).only(*EXPORT_PAGE_FIELDS), slug=slug)


def export_scope(*, bassin=None, structure=None):
    """The public ateliers an export draws from, before any filter on their sessions."""
    ateliers = Atelier.objects.public()
    if bassin is not None:
        ateliers = ateliers.in_bassin(bassin)
    if structure is not None:
        ateliers = ateliers.of_structure(structure)
    return ateliers


def ics_window(today) -> tuple[datetime, datetime]:
    """The documented horizon of the agenda, bassin and structure .ics: from `MAILLAGE_ICS_HISTORY_DAYS`
    ago to `MAILLAGE_ICS_HORIZON_MONTHS` ahead (aware, Europe/Paris midnights)."""
    since = today - timedelta(days=settings.MAILLAGE_ICS_HISTORY_DAYS)
    until = today + relativedelta(months=settings.MAILLAGE_ICS_HORIZON_MONTHS) + timedelta(days=1)
    return localize(datetime.combine(since, time.min)), localize(datetime.combine(until, time.min))


def exported_series(request, scope):
    """The series of `scope` having a session that matches the filters within the horizon (`ics_window`),
    at most `MAILLAGE_ICS_MAX_SERIES` of them, taken from each structure in turn, soonest first (its first
    session in the horizon): every structure's next series before any structure's second one.

    Why a cap: one calendar of tens of thousands of events would otherwise make every subscription of the
    region megabytes long; why in turn: so that such a calendar cannot push the others' series out. The
    sessions are read as a subquery over the (atelier, start) index, a few index seeks per series rather
    than a scan of every session of the year, and the whole choice is one query.
    """
    since, until = ics_window(timezone.localdate())
    matching = agenda_form(request).filter_occurrences(
        Occurrence.objects.filter(atelier=OuterRef("pk"), start__gte=since, start__lt=until)
    )
    soonest = [F("first_start").asc(), F("pk").asc()]
    chosen = (
        scope.annotate(first_start=Subquery(matching.order_by("start").values("start")[:1]))
        .filter(first_start__isnull=False)
        .annotate(turn=Window(RowNumber(), partition_by=[F("structure_id")], order_by=soonest))
        .order_by("turn", "first_start", "pk")
        .values("pk")[: settings.MAILLAGE_ICS_MAX_SERIES]
    )
    return scope.filter(pk__in=chosen)


# ---- conditional requests -----------------------------------------------------------------------------


def export_version(request, ateliers, scope: str) -> tuple[str, datetime]:
    """ETag and Last-Modified of an export, from one aggregate query over its scope (`export_scope`).

    Which series an export holds depends only on the ateliers of its scope, their session changes, the
    filters and the date: any edit of an atelier or of one of its sessions moves an `updated_at`; an atelier
    added, deleted, hidden or unpublished, or a session change deleted, moves a count; the query string and
    the date ("thirty days ago" moves) are part of the key. So the aggregate runs over the scope, without
    testing sessions: that keeps a 304 to a few milliseconds with 50,000 sessions (bench/agenda.py).
    """
    facts = ateliers.aggregate(
        atelier_count=Count("pk", distinct=True),
        override_count=Count("overrides", distinct=True),
        atelier_changed=Max("updated_at"),
        override_changed=Max("overrides__updated_at"),
        structure_changed=Max("structure__last_published_at"),
    )
    moments = [facts[key] for key in ("atelier_changed", "override_changed", "structure_changed")]
    last_modified = max((moment for moment in moments if moment), default=datetime(2000, 1, 1, tzinfo=UTC))
    query = sorted((key, value) for key, value in request.GET.lists() if key not in ("_",))
    key = repr((scope, timezone.localdate(), facts["atelier_count"], facts["override_count"], moments, query))
    return hashlib.sha256(key.encode()).hexdigest()[:32], last_modified.replace(microsecond=0)


def _with_validators(response, etag: str, last_modified: datetime):
    response["ETag"] = quote_etag(etag)
    response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def ical_response(request, ateliers, *, version_of, scope: str, name: str, filename: str) -> HttpResponse:
    """`ateliers`: the series to write, or a function returning them; `version_of`: the scope they come from,
    for ETag/Last-Modified.

    Pass a function when choosing the series costs something (the filter form, its EXISTS): a 304 or a
    cached body then never pays for it — a calendar application's poll is the common case by far.
    """
    etag, last_modified = export_version(request, version_of, scope)
    not_modified = get_conditional_response(
        request, etag=quote_etag(etag), last_modified=last_modified.timestamp()
    )
    if not_modified is not None:
        return _with_validators(not_modified, etag, last_modified)
    cache_key = f"maillage:ics:{etag}"
    body = cache.get(cache_key)
    if body is None:
        series = ateliers() if callable(ateliers) else ateliers
        body = calendar_body(series, name=name, base_url=absolute_url())
        cache.set(cache_key, body, MAX_AGE)
    response = HttpResponse(body, content_type=ICAL_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _with_validators(response, etag, last_modified)


# ---- iCalendar exports --------------------------------------------------------------------------------


def agenda_ics(request):
    scope = export_scope()
    return ical_response(
        request,
        lambda: exported_series(request, scope),
        version_of=scope,
        scope="agenda",
        name=_("Ateliers – Maillage"),
        filename="maillage-agenda.ics",
    )


def bassin_ics(request, slug):
    bassin = _bassin(slug)
    scope = export_scope(bassin=bassin)
    return ical_response(
        request,
        lambda: exported_series(request, scope),
        version_of=scope,
        scope=f"bassin:{bassin.pk}",
        name=_("Ateliers – %(bassin)s – Maillage") % {"bassin": bassin.title},
        filename=f"maillage-{bassin.slug}.ics",
    )


def structure_ics(request, slug):
    structure = _public_structure(slug)
    scope = export_scope(structure=structure)
    return ical_response(
        request,
        lambda: exported_series(request, scope),
        version_of=scope,
        scope=f"structure:{structure.pk}",
        name=_("Ateliers – %(structure)s – Maillage") % {"structure": structure.title},
        filename=f"maillage-{structure.slug}.ics",
    )


def atelier_ics(request, pk):
    """One series, for "Ajouter à mon agenda" (all its sessions, whatever their dates)."""
    atelier = get_object_or_404(Atelier.objects.public(), pk=pk)
    series = Atelier.objects.filter(pk=atelier.pk)
    return ical_response(
        request,
        series,
        version_of=series,
        scope=f"atelier:{atelier.pk}",
        name=atelier.title,
        filename=f"atelier-{atelier.pk}.ics",
    )


# ---- JSON ---------------------------------------------------------------------------------------------


def _positive_int(value, default: int, maximum: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    if number < 1:
        return default
    return min(number, maximum) if maximum else number


def occurrence_data(occurrence, *, request, bassin_slugs: dict[int, str], labels: dict) -> dict:
    """One session as the JSON export shows it.

    `id` is stable across edits (the series and the session's original start), unlike the row's primary
    key: rows are rebuilt whenever their atelier changes.
    """
    atelier = occurrence.atelier
    structure = atelier.structure
    recurrence_id = occurrence.recurrence_id.astimezone(PARIS)
    price_amount = atelier.price_amount
    return {
        "id": f"{atelier.pk}-{recurrence_id:%Y%m%dT%H%M}",
        "uid": atelier.uid,
        "title": occurrence.display_title,
        "summary": atelier.summary,
        "start": occurrence.start.astimezone(PARIS).isoformat(),
        "end": occurrence.end.astimezone(PARIS).isoformat(),
        # All day: `start` and `end` are the midnights around the day(s), `hours` says so in words.
        "all_day": atelier.all_day,
        "hours": occurrence.hours_label,
        "status": {"code": occurrence.status, "label": labels["status"][occurrence.status]},
        "cancelled": occurrence.is_cancelled,
        "moved": occurrence.is_moved,
        "note": occurrence.note,
        "url": absolute_url(atelier.get_absolute_url()),
        "ics": absolute_url(reverse("events:atelier_ics", kwargs={"pk": atelier.pk})),
        "structure": {
            "name": structure.title,
            "slug": structure.slug,
            "url": absolute_url(structure.get_url(request) or ""),
        },
        "bassin": bassin_slugs.get(structure.bassin_id),
        "commune": occurrence.commune,
        "place": occurrence.place_name,
        "address": occurrence.address,
        "latitude": occurrence.latitude,
        "longitude": occurrence.longitude,
        "themes": list(atelier.themes),
        "publics": list(atelier.publics),
        "level": atelier.level,
        "format": atelier.format,
        "free": atelier.is_free,
        "price": {
            "code": atelier.price,
            "label": labels["price"][atelier.price],
            "amount": None if price_amount is None else str(price_amount),
            "details": atelier.price_details,
        },
        "registration": {
            "mode": atelier.registration,
            "label": labels["registration"][atelier.registration],
            "details": atelier.registration_details,
        },
        "capacity": atelier.capacity,
        "places_left": occurrence.places_left,
    }


def agenda_json(request):
    """Sessions (not series) in start order, from today unless `du` says otherwise, `limite` per page."""
    occurrences = agenda_form(request).filter_occurrences(Occurrence.objects.public())
    if not request.GET.get("du"):
        occurrences = occurrences.between(timezone.localdate())
    limit = _positive_int(request.GET.get("limite"), JSON_DEFAULT_LIMIT, JSON_MAX_LIMIT)
    page = _positive_int(request.GET.get("page"), 1)
    count = occurrences.count()
    # A page past the last one is empty: it is never asked of the database, whose integers it may overflow.
    last_page = max(-(-count // limit), 1)
    rows = list(occurrences.for_listing()[(page - 1) * limit : page * limit]) if page <= last_page else []
    # Bassins are a few dozen: one small query maps a structure's bassin to its slug.
    bassin_slugs = dict(BassinPage.objects.live().values_list("pk", "slug")) if rows else {}
    # Translated once per request rather than per row (lazy labels cost on every access).
    labels = {
        name: {code: str(label) for code, label in choices.choices}
        for name, choices in (
            ("status", enums.Status),
            ("price", enums.Price),
            ("registration", enums.Registration),
        )
    }
    next_url = None
    if page * limit < count:
        query = request.GET.copy()
        query["page"] = page + 1
        next_url = absolute_url(f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}")
    response = JsonResponse(
        {
            "count": count,
            "next": next_url,
            "results": [
                occurrence_data(row, request=request, bassin_slugs=bassin_slugs, labels=labels)
                for row in rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
