"""What the agenda page says about its filters: quick date choices and the summary of active filters.

Both are plain links built from the current query string (the other filters kept, the page and period
dropped), so they work without JavaScript and can be shared like the rest of the agenda's addresses.
"""

from datetime import date, timedelta
from typing import NamedTuple

from django.utils.translation import gettext as _

from network.text import french_date

from ..forms import AgendaFilterForm

# Keys that name a period or a page of the current view: a new filter starts again from its beginning.
_RESET_KEYS = ("page", "semaine", "mois")


class FilterLink(NamedTuple):
    label: str
    url: str
    current: bool = False


def _url(request, **changes) -> str:
    """The current query string with `changes` (a list replaces, None removes), page, period and the empty
    fields a submitted form leaves (« du=&au= », a radius without a place) dropped."""
    query = request.GET.copy()
    for key in (*_RESET_KEYS, *[key for key, values in query.lists() if not any(values)]):
        query.pop(key, None)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        elif isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    if not any(query.get(key) for key in ("pres", "lat", "lon")):
        query.pop("rayon", None)  # a radius the form always sends, around nowhere
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


def quick_periods(request, form, today: date) -> list[FilterLink]:
    """« Cette semaine », « Ce week-end », « La semaine prochaine » (in time order): links setting `du` and
    `au`."""
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    periods = [
        (_("Cette semaine"), today, sunday),
        (_("Ce week-end"), max(today, monday + timedelta(days=5)), sunday),
        (_("La semaine prochaine"), monday + timedelta(days=7), sunday + timedelta(days=7)),
    ]
    return [
        FilterLink(
            label,
            _url(request, du=start.isoformat(), au=end.isoformat()),
            current=(form.start_date, form.end_date) == (start, end),
        )
        for label, start, end in periods
    ]


def active_filters(request, form) -> list[FilterLink]:
    """Each active filter, in words (« Thème : Démarches en ligne »), with the address that removes it."""
    cleaned = getattr(form, "cleaned_data", {})
    links = []
    if cleaned.get("q"):
        links.append(
            FilterLink(_("Recherche : « %(text)s »") % {"text": cleaned["q"]}, _url(request, q=None))
        )
    near = form.near
    if near is not None:
        if (cleaned.get("pres") or "").strip():
            label = _("Près de %(place)s (%(km)s km)") % {"place": near.label, "km": form.radius_km}
        else:
            label = _("Autour de votre position (%(km)s km)") % {"km": form.radius_km}
        links.append(FilterLink(label, _url(request, **dict.fromkeys(AgendaFilterForm.NEAR_KEYS))))
    for key, pattern in (("du", _("À partir du %(day)s")), ("au", _("Jusqu'au %(day)s"))):
        if cleaned.get(key):
            day = french_date(cleaned[key], "j F Y")
            links.append(FilterLink(pattern % {"day": day}, _url(request, **{key: None})))
    for name in AgendaFilterForm.CHOICE_GROUPS:
        values = cleaned.get(name) or []
        field = form.fields[name]
        labels = dict(field.choices)
        for value in values:
            rest = [other for other in values if other != value]
            links.append(
                FilterLink(
                    f"{field.label} : {labels.get(value, value)}", _url(request, **{name: rest or None})
                )
            )
    for name in AgendaFilterForm.FLAGS:
        if cleaned.get(name):
            links.append(FilterLink(str(form.fields[name].label), _url(request, **{name: None})))
    return links


def clear_filters_url(request) -> str:
    """The agenda with no filter at all, in the same view (a structure's own agenda stays its own)."""
    keep = {key: request.GET.getlist(key) for key in ("vue", "structure") if key in request.GET}
    query = request.GET.copy()
    query.clear()
    for key, values in keep.items():
        query.setlist(key, values)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path
