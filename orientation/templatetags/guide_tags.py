"""Template helpers of the guided path's result: when a place opens, how to go there."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.horaires import PARIS, format_minutes_fr

from ..guide import how_to_go as _how_to_go

register = template.Library()

_WEEKDAYS = (
    gettext_lazy("lundi"),
    gettext_lazy("mardi"),
    gettext_lazy("mercredi"),
    gettext_lazy("jeudi"),
    gettext_lazy("vendredi"),
    gettext_lazy("samedi"),
    gettext_lazy("dimanche"),
)


@register.simple_tag
def opening_status(structure, now) -> dict:
    """`{"open": True|False|None, "next": "Ouvre demain à 9 h"|""}` for `structure` at `now`.

    Said in words relative to today (« aujourd'hui », « demain », « jeudi »): a person reads a slip or a
    screen at the desk, not a calendar."""
    is_open = structure.is_open_at(now)
    label = ""
    if is_open is False:
        opening = structure.opening_hours.next_opening_after(now)
        if opening is not None:
            label = next_opening_label(opening, now)
    return {"open": is_open, "next": label}


def next_opening_label(opening, now) -> str:
    today = now.astimezone(PARIS).date()
    local = opening.astimezone(PARIS)
    time = format_minutes_fr(local.hour * 60 + local.minute)
    if local.date() == today:
        return _("Ouvre aujourd'hui à %(time)s") % {"time": time}
    if local.date() == today + timedelta(days=1):
        return _("Ouvre demain à %(time)s") % {"time": time}
    return _("Ouvre %(day)s à %(time)s") % {"day": _WEEKDAYS[local.weekday()], "time": time}


@register.simple_tag
def how_to_go(structure, kiosk=False):
    return _how_to_go(structure, kiosk=bool(kiosk))
