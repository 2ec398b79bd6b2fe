"""Ateliers out as iCalendar (RFC 5545): the exports people subscribe to and the "Ajouter à mon agenda" file.

One VEVENT per series, never one per session: a calendar application then shows the series as such, edits
made here (SEQUENCE) replace it as a whole, and an export of thousands of series stays small. Each
per-session change (`SessionOverride`) becomes a second VEVENT with the same UID and a RECURRENCE-ID, as the
RFC asks; its own title, when a calendar gave it one, is its SUMMARY.

Every VEVENT is an `icalendar.Event` and its text is icalendar's (escaping, folding, value types): no
content line is written here. Times are Europe/Paris wall clock with a TZID and the zone's VTIMEZONE, so that
a 14 h workshop stays at 14 h across clock changes in every client; an all-day series is written with
`VALUE=DATE` (DTSTART, DTEND, RDATE, EXDATE, RECURRENCE-ID, UNTIL), never as 00:00–00:00. UNTIL is stored in
local time in Maillage and converted to UTC here (RFC 5545 § 3.3.10: with a TZID on DTSTART, UNTIL must be
in UTC).

What must stay true: this module reads the ateliers it is given and their prefetched `overrides` (and
`structure`), and runs no query of its own, so an export costs the same number of queries whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vRecur

from .. import enums
from ..models import Atelier
from ..recurrence import localize, rule_moments, to_local_naive, wall_clock

PRODID = "-//Maillage//Agenda des ateliers de médiation numérique//FR"
TZID = "Europe/Paris"
# The VTIMEZONE lists the transitions between these dates: enough for every series an export can hold.
TIMEZONE_FIRST_DATE = date(2000, 1, 1)
PREREQUISITE_FLAGS = (
    "bring_smartphone",
    "bring_tablet",
    "bring_laptop",
    "needs_email",
    "needs_franceconnect",
)


@cache
def paris_timezone() -> Timezone:
    """Europe/Paris as a VTIMEZONE, built once per process (it is the same for every export)."""
    return Timezone.from_tzid(TZID, first_date=TIMEZONE_FIRST_DATE)


@lru_cache(maxsize=4096)
def utc_rrule(rrule: str, *, all_day: bool = False) -> vRecur:
    """The stored RRULE with its local UNTIL turned into UTC (`...Z`), as RFC 5545 requires with a TZID.

    A date-only UNTIL means "until the end of that day" in Maillage's editor: it becomes 23:59:59 local.
    An all-day series (DTSTART;VALUE=DATE) keeps UNTIL a date, as the RFC requires there. Many series share
    a rule, so each is converted once per process.
    """
    parts = []
    for part in filter(None, rrule.split(";")):
        key, _sep, value = part.partition("=")
        if key.upper() == "UNTIL" and all_day:
            value = value[:8]
        elif key.upper() == "UNTIL" and not value.endswith("Z"):
            if "T" in value:
                local = datetime.strptime(value, "%Y%m%dT%H%M%S")
            else:
                local = datetime.combine(datetime.strptime(value, "%Y%m%d").date(), time(23, 59, 59))
            value = localize(local).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        parts.append(f"{key}={value}")
    return vRecur.from_ical(";".join(parts))


def session_exists(atelier, local_start: datetime) -> bool:
    """Whether the series has a session starting at `local_start` (naive, wall clock).

    An override whose session was removed from the series (rule edited, EXDATE) is kept in the database
    but must not be exported: a RECURRENCE-ID that matches no instance confuses calendar applications.
    """
    schedule = atelier.schedule
    if local_start in schedule.exdates:
        return False
    if local_start in schedule.rdates or local_start == schedule.start:
        return True
    if not schedule.rrule or local_start < schedule.start:
        return False
    until = local_start + timedelta(hours=1)  # the clock-change rule moves a moment an hour forward at most
    return any(
        wall_clock(moment) == local_start for moment in rule_moments(schedule.rrule, schedule.start, until)
    )


def _location(*parts: str) -> str:
    return ", ".join(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


@lru_cache(maxsize=8)
def _texts(language: str) -> dict:
    """Every translated string and label a VEVENT needs, looked up once per language.

    gettext and lazy choice labels are slow to evaluate, and an export of thousands of series would
    evaluate each of them thousands of times.
    """
    return {
        "remote": _("À distance (en ligne)"),
        "organiser": _("Organisé par : %(structure)s"),
        "needs": _("Prérequis : %(needs)s"),
        "price": _("Tarif : %(price)s"),
        "registration": _("Inscription : %(registration)s"),
        "more": _("Plus d'informations : %(url)s"),
        "cancelled": _("[Annulé] %(title)s"),
        "full": _("[Complet] %(title)s"),
        "prices": {value: str(label) for value, label in enums.Price.choices},
        "registrations": {value: str(label) for value, label in enums.Registration.choices},
        "flags": {name: str(Atelier._meta.get_field(name).verbose_name) for name in PREREQUISITE_FLAGS},
    }


def texts() -> dict:
    return _texts(get_language() or "fr")


def atelier_location(atelier) -> str:
    if atelier.format == enums.Format.REMOTE:
        return texts()["remote"]
    return _location(
        atelier.place_label(), atelier.address or atelier.structure.adresse, atelier.place_commune()
    )


def atelier_description(atelier, url: str) -> str:
    """Plain text: what people need before going (what, prerequisites, registration, where to read more)."""
    words = texts()
    lines = []
    if atelier.summary:
        lines.append(atelier.summary)
    lines.append(words["organiser"] % {"structure": atelier.structure.title})
    needs = [label for name, label in words["flags"].items() if getattr(atelier, name)]
    if atelier.prerequisites:
        needs.insert(0, atelier.prerequisites)
    if needs:
        lines.append(words["needs"] % {"needs": " ; ".join(needs)})
    price = words["prices"].get(atelier.price, atelier.price)
    if atelier.price == enums.Price.PAYANT and atelier.price_amount is not None:
        price = f"{price} ({atelier.price_amount} €)"
    if atelier.price_details:
        price = f"{price} — {atelier.price_details}"
    lines.append(words["price"] % {"price": price})
    registration = words["registrations"].get(atelier.registration, atelier.registration)
    if atelier.registration_details:
        registration = f"{registration} : {atelier.registration_details}"
    lines.append(words["registration"] % {"registration": registration})
    lines.append(words["more"] % {"url": url})
    return "\n\n".join(lines)


# ---- VEVENTs, written by icalendar ----------------------------------------------------------------------


def _moment(atelier, local: datetime) -> datetime | date:
    """A session's start or end as written: a date for an all-day series (`VALUE=DATE`), else the aware
    Europe/Paris wall clock (icalendar writes it with `TZID=Europe/Paris`)."""
    local = to_local_naive(local)
    return local.date() if atelier.all_day else localize(local)


def atelier_url(atelier, base_url: str) -> str:
    return base_url + _atelier_path_template().replace(_PK_PLACEHOLDER, str(atelier.pk))


_PK_PLACEHOLDER = "987654321"


@cache
def _atelier_path_template() -> str:
    """`reverse` once per process rather than once per series of an export."""
    return reverse("events:atelier", kwargs={"pk": int(_PK_PLACEHOLDER)})


def _add_place(event: Event, location: str, coordinates) -> None:
    if location:
        event.add("location", location)
    if coordinates:
        event.add("geo", (float(coordinates[0]), float(coordinates[1])))


def series_event(atelier, *, base_url: str) -> Event:
    """The VEVENT of the whole series."""
    url = atelier_url(atelier, base_url)
    cancelled = atelier.status == enums.Status.CANCELLED
    event = Event()
    event.add("uid", atelier.uid)
    event.add("dtstamp", atelier.updated_at.astimezone(UTC))
    event.add("created", atelier.created_at.astimezone(UTC))
    event.add("last-modified", atelier.updated_at.astimezone(UTC))
    event.add("sequence", atelier.sequence)
    event.add("dtstart", _moment(atelier, atelier.first_start))
    event.add("dtend", _moment(atelier, atelier.first_start + atelier.duration))
    if atelier.rrule:
        event.add("rrule", utc_rrule(atelier.rrule, all_day=atelier.all_day))
    schedule = atelier.schedule
    if schedule.rdates:
        event.add("rdate", [_moment(atelier, moment) for moment in sorted(schedule.rdates)])
    if schedule.exdates:
        event.add("exdate", [_moment(atelier, moment) for moment in sorted(schedule.exdates)])
    event.add("summary", _summary(atelier.title, atelier.status))
    event.add("description", atelier_description(atelier, url))
    event.add("url", url)
    coordinates = atelier.coordinates() if atelier.format != enums.Format.REMOTE else None
    _add_place(event, atelier_location(atelier), coordinates)
    if atelier.themes:
        event.add("categories", list(atelier.themes))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _summary(title: str, status: str) -> str:
    """Many calendar applications ignore STATUS: a cancelled or full session says so in its title too."""
    if status == enums.Status.CANCELLED:
        return texts()["cancelled"] % {"title": title}
    if status == enums.Status.FULL:
        return texts()["full"] % {"title": title}
    return title


def override_event(atelier, override, *, base_url: str) -> Event:
    """The VEVENT of one changed session: same UID, RECURRENCE-ID = its original start in wall clock.

    Its status follows `events.occurrences.build_occurrences`: a cancelled series cancels every session,
    and an override's own status applies otherwise. Its SUMMARY is its own title when it has one.
    """
    original = localize(to_local_naive(override.original_start))
    if atelier.status == enums.Status.SCHEDULED or override.status == enums.Status.CANCELLED:
        status = override.status
    else:
        status = atelier.status
    start = override.new_start or original
    end = override.new_end if override.new_start and override.new_end else start + atelier.duration
    url = atelier_url(atelier, base_url)
    changed = max(atelier.updated_at, override.updated_at).astimezone(UTC)
    event = Event()
    event.add("uid", atelier.uid)
    event.add("recurrence-id", _moment(atelier, original))
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    # Raised by an edit of the series as well as of the session, so clients always take the new version.
    event.add("sequence", atelier.sequence + override.sequence)
    event.add("dtstart", _moment(atelier, start))
    event.add("dtend", _moment(atelier, end))
    event.add("summary", _summary(override.title or atelier.title, status))
    description = atelier_description(atelier, url)
    if override.note:
        description = f"{override.note}\n\n{description}"
    event.add("description", description)
    event.add("url", url)
    if override.place_name or override.commune:
        location = _location(override.place_name, override.address, override.commune)
        coordinates = (
            (override.latitude, override.longitude)
            if override.latitude is not None and override.longitude is not None
            else None
        )
    else:
        location = atelier_location(atelier)
        coordinates = atelier.coordinates() if atelier.format != enums.Format.REMOTE else None
    _add_place(event, location, coordinates)
    if atelier.themes:
        event.add("categories", list(atelier.themes))
    event.add("status", "CANCELLED" if status == enums.Status.CANCELLED else "CONFIRMED")
    return event


def atelier_events(atelier, *, base_url: str) -> list[Event]:
    """The series VEVENT followed by one VEVENT per override whose session still exists."""
    events = [series_event(atelier, base_url=base_url)]
    for override in sorted(atelier.overrides.all(), key=lambda item: item.original_start):
        if session_exists(atelier, to_local_naive(override.original_start)):
            events.append(override_event(atelier, override, base_url=base_url))
    return events


def calendar_header(*, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Subscribed calendars: ask clients to refresh a few times a day, not every minute.
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", timedelta(hours=6))
    calendar.add_component(paris_timezone())
    return calendar


def series_chunk(atelier, *, base_url: str) -> bytes:
    """The VEVENTs `atelier` contributes to an export, as icalendar writes them: its series, then its
    overrides. `events.ical.stored` keeps this text per series."""
    return b"".join(event.to_ical() for event in atelier_events(atelier, base_url=base_url))


def join_calendar(chunks: Iterable[bytes], *, name: str) -> bytes:
    """A VCALENDAR (header, VTIMEZONE) around series chunks already written by icalendar.

    A VCALENDAR's text is its properties, its components' texts one after the other, and its END line
    (what `Calendar.to_ical` writes): the stored chunks go where the components go.
    """
    header = calendar_header(name=name).to_ical()
    end = b"END:VCALENDAR\r\n"
    return header[: -len(end)] + b"".join(chunks) + end
