"""Ateliers out as iCalendar (RFC 5545): the feeds people subscribe to and the "Ajouter à mon agenda" file.

One VEVENT per series, never one per session: a calendar application then shows the series as such, edits
made here (SEQUENCE) replace it as a whole, and a feed of thousands of series stays small. Each per-session
change (`SessionOverride`) becomes a second VEVENT with the same UID and a RECURRENCE-ID, as the RFC asks.

Times are written in Europe/Paris wall clock with a TZID and the zone's VTIMEZONE, so that a 14 h workshop
stays at 14 h across clock changes in every client. UNTIL is stored in local time in Maillage and converted to
UTC here (RFC 5545 § 3.3.10: with a TZID on DTSTART, UNTIL must be in UTC).

What must stay true: this module reads the ateliers it is given and their prefetched `overrides` (and
`structure`), and runs no query of its own, so a feed costs the same number of queries whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache

from dateutil.rrule import rrulestr
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone, vRecur

from .. import enums
from ..models import Atelier
from ..recurrence import MAX_SESSIONS, localize, to_local_naive

PRODID = "-//Maillage//Agenda des ateliers de médiation numérique//FR"
TZID = "Europe/Paris"
# The VTIMEZONE lists the transitions between these dates: enough for every series a feed can hold.
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
    """Europe/Paris as a VTIMEZONE, built once per process (it is the same for every feed)."""
    return Timezone.from_tzid(TZID, first_date=TIMEZONE_FIRST_DATE)


def utc_rrule(rrule: str) -> vRecur:
    """The stored RRULE with its local UNTIL turned into UTC (`...Z`), as RFC 5545 requires.

    A date-only UNTIL means "until the end of that day" in Maillage's editor: it becomes 23:59:59 local.
    """
    parts = []
    for part in filter(None, rrule.split(";")):
        key, _sep, value = part.partition("=")
        if key.upper() == "UNTIL" and not value.endswith("Z"):
            if "T" in value:
                local = datetime.strptime(value, "%Y%m%dT%H%M%S")
            else:
                local = datetime.combine(datetime.strptime(value, "%Y%m%d").date(), time(23, 59, 59))
            value = localize(local).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        parts.append(f"{key}={value}")
    return vRecur.from_ical(";".join(parts))


@lru_cache(maxsize=4096)
def utc_rrule_text(rrule: str) -> str:
    """`utc_rrule` as written in a feed; many series share a rule, so it is computed once per rule."""
    return utc_rrule(rrule).to_ical().decode()


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
    rule = rrulestr(schedule.rrule, dtstart=schedule.start, ignoretz=True)
    for index, moment in enumerate(rule.xafter(schedule.start, inc=True)):
        if moment >= local_start or index >= MAX_SESSIONS:
            return moment == local_start
    return False


def _location(*parts: str) -> str:
    return ", ".join(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


@lru_cache(maxsize=8)
def _texts(language: str) -> dict:
    """Every translated string and label a VEVENT needs, looked up once per language.

    gettext and lazy choice labels cost tens of microseconds per call: on a feed of thousands of series
    they were a third of the build time.
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
        "flags": {
            name: str(Atelier._meta.get_field(name).verbose_name)
            for name in (
                "bring_smartphone",
                "bring_tablet",
                "bring_laptop",
                "needs_email",
                "needs_franceconnect",
            )
        },
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


# ---- writing content lines ----------------------------------------------------------------------------
# VEVENTs are written here rather than through icalendar's Event: its generic property machinery and line
# folding cost about a millisecond per series, a second for a bassin's feed. The output is plain RFC 5545
# and is read back with icalendar + recurring-ical-events in the tests (round trip).


def escape_text(value: str) -> str:
    """RFC 5545 § 3.3.11 TEXT: backslash, semicolon, comma and newline escaped."""
    # Chained replace() runs in C and beat str.translate by a factor of five on long descriptions.
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def fold(line: str) -> bytes:
    """Fold a content line at 75 octets (RFC 5545 § 3.1), never inside a UTF-8 character."""
    if len(line) <= 75 and line.isascii():
        return line.encode() + b"\r\n"
    data = line.encode()
    pieces, limit = [], 75
    while len(data) > limit:
        cut = limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            cut -= 1
        pieces.append(data[:cut])
        data, limit = data[cut:], 74  # continuation lines start with a space
    pieces.append(data)
    return b"\r\n ".join(pieces) + b"\r\n"


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def wall_clock(moment: datetime) -> str:
    """`20270330T140000`, the Europe/Paris wall clock of an aware or naive-local datetime."""
    return to_local_naive(moment).strftime("%Y%m%dT%H%M%S")


class VEvent:
    """A VEVENT being written: properties appended in order, serialized by `to_ical()`."""

    def __init__(self):
        self.lines = [b"BEGIN:VEVENT\r\n"]

    def raw(self, name: str, value: str, params: str = "") -> None:
        self.lines.append(fold(f"{name}{params}:{value}"))

    def text(self, name: str, value: str) -> None:
        self.raw(name, escape_text(value))

    def local(self, name: str, *moments: datetime) -> None:
        self.raw(name, ",".join(wall_clock(moment) for moment in moments), f";TZID={TZID}")

    def to_ical(self) -> bytes:
        return b"".join([*self.lines, b"END:VEVENT\r\n"])


def _geo(event: VEvent, coordinates) -> None:
    if coordinates:
        event.raw("GEO", f"{float(coordinates[0]):.6f};{float(coordinates[1]):.6f}")


def _categories(event: VEvent, themes) -> None:
    if themes:
        event.raw("CATEGORIES", ",".join(escape_text(theme) for theme in themes))


def atelier_url(atelier, base_url: str) -> str:
    return base_url + _atelier_path_template().replace(_PK_PLACEHOLDER, str(atelier.pk))


_PK_PLACEHOLDER = "987654321"


@cache
def _atelier_path_template() -> str:
    """`reverse` once: it cost a tenth of the build time when called for every series of a feed."""
    return reverse("events:atelier", kwargs={"pk": int(_PK_PLACEHOLDER)})


def series_event(atelier, *, base_url: str) -> VEvent:
    """The VEVENT of the whole series."""
    url = atelier_url(atelier, base_url)
    cancelled = atelier.status == enums.Status.CANCELLED
    event = VEvent()
    event.text("UID", atelier.uid)
    event.raw("DTSTAMP", utc_stamp(atelier.updated_at))
    event.raw("CREATED", utc_stamp(atelier.created_at))
    event.raw("LAST-MODIFIED", utc_stamp(atelier.updated_at))
    event.raw("SEQUENCE", str(atelier.sequence))
    event.local("DTSTART", atelier.first_start)
    event.local("DTEND", atelier.first_start + atelier.duration)
    if atelier.rrule:
        event.raw("RRULE", utc_rrule_text(atelier.rrule))
    schedule = atelier.schedule
    if schedule.rdates:
        event.local("RDATE", *sorted(schedule.rdates))
    if schedule.exdates:
        event.local("EXDATE", *sorted(schedule.exdates))
    event.text("SUMMARY", _summary(atelier.title, atelier.status))
    event.text("DESCRIPTION", atelier_description(atelier, url))
    event.raw("URL", url)
    location = atelier_location(atelier)
    if location:
        event.text("LOCATION", location)
    if atelier.format != enums.Format.REMOTE:
        _geo(event, atelier.coordinates())
    _categories(event, atelier.themes)
    event.raw("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    event.raw("TRANSP", "OPAQUE")
    return event


def _summary(title: str, status: str) -> str:
    """Many calendar applications ignore STATUS: a cancelled or full session says so in its title too."""
    if status == enums.Status.CANCELLED:
        return texts()["cancelled"] % {"title": title}
    if status == enums.Status.FULL:
        return texts()["full"] % {"title": title}
    return title


def override_event(atelier, override, *, base_url: str) -> VEvent:
    """The VEVENT of one changed session: same UID, RECURRENCE-ID = its original start in wall clock.

    Its status follows `events.occurrences.build_rows`: a cancelled series cancels every session, and an
    override's own status applies otherwise.
    """
    original = localize(to_local_naive(override.original_start))
    if atelier.status == enums.Status.SCHEDULED or override.status == enums.Status.CANCELLED:
        status = override.status
    else:
        status = atelier.status
    start = override.new_start or original
    end = override.new_end if override.new_start and override.new_end else start + atelier.duration
    url = atelier_url(atelier, base_url)
    changed = max(atelier.updated_at, override.updated_at)
    event = VEvent()
    event.text("UID", atelier.uid)
    event.local("RECURRENCE-ID", original)
    event.raw("DTSTAMP", utc_stamp(changed))
    event.raw("LAST-MODIFIED", utc_stamp(changed))
    # Raised by an edit of the series as well as of the session, so clients always take the new version.
    event.raw("SEQUENCE", str(atelier.sequence + override.sequence))
    event.local("DTSTART", start)
    event.local("DTEND", end)
    event.text("SUMMARY", _summary(atelier.title, status))
    description = atelier_description(atelier, url)
    if override.note:
        description = f"{override.note}\n\n{description}"
    event.text("DESCRIPTION", description)
    event.raw("URL", url)
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
    if location:
        event.text("LOCATION", location)
    _geo(event, coordinates)
    _categories(event, atelier.themes)
    event.raw("STATUS", "CANCELLED" if status == enums.Status.CANCELLED else "CONFIRMED")
    return event


def atelier_events(atelier, *, base_url: str) -> list[VEvent]:
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
    """The VEVENTs `atelier` contributes to a feed: its series, then its overrides."""
    return b"".join(event.to_ical() for event in atelier_events(atelier, base_url=base_url))


def join_calendar(chunks: Iterable[bytes], *, name: str) -> bytes:
    """A VCALENDAR (header, VTIMEZONE) around series chunks already serialized."""
    header = calendar_header(name=name).to_ical()
    end = b"END:VCALENDAR\r\n"
    return header[: -len(end)] + b"".join(chunks) + end


def calendar_bytes(ateliers: Iterable, *, name: str, base_url: str) -> bytes:
    """The serialized VCALENDAR of `ateliers` (their `structure` and `overrides` prefetched), built anew.

    Feeds go through `events.ical.stored.feed_body`, which keeps each series' chunk between requests.
    """
    return join_calendar((series_chunk(atelier, base_url=base_url) for atelier in ateliers), name=name)
