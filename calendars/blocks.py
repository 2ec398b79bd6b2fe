"""The plain line scan of a calendar: unfolded text cut into VEVENT and VTIMEZONE blocks, and their hashes.

Why apart from icalendar: a feed is polled every hour and nearly always unchanged, and a line scan plus a
sha256 per block costs a hundredth of what icalendar takes to read the same events. The sync stores each
event's block hash, so the cut, the unfolding and the hash (without DTSTAMP, which Google rewrites on every
download) must stay stable from one release to the next: a change here makes every calendar be read again.
Pure: text in, text out; nothing here interprets a value.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

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
# Properties of an event that Maillage never reads (`calendars.values.build_event` names what it reads), with
# the newline before them. Left out of what icalendar reads: in a Google export they are a fifth of an
# event's lines and DTSTAMP and CREATED are dates, the dearest values to read. Only whole lines of known
# names go, so the blocks keep their components and every property Maillage reads.
UNREAD_LINE = re.compile(
    r"\n(?i:DTSTAMP|CREATED|TRANSP|CLASS|PRIORITY|ORGANIZER|ATTENDEE|X-(?:MICROSOFT|GOOGLE|APPLE)-[A-Z0-9-]*)"
    r"[;:][^\n]*"
)
# Lines that only say what Maillage assumes when they are absent (`calendars.values.build_event`: no STATUS
# reads as CONFIRMED, no SEQUENCE as 0): Google writes both on every event. Left out of what icalendar reads
# too; whole lines only, so "SEQUENCE:01" or "STATUS:CONFIRMED;X=1" stay.
DEFAULT_LINE = re.compile(r"\n(?i:STATUS:CONFIRMED|SEQUENCE:0)[ \t]*(?=\n|\Z)")
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


def without_unread_lines(text: str) -> str:
    """Unfolded VEVENT text without the lines of properties Maillage never reads (`UNREAD_LINE`) and those
    that only repeat what it assumes (`DEFAULT_LINE`)."""
    return DEFAULT_LINE.sub("", UNREAD_LINE.sub("", text))


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
