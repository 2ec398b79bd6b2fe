"""A weekly atelier in a winter of Vierzon, and its sessions as stored: what the session tests build on."""

from datetime import date, time

from events.models import Atelier, Occurrence
from tests.factories import AtelierFactory

# A Monday in winter, morning in Paris (the `clock` fixture stops time there).
TODAY = date(2027, 1, 11)


def weekly(structure, **fields) -> Atelier:
    values = {
        "structure": structure,
        "start_date": date(2027, 1, 12),
        "start_time": time(14),
        "end_time": time(16),
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "capacity": 10,
    }
    return AtelierFactory(**(values | fields))


def sessions(atelier):
    return list(Occurrence.objects.filter(atelier=atelier).order_by("recurrence_id"))
