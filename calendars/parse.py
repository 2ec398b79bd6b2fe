"""Structures' own iCal calendars read into plain events, ready for the feed sync to turn into ateliers.

Why it is built this way (see shared/research/ical-anchors.md for the measurements):

- icalendar costs about 1 ms per VEVENT, 100x a plain line scan. Feeds are polled again and again and mostly
  unchanged, so the file is first cut into VEVENT blocks by a cheap scan, each block is hashed (without
  DTSTAMP, which Google rewrites on every request), and only blocks whose hash the sync does not already know
  are handed to icalendar (`Calendar.from_ical`, public API only), a batch at a time, wrapped in a small
  VCALENDAR with the calendar's own properties (X-WR-TIMEZONE included) and the VTIMEZONEs they use.
  The block hashes are stored on the ateliers, so this cut and its hash must stay stable from one release
  to the next: a change here makes every calendar be read again once (harmless, but slow).
- One bad line must not cost a structure its whole agenda: icalendar rejects 29 of the 400 corpus files
  whole (several VCALENDARs, one broken VTIMEZONE, one inverted FREEBUSY...). A batch that raises is retried
  block by block, then without the VTIMEZONEs, then without the lines that are not content lines; what still
  fails is skipped with a French warning that names it.
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
from dataclasses import dataclass, field

import x_wr_timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar.timezone import tzp

from .types import FeedWarning, Notes, NotICalendar, ParsedEvent, ParseResult, skipped
from .values import build_event, text_of

BATCH_SIZE = 50
BLOCKS = ("VEVENT", "VTIMEZONE")
FALLBACK_HEADER = "VERSION:2.0\nPRODID:-//Maillage//Import//FR"

# Line patterns start with a literal "\n", not with `^` under re.MULTILINE: re then jumps from newline to
# newline instead of trying every offset, four to six times faster on a 40 kB calendar, and these patterns
# run over every byte of every feed every hour. A line at offset 0 is matched apart (`MARKER_AT_START`).
_MARKER = r"((?i:BEGIN|END))[ \t]*:[ \t]*([A-Za-z0-9-]+)[ \t]*(?=\n|\Z)"
MARKER = re.compile(r"\n" + _MARKER)
MARKER_AT_START = re.compile(_MARKER)
TZID_PARAM = re.compile(r';TZID=(?:"([^"]*)"|([^:;]*))', re.IGNORECASE)
FLOATING_START = re.compile(r"\n(?i:DTSTART(?:;VALUE=DATE-TIME)?):\d{8}T\d{6}[ \t]*(?=\n|\Z)")
DTSTAMP_LINE = re.compile(r"\n(?i:DTSTAMP)[;:][^\n]*")  # with the newline before it; see `block_hash`
CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+[;:]")
LONE_CR = re.compile(rb"\r(?!\n)")
FOLD = re.compile(rb"\n[ \t]")  # a folded line goes on after a newline and one space or tab


@dataclass
class Scan:
    """What the line scan finds: enough to hash blocks and wrap the changed ones, without icalendar."""

    header: list[str] = field(default_factory=list)
    timezones: dict[str, str] = field(default_factory=dict)  # TZID -> VTIMEZONE block
    events: list[str] = field(default_factory=list)
    calendars: int = 0
    ignored: int = 0  # VTODO / VJOURNAL


def decode(data: bytes) -> str:
    """Unfolded text with LF line ends; UTF-8 first, then the Windows encodings of old exports.

    Line ends and folds are handled on the bytes, before decoding, with single-byte and regex passes: a
    two-byte `replace` costs three to four times as much on a 40 kB calendar, and this runs on every
    changed feed every hour. Unfolding first also mends a UTF-8 character that a producer folded in two.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:
        if LONE_CR.search(data) is None:  # CRLF, the standard: the CRs go
            data = data.translate(None, b"\r")
        else:  # old Mac exports end lines with CR alone
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    data = FOLD.sub(b"", data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return text.lstrip("\ufeff")


def scan(text: str) -> Scan:
    """Cut unfolded text into header lines, VTIMEZONE and VEVENT blocks with one regex pass over BEGIN/END.

    Producers get nesting wrong (a missing END:VEVENT, an END:VCALENDAR inside an event): a block then ends
    where the next one starts, so that one missing line costs at most one event. The loop runs for every
    BEGIN/END line of every changed feed, hence its plain tests (`stack[-1] == name` before searching the
    stack, lengths before list comparisons) instead of slices and copies.
    """
    result = Scan()
    events = result.events
    header: list[str] = []
    stack: list[str] = []
    header_from: int | None = None  # offset where a stretch of the calendar's own properties starts
    block_start: int | None = None
    block_name, block_depth = "", 0
    for kind, name, start, end in _markers(text):
        if header_from is not None:
            result.header.extend(text[header_from:start].split("\n"))
            header_from = None
        if kind == "BEGIN":
            if block_start is not None and name in ("VEVENT", "VTIMEZONE", "VCALENDAR"):
                _close(result, events, text[block_start:start], block_name)  # the previous one lacks its END
                block_start = None
                del stack[block_depth:]
            stack.append(name)
            if name == "VCALENDAR":
                result.calendars += 1
                header_from = end
            elif (
                block_start is None
                and (name == "VEVENT" or name == "VTIMEZONE")
                and (len(stack) == 1 or (len(stack) == 2 and stack[0] == "VCALENDAR"))
            ):
                block_start, block_name, block_depth = start, name, len(stack) - 1
            elif name in ("VTODO", "VJOURNAL"):
                result.ignored += 1
            continue
        if stack and stack[-1] == name:
            stack.pop()
        elif name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(name) :]
        else:
            continue
        if block_start is not None and len(stack) <= block_depth:
            _close(result, events, text[block_start : end if name == block_name else start], block_name)
            block_start = None
        if len(stack) == 1 and stack[0] == "VCALENDAR":
            header_from = end
    if block_start is not None:
        _close(result, events, text[block_start:], block_name)
    if header_from is not None:
        result.header.extend(text[header_from:].split("\n"))
    names: set[str] = set()
    for line in result.header:  # several VCALENDARs: the first one's properties win
        name = CONTENT_LINE.match(line)
        if name and name.group().upper() not in names:
            names.add(name.group().upper())
            header.append(line)
    result.header = header
    return result


def _markers(text: str):
    """(BEGIN or END, component name, start, end) of each BEGIN/END line, upper-cased, in order."""
    first = MARKER_AT_START.match(text)
    if first:
        yield first.group(1).upper(), first.group(2).upper(), 0, first.end()
    for match in MARKER.finditer(text):
        kind, name = match.group(1, 2)
        yield kind.upper(), name.upper(), match.start(1), match.end()


def _close(result: Scan, events: list[str], block: str, name: str) -> None:
    block = block.rstrip("\n")
    end = "\nEND:" + name
    if not block.endswith(end) and block[-len(end) :].upper() != end:  # its END line is missing
        block += end
    if name == "VEVENT":
        events.append(block)
    elif name == "VTIMEZONE":
        tzid = re.search(r"^TZID[;:](?:.*:)?(.*)$", block, re.MULTILINE | re.IGNORECASE)
        if tzid:
            result.timezones.setdefault(tzid.group(1).strip().strip('"'), block)


def split_blocks(data: bytes) -> tuple[str, list[str], list[str]]:
    """(calendar header text incl. X-WR-* lines, VTIMEZONE blocks, VEVENT blocks) by a cheap line scan.

    The header is the VCALENDAR's own property lines (no BEGIN/END), one per line; blocks are unfolded,
    with LF line ends, from their BEGIN line to their END line.
    """
    found = scan(decode(data))
    return "\n".join(found.header), list(found.timezones.values()), found.events


def block_hash(block: str, *, unfolded: bool = False) -> str:
    """sha256 of a VEVENT block without its DTSTAMP lines, which Google rewrites on every download.

    `unfolded`: the block comes from `scan`, already with LF line ends and unfolded (skips four passes).
    """
    if not unfolded:
        block = block.replace("\r\n", "\n").replace("\r", "\n").replace("\n ", "").replace("\n\t", "")
    # The line goes with the newline before it: a leading "\n" lets a DTSTAMP on the first line go too.
    return hashlib.sha256(DTSTAMP_LINE.sub("", "\n" + block).strip("\n").encode()).hexdigest()


def zone_context(header_lines: list[str], timezones: dict[str, str]) -> str:
    """A digest of what, outside an event, changes how its times read."""
    zone_lines = [line for line in header_lines if line.upper().startswith("X-WR-TIMEZONE")]
    parts = [*zone_lines, *(block_hash(timezones[key]) for key in sorted(timezones))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def header_values(lines: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        name, _sep, value = line.partition(":")
        values.setdefault(name.split(";")[0].upper(), value.strip())
    return values


def unescape(value: str) -> str:
    return (
        value.replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
    )


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


def parse_calendar(data: bytes, *, known_hashes: frozenset[str] | set[str] = frozenset()) -> ParseResult:
    """Events of the blocks not in `known_hashes`; the hashes of the others are reported as unchanged.

    Only the blocks not yet known are handed to icalendar: an unchanged re-sync costs a line scan and a
    hash per block, and a re-sync after a few changes costs what those few events cost.
    """
    text = decode(data)
    found = scan(text)
    if not found.calendars and not found.events:
        raise NotICalendar(not_calendar_reason(text))
    header = header_values(found.header)
    notes = Notes()
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
        block_count=len(found.events),
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
        self.header = "\n".join(found.header) or FALLBACK_HEADER
        wr = header_values(found.header).get("X-WR-TIMEZONE", "")
        self.bare_header = FALLBACK_HEADER + (f"\nX-WR-TIMEZONE:{wr}" if wr else "")

    def wrap(self, blocks: list[str], header: str, with_zones: bool) -> str:
        zones = ""
        if with_zones:
            used = {(q or p).strip() for block in blocks for q, p in TZID_PARAM.findall(block)}
            zones = "".join(
                self.found.timezones[name] + "\n" for name in sorted(used & self.found.timezones.keys())
            )
        return f"BEGIN:VCALENDAR\n{header}\n{zones}" + "\n".join(blocks) + "\nEND:VCALENDAR\n"

    def parse(self, text: str, expected: int) -> list:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calendar = Calendar.from_ical(text)
            if calendar.get("X-WR-TIMEZONE"):
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
    "NotICalendar",
    "ParseResult",
    "ParsedEvent",
    "block_hash",
    "parse_calendar",
    "split_blocks",
]
