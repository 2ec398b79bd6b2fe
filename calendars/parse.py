"""Structures' own iCal calendars read into plain events, ready for the feed sync to turn into ateliers.

Why it is built this way (see shared/research/ical-anchors.md for the measurements):

- icalendar costs about 1 ms per VEVENT, 100x a plain line scan. Feeds are polled again and again and mostly
  unchanged, so the file is first cut into VEVENT blocks by a cheap scan (`calendars.blocks`), each block
  is hashed (without DTSTAMP, which Google rewrites on every request), and only blocks whose hash the sync
  does not already know are handed to icalendar (`Calendar.from_ical`, public API only), a batch at a time,
  wrapped in a small VCALENDAR with the calendar's own properties (X-WR-TIMEZONE included, then applied by
  `x_wr_timezone`) and the VTIMEZONEs they use.
- One bad line must not cost a structure its whole agenda: icalendar rejects 29 of the 400 corpus files
  whole (several VCALENDARs, one broken VTIMEZONE, one inverted FREEBUSY...). A batch that raises is retried
  block by block, then without the VTIMEZONEs, then without the lines that are not content lines; what still
  fails is skipped with a French warning that names it.
- What icalendar reads is kept to what Maillage uses: the lines of properties it never reads (DTSTAMP,
  CREATED, ATTENDEE...) are left out, and so are the VTIMEZONEs of zones icalendar already knows by name
  (it would ignore them); a calendar whose X-WR-TIMEZONE is Paris is not walked by `x_wr_timezone`, since
  every date is brought to Paris wall clock anyway. The hashes are taken on the whole blocks.
- Ateliers are stored in Europe/Paris wall clock, so every date leaves here naive Paris time: floating times
  are read as Paris (or X-WR-TIMEZONE for Google), Windows zone names ("Romance Standard Time") are resolved
  by icalendar, and RRULE UNTIL, RDATE, EXDATE and RECURRENCE-ID written in any zone are converted too, so
  that the sync can compare them with the series' own sessions.

This module is pure: no database, no Django models; same bytes in, same result out.
"""

from __future__ import annotations

import hashlib
import re
import warnings
import zoneinfo
from datetime import date
from functools import cache

import x_wr_timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar.timezone import tzp

from .blocks import (
    CONTENT_LINE,
    FLOATING_START,
    TZID_PARAM,
    Scan,
    block_hash,
    decode,
    header_values,
    scan,
    split_blocks,
    unescape,
    without_unread_lines,
    zone_context,
)
from .limits import nearest_blocks, too_many_events
from .types import FeedWarning, Notes, NotICalendar, ParsedEvent, ParseResult, skipped
from .values import build_event, text_of

BATCH_SIZE = 50
BLOCKS = ("VEVENT", "VTIMEZONE")
FALLBACK_HEADER = "VERSION:2.0\nPRODID:-//Maillage//Import//FR"
PARIS_ZONE = "Europe/Paris"


@cache
def known_zones() -> frozenset[str]:
    """Zone names icalendar resolves by itself (its zoneinfo provider): it ignores their VTIMEZONEs."""
    return frozenset(zoneinfo.available_timezones())


def not_calendar_reason(text: str) -> str:
    start = text.lstrip()[:200].lower()
    if not start:
        return _("Ce fichier n'est pas un calendrier iCal : il est vide. Vérifiez l'adresse de l'agenda.")
    if start.startswith("<"):
        return _(
            "Ce fichier n'est pas un calendrier iCal : c'est une page web. Vérifiez que l'adresse mène au "
            "fichier .ics de votre agenda (souvent appelée « adresse iCal » ou « adresse secrète ») et non à "
            "sa page."
        )
    if start.startswith(("{", "[")):
        return _(
            "Ce fichier n'est pas un calendrier iCal : il contient des données JSON. Utilisez l'adresse iCal "
            "(.ics) de votre agenda."
        )
    return _(
        "Ce fichier n'est pas un calendrier iCal : il ne contient ni « BEGIN:VCALENDAR » ni événement. "
        "Vérifiez l'adresse de l'agenda."
    )


def parse_calendar(
    data: bytes,
    *,
    known_hashes: frozenset[str] | set[str] = frozenset(),
    max_events: int | None = None,
    today: date | None = None,
) -> ParseResult:
    """Events of the blocks not in `known_hashes`; the hashes of the others are reported as unchanged.

    Only the blocks not yet known are handed to icalendar: an unchanged re-sync costs a line scan and a
    hash per block, and a re-sync after a few changes costs what those few events cost. Past `max_events`
    blocks, only those nearest to `today` are kept (`calendars.limits`), before anything is parsed.
    """
    text = decode(data)
    found = scan(text)
    if not found.calendars and not found.events:
        raise NotICalendar(not_calendar_reason(text))
    header = header_values(found.header)
    notes = Notes()
    block_count = len(found.events)
    if max_events is not None and block_count > max_events:
        notes.add("too_many_events", too_many_events(block_count, max_events))
        found.events = nearest_blocks(found.events, limit=max_events, today=today or date.today())
    timezone_warnings(text, header, found, notes)
    if found.ignored:
        notes.add(
            "todo_ignored",
            _(
                "Votre agenda contient des tâches ou des notes : elles ne sont pas importées, seuls les "
                "événements deviennent des ateliers."
            ),
        )
    unchanged: set[str] = set()
    todo: dict[str, str] = {}
    # How a block reads also depends on the calendar's zone (X-WR-TIMEZONE) and its VTIMEZONEs: they are
    # folded into every block's hash, so a change there re-reads every event rather than none.
    context = zone_context(found.header, found.timezones)
    for block in found.events:
        digest = hashlib.sha256((context + block_hash(block, unfolded=True)).encode()).hexdigest()
        if digest in known_hashes:
            unchanged.add(digest)
        else:
            todo.setdefault(digest, block)
    events = read_events(found, todo, notes)
    return ParseResult(
        events=events,
        unchanged_hashes=unchanged,
        block_count=block_count,
        warnings=notes.items,
        calendar_name=unescape(header.get("X-WR-CALNAME", "")),
    )


def read_events(found: Scan, todo: dict[str, str], notes: Notes) -> list[ParsedEvent]:
    """The events of the `todo` blocks, in order, read by icalendar in batches of `BATCH_SIZE`.

    Each block's warnings are gathered apart and replayed in block order at the end, so that the warnings
    read the same whether a block was read in a batch or alone after its batch failed.
    """
    digests = list(todo)
    block_notes = [Notes() for _digest in digests]
    components: list[object] = []
    reader = Reader(found, notes)
    for offset in range(0, len(digests), BATCH_SIZE):
        batch = digests[offset : offset + BATCH_SIZE]
        results = reader.read([todo[digest] for digest in batch], batch)
        for index in range(offset, offset + len(batch)):
            reader.notes = block_notes[index]  # set before the block is read: its notes go with it
            _digest, component = next(results)
            components.append(component)
    events = []
    for digest, component, block_note in zip(digests, components, block_notes, strict=True):
        if component is not None and (event := read_event(component, digest, block_note)) is not None:
            events.append(event)
        for item in block_note.items:
            notes.add(item.code, item.message, item.uid)
    return events


def read_event(component, digest: str, notes: Notes) -> ParsedEvent | None:
    try:
        return build_event(component, digest, notes)
    except Exception as error:  # noqa: BLE001 - one odd value must not cost the whole feed
        reason = _("il est mal écrit (%(error)s)") % {"error": str(error)[:120]}
        skipped(notes, text_of(component, "UID"), text_of(component, "SUMMARY"), reason)
        return None


def timezone_warnings(text: str, header: dict[str, str], found: Scan, notes: Notes) -> None:
    """Zone problems are found on the whole text, so that they are reported even when no block changed."""
    if not header.get("X-WR-TIMEZONE") and any(FLOATING_START.search(block) for block in found.events):
        if "google" in header.get("PRODID", "").lower():
            message = _(
                "Votre agenda Google n'indique pas de fuseau horaire : nous avons lu les heures à l'heure de "
                "Paris. Dans Google Agenda, Paramètres > Fuseau horaire, choisissez « Heure d'Europe "
                "centrale - Paris » pour lever le doute."
            )
        else:
            message = _(
                "Votre agenda n'indique pas de fuseau horaire pour certains événements : nous avons lu leurs "
                "heures à l'heure de Paris. Réglez le fuseau horaire (Europe/Paris) dans les paramètres de "
                "votre agenda pour lever le doute."
            )
        notes.add("missing_timezone", message)
    names = {(quoted or plain).strip() for quoted, plain in TZID_PARAM.findall(text)}
    for name in sorted(names):
        if name in found.timezones or resolve_zone(name):
            continue
        if (
            "standard time" in name.lower()
            or "customized time zone" in name.lower()
            or "(utc" in name.lower()
        ):
            notes.add(
                "windows_timezone",
                _(
                    "Votre agenda Outlook utilise le fuseau « %(name)s », que nous ne reconnaissons pas : "
                    "ses heures ont été lues à l'heure de Paris. Dans Outlook, Paramètres > Calendrier, "
                    "choisissez le fuseau « (UTC+01:00) Bruxelles, Copenhague, Madrid, Paris »."
                )
                % {"name": name},
            )
        else:
            notes.add(
                "unknown_timezone",
                _(
                    "Le fuseau horaire « %(name)s » de votre agenda est inconnu : ses heures ont été lues à "
                    "l'heure de Paris. Choisissez le fuseau Europe/Paris dans les paramètres de votre agenda."
                )
                % {"name": name},
            )


def resolve_zone(name: str):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tzp.timezone(name) if name else None
    except Exception:  # noqa: BLE001 - any failure means "unknown zone"
        return None


class Reader:
    """Hands blocks to icalendar: in batches, then one by one with fewer and fewer risky parts."""

    def __init__(self, found: Scan, notes: Notes) -> None:
        self.found = found
        self.notes = notes
        # Of the calendar's own lines, icalendar is only given the one that changes how its events read
        # (X-WR-TIMEZONE, for `x_wr_timezone`): PRODID, METHOD, X-WR-CALNAME... are read by the line scan
        # (`header_values`) or not at all, and a re-sync hands icalendar a few events after them.
        zone_lines = [line for line in found.header if line[:13].upper() == "X-WR-TIMEZONE"]
        self.header = "\n".join([FALLBACK_HEADER, *zone_lines])
        wr = header_values(found.header).get("X-WR-TIMEZONE", "")
        self.bare_header = FALLBACK_HEADER + (f"\nX-WR-TIMEZONE:{wr}" if wr else "")

    def wrap(self, blocks: list[str], header: str, with_zones: bool) -> str:
        events = without_unread_lines("\n".join(blocks))
        zones = ""
        if with_zones:
            used = {(q or p).strip() for q, p in TZID_PARAM.findall(events)}
            needed = (used & self.found.timezones.keys()) - known_zones()
            zones = "".join(self.found.timezones[name] + "\n" for name in sorted(needed))
        return f"BEGIN:VCALENDAR\n{header}\n{zones}{events}\nEND:VCALENDAR\n"

    def parse(self, text: str, expected: int) -> list:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calendar = Calendar.from_ical(text)
            if calendar.get("X-WR-TIMEZONE") and str(calendar["X-WR-TIMEZONE"]).strip() != PARIS_ZONE:
                try:
                    calendar = x_wr_timezone.to_standard(calendar)
                except Exception:  # noqa: BLE001 - an unusable X-WR-TIMEZONE: times stay as written
                    self.notes.add(
                        "missing_timezone",
                        _(
                            "Le fuseau horaire « %(name)s » indiqué par votre agenda est inconnu : nous "
                            "avons lu les heures à l'heure de Paris."
                        )
                        % {"name": str(calendar.get("X-WR-TIMEZONE"))},
                    )
        components = [c for c in calendar.subcomponents if c.name == "VEVENT"]
        if len(components) != expected:
            raise ValueError("block count mismatch")
        return components

    def read(self, blocks: list[str], digests: list[str]):
        """(digest, component or None) for each block, in order."""
        try:
            components = self.parse(self.wrap(blocks, self.header, True), len(blocks))
        except Exception:  # noqa: BLE001 - icalendar raises many kinds; retry one by one
            components = None
        if components is not None:
            yield from zip(digests, components, strict=True)
            return
        for block, digest in zip(blocks, digests, strict=True):
            yield digest, self.read_one(block)  # None: unreadable, and noted

    def read_one(self, block: str):
        cleaned = "\n".join(line for line in block.split("\n") if CONTENT_LINE.match(line))
        attempts = (
            (block, self.header, True),
            (block, self.bare_header, False),
            (cleaned, self.bare_header, False),
            (cleaned, FALLBACK_HEADER, False),
        )
        error = None
        for text, header, with_zones in attempts:
            try:
                return self.parse(self.wrap([text], header, with_zones), 1)[0]
            except Exception as exc:  # noqa: BLE001 - next, more forgiving attempt
                error = exc
        uid = re.search(r"^UID[;:](?:[^:\n]*:)?(.*)$", block, re.MULTILINE | re.IGNORECASE)
        summary = re.search(r"^SUMMARY[;:](?:[^:\n]*:)?(.*)$", block, re.MULTILINE | re.IGNORECASE)
        skipped(
            self.notes,
            uid.group(1).strip() if uid else "",
            unescape(summary.group(1)) if summary else "",
            _("il est mal écrit (%(error)s)") % {"error": str(error)[:120]},
        )
        return None


__all__ = [
    "FeedWarning",
    "decode",
    "scan",
    "NotICalendar",
    "ParseResult",
    "ParsedEvent",
    "block_hash",
    "parse_calendar",
    "split_blocks",
]
