"""A fast reader for the plain VEVENT block, with icalendar's own value classes but not its line parser.

Why: icalendar spends ~250-1000 µs per VEVENT, mostly splitting lines char by char (`Contentline.raw_parts`),
building `Parameters` and components, while nearly every block of a real feed is a handful of plain
`NAME[;KEY=VALUE]:value` lines. `read_block` reads those with `str.partition` and hands each value to the
same factory icalendar would use (`TypesFactory.for_property(...).from_ical`, then `factory(parsed)`), so the
values are the very objects `Component.get` would return. It only builds what `values.build_event` reads.

It *declines* (returns None, and the caller uses icalendar) whenever the block is not plainly simple: the
result must be exactly what icalendar gives, so anything whose icalendar reading depends on details we do not
reproduce (quoted or escaped parameters, other zones and their VTIMEZONEs, nested components, repeated
singular properties, values icalendar would keep as vBroken...) goes the slow, proven way.
"""

from __future__ import annotations

import re
import zoneinfo

from icalendar import Event
from icalendar.parser.ical.component import ComponentIcalParser
from icalendar.parser.property import split_on_unescaped_comma, unescape_backslash
from x_wr_timezone import UTCChangingWalker

PARIS = "Europe/Paris"
WR_PARIS = "X-WR-TIMEZONE:Europe/Paris"
TYPES = Event.types_factory
TZID_NAMES = frozenset(ComponentIcalParser.datetime_names)  # the properties icalendar passes TZID for
DATES = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE"})
SINGULAR = frozenset(
    {
        "UID",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RECURRENCE-ID",
        "LAST-MODIFIED",
        "SEQUENCE",
        "STATUS",
        "DESCRIPTION",
        "LOCATION",
        "URL",
        "RRULE",
        "GEO",
        "X-ALT-DESC",
    }
)
READ = SINGULAR | {"EXDATE", "RDATE", "CATEGORIES"}  # what values.py reads; the other lines are skipped
ODD = frozenset({"DUE", "FREEBUSY"})  # not read, but icalendar parses them in ways that may raise
NAME = re.compile(r"[A-Za-z0-9-]+")
# An unquoted parameter that icalendar's Parameters.from_ical reads back unchanged (no RFC 6868 ^, no %).
PARAM = re.compile(r"([A-Za-z0-9-]+)=([A-Za-z0-9/._+-]+)")
# x_wr_timezone.to_standard moves floating and UTC times of these properties into the calendar's zone.
SHIFTED = UTCChangingWalker.VALUE_ATTRIBUTES
WALKER = UTCChangingWalker(zoneinfo.ZoneInfo(PARIS))
FACTORIES: dict[tuple[str, str | None], tuple[type, bool]] = {}


class Decline(Exception):  # noqa: N818 - a decision, not an error
    """The block is not plainly simple: icalendar must read it."""


class FastComponent(dict):
    """The properties `values.build_event` reads, by uppercase name, as icalendar's `Component` holds them.

    A single property object, or a list when a multi-value property (EXDATE, RDATE, CATEGORIES) has several
    lines, exactly as `Component.add` builds it; so `.get(name, default)` answers like `Component.get`.
    """

    name = "VEVENT"


def calendar_zone(header_lines: list[str]) -> tuple[bool, bool]:
    """(zone_ok, shift) from the calendar's own property lines.

    zone_ok: the calendar has no X-WR-TIMEZONE, or exactly one that says Europe/Paris; any other zone is read
    by icalendar (through x_wr_timezone, which may also warn). shift: it has the Paris one, so the fast path
    applies x_wr_timezone's own walker to the same properties, as `Reader.parse` does with `to_standard`.
    """
    zones = [
        line for line in header_lines if re.split("[;:]", line, maxsplit=1)[0].upper() == "X-WR-TIMEZONE"
    ]
    if not zones:
        return True, False
    return zones == [WR_PARIS], zones == [WR_PARIS]


def read_block(block: str, *, zone_ok: bool, shift: bool = False) -> FastComponent | None:
    """The block (unfolded, LF line ends, BEGIN:VEVENT to END:VEVENT) read like icalendar would, or None.

    `shift`: the calendar says X-WR-TIMEZONE:Europe/Paris (see `calendar_zone`).
    """
    if not zone_ok or "\n " in block or "\n\t" in block:  # a fold left over: icalendar would unfold it again
        return None
    lines = block.split("\n")
    if len(lines) < 2 or lines[0].upper() != "BEGIN:VEVENT" or lines[-1].upper() != "END:VEVENT":
        return None
    component = FastComponent()
    in_alarm = False
    try:
        for line in lines[1:-1]:
            if line:  # icalendar skips empty lines too
                in_alarm = read_line(component, line, in_alarm)
    except Exception:  # noqa: BLE001 - Decline, or a value icalendar would keep as vBroken or reject
        return None
    if in_alarm:
        return None
    if shift:
        for name in SHIFTED:
            if name in component:
                component[name] = WALKER.walk_value(component[name])
    return component


def read_line(component: FastComponent, line: str, in_alarm: bool) -> bool:
    """Adds the line's property to `component` if values.py reads it; returns whether a VALARM is open."""
    head, colon, raw = line.partition(":")
    name, semi, params = head.partition(";")
    if not colon or not NAME.fullmatch(name):
        raise Decline
    name = name.upper()
    if name in ("BEGIN", "END"):
        # Only VALARM may nest: icalendar puts its lines on the alarm, not on the event.
        if semi or raw.upper() != "VALARM" or (name == "BEGIN") == in_alarm:
            raise Decline
        return name == "BEGIN"
    if in_alarm:
        check_alarm_line(name, params if semi else "", raw)
        return True
    if name in ODD:
        raise Decline
    if name not in READ:
        # icalendar is error-tolerant in a VEVENT: an odd line it skips or keeps as vBroken changes nothing
        # values.py reads. Only the name matters, and it is a plain token.
        return False
    tzid, value_type = parameters(name, params if semi else "")
    if name == "CATEGORIES":
        # Like ComponentIcalParser.handle_categories: split the raw value on unescaped commas.
        if value_type is not None:
            raise Decline
        prop = TYPES.for_property(name)(split_on_unescaped_comma(raw))
    else:
        factory, verbatim = factory_for(name, value_type)
        text = raw if verbatim or "\\" not in raw else unescape_backslash(raw)
        if name == "RDATE" and text == "":
            return False  # icalendar's workaround for empty RDATE: no property at all
        if name in DATES and "/" in text:
            raise Decline  # PERIOD values
        parsed = factory.from_ical(text, tzid) if tzid and name in TZID_NAMES else factory.from_ical(text)
        # icalendar then wraps it with `factory(parsed)`; for vText, vInt, vUri... that is an equal copy.
        prop = parsed if type(parsed) is factory else factory(parsed)
    add(component, name, prop)
    return False


def parameters(name: str, params: str) -> tuple[str | None, str | None]:
    """(TZID, VALUE) of a read property; declines any parameter icalendar might read differently."""
    tzid = value_type = None
    seen = set()
    for param in params.split(";") if params else ():
        match = PARAM.fullmatch(param)
        if not match or match.group(1).upper() in seen:
            raise Decline
        key, text = match.group(1).upper(), match.group(2)
        seen.add(key)
        if key == "TZID":
            tzid = text
        elif key == "VALUE":
            value_type = text.upper()
        elif name in DATES:
            raise Decline
    if name in DATES and (
        (tzid is not None and tzid != PARIS)  # other zones are resolved by icalendar with the VTIMEZONEs
        or value_type not in (None, "DATE", "DATE-TIME")
    ):
        raise Decline
    return tzid, value_type


def check_alarm_line(name: str, params: str, raw: str) -> None:
    """Declines an alarm line icalendar would reject: unlike VEVENT, VALARM is not error-tolerant."""
    _tzid, value_type = parameters("", params)
    if _tzid is not None or name in ("CATEGORIES", "FREEBUSY", "RDATE"):
        raise Decline
    factory, verbatim = factory_for(name, value_type)
    factory(factory.from_ical(raw if verbatim else unescape_backslash(raw)))  # raises where icalendar would


def factory_for(name: str, value_type: str | None) -> tuple[type, bool]:
    """icalendar's value class for the property, and whether it takes the value verbatim (cached).

    Like ComponentIcalParser.handle_property: a class with `get_value_from_content_line` (vUnknown, the
    type of X-ALT-DESC) gets the raw value; the others get it unescaped like `Contentline.parts()`.
    """
    key = (name, value_type)
    if key not in FACTORIES:
        factory = TYPES.for_property(name, value_type)
        FACTORIES[key] = (factory, hasattr(factory, "get_value_from_content_line"))
    return FACTORIES[key]


def add(component: FastComponent, name: str, prop) -> None:
    """Like `Component.add`: a second line of a multi-value property makes a list; singular ones decline."""
    old = component.get(name)
    if old is None:
        component[name] = prop
    elif name in SINGULAR:
        raise Decline
    elif isinstance(old, list):
        old.append(prop)
    else:
        component[name] = [old, prop]
