"""One VEVENT component read into a `ParsedEvent`: dates to Paris wall clock, rules, places, themes.

Split from `calendars.parse`, which cuts and batches the file; this module reads one event at a time.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

from events.recurrence import PARIS

from .categories import themes_for
from .types import Notes, ParsedEvent, skipped

STATUSES = {"CONFIRMED", "TENTATIVE", "CANCELLED"}
UNTIL_VALUE = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$", re.IGNORECASE)


def to_paris(value) -> datetime | None:
    """A DATE or DATE-TIME as naive Paris wall clock: aware ones converted, floating ones read as Paris."""
    if isinstance(value, tuple):  # PERIOD: its start
        value = value[0]
    if isinstance(value, datetime):
        return value.astimezone(PARIS).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime.combine(value, time())
    return None


def value_of(component, name: str):
    """The decoded value of a property, or None when absent or broken (icalendar keeps broken ones raw)."""
    prop = component.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0]
    try:
        return prop.dt if hasattr(prop, "dt") else prop
    except Exception:  # noqa: BLE001 - broken value
        return None


def text_of(component, name: str) -> str:
    prop = component.get(name)
    if isinstance(prop, list):
        prop = prop[0] if prop else None
    return str(prop).strip() if prop is not None else ""


def moments(component, name: str, start: datetime, all_day: bool) -> list[datetime]:
    """RDATE or EXDATE values, each line and comma list, in Paris wall clock, matched to the series' kind.

    A DATE on a timed series means the session of that day; a DATE-TIME on an all-day series, that day.
    """
    props = component.get(name)
    if props is None:
        return []
    result = set()
    for prop in props if isinstance(props, list) else [props]:
        try:
            values = [item.dt for item in prop.dts]
        except Exception:  # noqa: BLE001 - broken line: ignored, the series itself stays
            continue
        for value in values:
            moment = to_paris(value)
            if moment is None:
                continue
            if all_day:
                moment = datetime.combine(moment.date(), time())
            elif not isinstance(value, datetime) and not isinstance(value, tuple):
                moment = datetime.combine(moment.date(), start.time())
            result.add(moment)
    return sorted(result)


def local_rrule(component, dtstart, start: datetime) -> str:
    """The RRULE as text with UNTIL in Paris wall clock; "" when absent or unreadable (checked by dateutil).

    A floating UNTIL (Outlook, Apple) is in DTSTART's zone; a date-only UNTIL means the end of that day.
    """
    prop = component.get("RRULE")
    if isinstance(prop, list):
        prop = prop[0] if prop else None
    if prop is None:
        return ""
    parts = []
    for part in prop.to_ical().decode().split(";"):
        key, _sep, value = part.partition("=")
        if key.upper() == "UNTIL":
            match = UNTIL_VALUE.match(value)
            if not match:
                raise ValueError(value)
            day, clock, utc = match.groups()
            if clock is None:
                value = f"{day}T235959"
            else:
                until = datetime.strptime(day + clock, "%Y%m%d%H%M%S")
                if utc:
                    until = until.replace(tzinfo=UTC)
                elif isinstance(dtstart, datetime) and dtstart.tzinfo:
                    until = until.replace(tzinfo=dtstart.tzinfo)
                value = to_paris(until).strftime("%Y%m%dT%H%M%S")
        parts.append(f"{key.upper()}={value}")
    rule = ";".join(parts)
    if "BYEASTER" in rule.upper():  # a dateutil extension, not RFC 5545: calendar apps do not write it
        raise ValueError(rule)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rrulestr(rule, dtstart=start, ignoretz=True)
    return rule


def build_event(component, digest: str, notes: Notes) -> ParsedEvent | None:
    uid = text_of(component, "UID")
    summary = text_of(component, "SUMMARY")
    dtstart = value_of(component, "DTSTART")
    start = to_paris(dtstart)
    if start is None:
        skipped(notes, uid, summary, _("sa date de début est absente ou illisible"))
        return None
    all_day = not isinstance(dtstart, datetime)
    default = timedelta(days=1) if all_day else timedelta(hours=1)
    end = to_paris(value_of(component, "DTEND"))
    if end is None and isinstance(duration := value_of(component, "DURATION"), timedelta):
        end = start + duration
    if end is None or end < start or (all_day and end == start):
        end = start + default
    if not uid:
        uid = "sans-uid-" + hashlib.sha1((start.isoformat() + summary).encode()).hexdigest()
        notes.add(
            "no_uid",
            _(
                "L'événement « %(label)s » n'a pas d'identifiant (UID) : s'il change de date ou de titre, il "
                "sera importé comme un nouvel atelier. Vérifiez l'outil qui publie votre agenda."
            )
            % {"label": summary or _("sans titre")},
            uid,
        )
    try:
        rrule = local_rrule(component, dtstart, start)
    except Exception:  # noqa: BLE001 - an unreadable rule: the first session is still worth importing
        rrule = ""
        notes.add(
            "bad_rrule",
            _(
                "La règle de répétition de « %(label)s » est illisible : seule sa première séance est "
                "importée. Recréez la répétition dans votre agenda."
            )
            % {"label": summary or uid},
            uid,
        )
    recurrence_id = to_paris(value_of(component, "RECURRENCE-ID"))
    status = text_of(component, "STATUS").upper().replace("CANCELED", "CANCELLED")
    categories = category_list(component)
    description = text_of(component, "DESCRIPTION") or text_of(component, "X-ALT-DESC")
    return ParsedEvent(
        uid=uid,
        recurrence_id=recurrence_id,
        block_hash=digest,
        sequence=sequence_of(component),
        last_modified=utc_of(value_of(component, "LAST-MODIFIED")),
        start=start,
        end=end,
        all_day=all_day,
        rrule=rrule,
        rdates=moments(component, "RDATE", start, all_day),
        exdates=moments(component, "EXDATE", start, all_day),
        summary=summary,
        description=description,
        location=text_of(component, "LOCATION"),
        geo=geo_of(component),
        categories=categories,
        themes=themes_for(categories, summary),
        status=status if status in STATUSES else "CONFIRMED",
        url=text_of(component, "URL"),
    )


def sequence_of(component) -> int:
    try:
        return int(str(component.get("SEQUENCE", 0)).strip())
    except ValueError:
        return 0


def utc_of(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    return None


def geo_of(component) -> tuple[float, float] | None:
    try:
        geo = component.get("GEO")
        if geo is None:
            return None
        latitude, longitude = float(geo.latitude), float(geo.longitude)
    except Exception:  # noqa: BLE001 - a broken GEO only loses the map pin
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return (latitude, longitude)
    return None


def category_list(component) -> list[str]:
    props = component.get("CATEGORIES")
    if props is None:
        return []
    names: list[str] = []
    for prop in props if isinstance(props, list) else [props]:
        try:
            values = prop.cats
        except Exception:  # noqa: BLE001 - broken line
            continue
        for value in values:
            name = str(value).strip()
            if name and name not in names:
                names.append(name)
    return names
