"""The public programme of a cycle, built from a request: its sessions, filtered, by day or by bassin, their
places on a map and as a list, the feeds that carry the same filters, and the links to share it.

The page (`CyclePage`) and its printable version both read `programme_context`. Sessions are the
materialised `Occurrence` rows of the ateliers that accepted contributions publish (`Contribution.atelier`):
a draft, a declined or a withdrawn contribution has no atelier, so it never shows. Everything is read in a
fixed number of queries (the territory, the communes, the sessions, their co-organisers): the page costs the
same with two sessions or two hundred (see tests/programmes/test_programme.py).

Filters are the agenda's own (`AgendaFilterForm`, the same query-string parameters), so a filtered programme
has an address that can be shared, and its iCal, JSON and widget links keep the filters and add `cycle=`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from urllib.parse import quote

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from events.forms import AgendaFilterForm
from events.models import Occurrence
from events.views.subscribe import subscribe_context
from network.models import StructurePage
from network.text import french_date
from outbox.links import absolute_url

from .enums import CallState

BY_DAY = "jours"
BY_BASSIN = "bassins"
VIEWS = (BY_DAY, BY_BASSIN)

# The filters that mean something for a programme. Contributions have no level and are all on site, and
# say nothing of price or accessibility yet: offering those filters would only lead to empty results. Their
# parameters still work (a shared address keeps them), and a filter in use is always shown, to be undone.
SHOWN_GROUPS = ("theme", "public", "bassin", "commune")
SHOWN_FLAGS = ("soir", "weekend", "places")


@dataclass
class Place:
    """Where sessions of the programme happen: one entry of the list of places, one marker on the map."""

    anchor: str
    name: str
    address: str
    commune: str
    latitude: float | None
    longitude: float | None
    sessions: list = field(default_factory=list)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class BassinGroup:
    """The sessions of one bassin of the territory (`bassin` is None for sessions outside it)."""

    bassin: object
    sessions: list

    @property
    def anchor(self) -> str:
        return f"bassin-{self.bassin.slug}" if self.bassin is not None else "bassin-autres"

    @property
    def title(self) -> str:
        return self.bassin.title if self.bassin is not None else _("Autres lieux")


# ---- sessions ------------------------------------------------------------------------------------------


def cycle_sessions(cycle):
    """Public sessions of the cycle's published ateliers (accepted contributions), before any filter."""
    if cycle.pk is None:  # A preview of a cycle not saved yet has no contribution.
        return Occurrence.objects.none()
    return Occurrence.objects.public().filter(atelier__contribution__cycle=cycle)


def cycle_communes(sessions) -> list[str]:
    """Communes where the cycle has a session: the commune filter offers nothing that leads nowhere."""
    return list(sessions.exclude(commune="").order_by("commune").values_list("commune", flat=True).distinct())


def programme_form(request, cycle, *, bassins, communes) -> AgendaFilterForm:
    """The agenda's filter form, on the cycle's territory; its date fields suggest the cycle's days.

    A `cycle` parameter in the address is ignored: this page is one cycle's, whatever the address says.
    """
    data = request.GET.copy()
    data.pop("cycle", None)
    form = AgendaFilterForm(data, bassins=bassins, communes=communes)
    for name in ("du", "au"):
        form.fields[name].widget.attrs.update(
            {"min": cycle.start_date.isoformat(), "max": cycle.end_date.isoformat()}
        )
    form.is_valid()  # Invalid values are dropped by the form; what remains is applied.
    return form


def shown_filters(form) -> tuple[list, list]:
    """(choice groups, flags) to display: those that make sense for a programme, and any one in use."""
    cleaned = getattr(form, "cleaned_data", {})
    groups = [
        form[name] for name in AgendaFilterForm.CHOICE_GROUPS if name in SHOWN_GROUPS or cleaned.get(name)
    ]
    flags = [form[name] for name in AgendaFilterForm.FLAGS if name in SHOWN_FLAGS or cleaned.get(name)]
    return groups, flags


def load_sessions(form, sessions) -> list:
    """The filtered sessions, in time order, with atelier, host and live co-organisers: three queries."""
    co_organisers = Prefetch(
        "atelier__co_organisers",
        queryset=StructurePage.objects.live().order_by("title").only("id", "title", "path", "depth"),
    )
    return list(form.filter_occurrences(sessions).for_listing().prefetch_related(co_organisers))


def group_by_day(sessions) -> list[tuple[date, list]]:
    return [(day, list(rows)) for day, rows in groupby(sessions, key=lambda row: row.local_date)]


def group_by_bassin(sessions, bassins) -> list[BassinGroup]:
    """Sessions under the bassin of their host, in the order of `bassins`; those elsewhere come last.

    Every bassin of `bassins` is listed, even without a session: the territory reads whole, and a reader
    sees at once that nothing is offered near them yet.
    """
    by_bassin = {bassin.pk: BassinGroup(bassin, []) for bassin in bassins}
    elsewhere = BassinGroup(None, [])
    for row in sessions:
        by_bassin.get(row.atelier.structure.bassin_id, elsewhere).sessions.append(row)
    groups = list(by_bassin.values())
    return [*groups, elsewhere] if elsewhere.sessions else groups


def places_of(sessions) -> list[Place]:
    """The distinct places of the sessions (a moved session counts at its new place), by commune and name."""
    places: dict[tuple, Place] = {}
    for row in sessions:
        latitude, longitude = row.latitude, row.longitude
        if latitude is None or longitude is None:
            latitude, longitude = row.atelier.coordinates() or (None, None)
        key = (row.place_name, row.address, row.commune, latitude, longitude)
        if key not in places:
            places[key] = Place("", row.place_name, row.address, row.commune, latitude, longitude)
        places[key].sessions.append(row)
    ordered = sorted(places.values(), key=lambda place: (place.commune.lower(), place.name.lower()))
    for number, place in enumerate(ordered, start=1):
        place.anchor = f"lieu-{number}"
    return ordered


def map_markers(places) -> list[dict]:
    """Markers of `static/js/maillage-map.js`; each leads to its place in the list (with its sessions)."""
    return [
        {
            "id": number,
            "name": place.name,
            "url": f"#{place.anchor}",
            "commune": place.commune,
            "lat": place.latitude,
            "lon": place.longitude,
        }
        for number, place in enumerate(places, start=1)
        if place.has_coordinates
    ]


# ---- links ---------------------------------------------------------------------------------------------


def filter_query(request, *, keep_view: bool = False) -> str:
    """The query string of the filters only: what a feed or the printable version must carry.

    Empty values (the date fields a form always sends) are left out: shared addresses stay short.
    """
    query = request.GET.copy()
    dropped = {
        "cycle",
        *(key for key in AgendaFilterForm.NON_FILTER_KEYS if not (keep_view and key == "vue")),
    }
    for key in list(query):
        values = [value for value in query.getlist(key) if value]
        if key in dropped or not values:
            query.pop(key)
        else:
            query.setlist(key, values)
    return query.urlencode()


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def feed_links(cycle, query: str) -> dict:
    """iCal (and « S'abonner »), JSON and widget addresses of the cycle's sessions, with its filters."""
    cycle_query = "&".join(part for part in (urlencode({"cycle": cycle.slug}), query) if part)
    subscribe_path = (cycle.url or "") + cycle.reverse_subpage("subscribe").lstrip("/")
    return {
        "ics_url": with_query(reverse("events:agenda_ics"), cycle_query),
        "subscribe_url": with_query(subscribe_path, query),
        "json_url": with_query(reverse("events:agenda_json"), cycle_query),
        "widget_help_url": with_query(reverse("events:widget_help"), cycle_query),
    }


def cycle_subscribe_context(request, cycle) -> dict:
    """« S'abonner » to the cycle's programme (`events/subscribe.html`), with the page's filters."""
    query = filter_query(request)
    cycle_query = "&".join(part for part in (urlencode({"cycle": cycle.slug}), query) if part)
    return subscribe_context(
        feed_path=with_query(reverse("events:agenda_ics"), cycle_query),
        name=cycle.display_title,
        heading=_("S'abonner au programme « %(name)s »") % {"name": cycle.display_title},
        back_url=with_query(cycle.url or "/", query),
        back_label=_("Retour au programme"),
    )


def share_links(url: str, title: str) -> list[dict]:
    """Plain links that open each service's own sharing page: no script, no tracker loaded here."""
    text = f"{title} — {url}"
    return [
        {
            "service": "email",
            "label": _("Par e-mail"),
            "url": f"mailto:?subject={quote(title)}&body={quote(text)}",
            "external": False,
        },
        {
            "service": "facebook",
            "label": "Facebook",
            "url": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
            "external": True,
        },
        {
            "service": "linkedin",
            "label": "LinkedIn",
            "url": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
            "external": True,
        },
        {
            "service": "whatsapp",
            "label": "WhatsApp",
            "url": "https://wa.me/?" + urlencode({"text": text}),
            "external": True,
        },
    ]


def call_for_contributions(cycle, today: date | None = None) -> dict:
    """What the page says of the call: its state in words, its dates, where to propose while it is open."""
    today = today or timezone.localdate()
    state = cycle.call_state(today)
    dates = {
        "opens": french_date(cycle.call_opens, "j F Y"),
        "closes": french_date(cycle.call_closes, "j F Y"),
    }
    if state == CallState.UPCOMING:
        text = _("L'appel à contributions ouvrira le %(opens)s et sera clos le %(closes)s.") % dates
    elif state == CallState.OPEN:
        text = _("L'appel à contributions est ouvert jusqu'au %(closes)s inclus.") % dates
    else:
        text = _("L'appel à contributions est clos depuis le %(closes)s.") % dates
    propose_url = (
        reverse("programmes:propose", kwargs={"slug": cycle.slug}) if state == CallState.OPEN else ""
    )
    return {
        "state": state,
        "label": CallState(state).label,
        "is_open": state == CallState.OPEN,
        "text": text,
        "propose_url": propose_url,
    }


# ---- the page ------------------------------------------------------------------------------------------


def programme_context(request, cycle, *, printable: bool = False) -> dict:
    """Everything the programme page (or, with `printable`, its A4 version) shows besides the cycle itself."""
    bassins = cycle.territory()
    scope = cycle_sessions(cycle)
    form = programme_form(request, cycle, bassins=bassins, communes=cycle_communes(scope))
    view = BY_BASSIN if request.GET.get("vue") == BY_BASSIN and not printable else BY_DAY
    sessions = load_sessions(form, scope)
    query = filter_query(request)
    page_url = cycle.get_url(request) or ""
    print_url = page_url + cycle.reverse_subpage("print").lstrip("/")
    context = {
        "form": form,
        "view": view,
        "sessions": sessions,
        "result_count": len(sessions),
        "days": group_by_day(sessions),
        "programme_url": page_url,
        "print_url": with_query(print_url, query),
        "call": call_for_contributions(cycle),
    }
    if printable:
        # Printed on a poster: the site's public address, never the request's host or the Site record's.
        context["full_programme_url"] = absolute_url(page_url)
        return context
    groups, flags = shown_filters(form)
    places = places_of(sessions)
    shared_url = with_query(absolute_url(page_url), filter_query(request, keep_view=True))
    context.update(
        {
            "filter_groups": groups,
            "filter_flags": flags,
            "bassin_groups": group_by_bassin(sessions, form.selected_bassins() or bassins)
            if view == BY_BASSIN
            else [],
            "places": places,
            "map_markers": map_markers(places),
            "shared_url": shared_url,
            "share_links": share_links(shared_url, cycle.display_title),
            **feed_links(cycle, query),
        }
    )
    return context
