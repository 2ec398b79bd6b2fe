"""Opening hours (`horaires`) of a place: parsing, validation, French display and "open now".

The national "lieux de médiation numérique" standard stores opening hours in OpenStreetMap
`opening_hours` syntax. The full OSM grammar is huge (months, weeks, sunrise, comments, fallbacks...)
and almost none of it appears in real data about mediation places, so Maillage supports a small,
well-defined subset and rejects the rest with a French message, rather than silently misreading it:

- rules separated by ``;`` (whitespace tolerant, empty rules ignored); a later rule *replaces* earlier
  rules for the days it names, as in OSM: ``Mo-Fr 09:00-18:00; We 09:00-12:00`` closes Wednesday
  afternoon;
- weekday selectors ``Mo Tu We Th Fr Sa Su``, ranges ``Mo-Fr`` (wrapping too: ``Sa-Mo``), lists
  ``Mo,We,Fr`` and mixes ``Mo-We,Fr``; a rule without a weekday selector applies to every day;
- time ranges ``HH:MM-HH:MM``, several separated by ``,``; ``24:00`` is allowed as an end; a range
  ending past midnight (``22:00-02:00``) spills into the next day. The spill belongs to the rule of
  the day it starts on, so overriding the next day does not cut it;
- ``off`` / ``closed`` after a selector (``Su off``); ``24/7`` as a rule of its own;
- ``PH`` (public holidays) in a selector: ``PH off`` sets ``closed_on_public_holidays``; other ``PH``
  rules are accepted but do not change the weekly grid. The flag follows the last rule that covers
  public holidays (one naming ``PH``, or one without any selector).

The parsed form, :class:`WeeklyHours`, is a plain weekly grid of minute ranges that can be cached in a
JSONField (:meth:`WeeklyHours.to_json`) so pages never re-parse the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PARIS = ZoneInfo("Europe/Paris")
MINUTES_PER_DAY = 24 * 60

_DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_NAMES = (
    _("Lundi"),
    _("Mardi"),
    _("Mercredi"),
    _("Jeudi"),
    _("Vendredi"),
    _("Samedi"),
    _("Dimanche"),
)
# Public for the admin's hours editor (network/widgets.py), which shows the week the same way.
DAY_CODES = _DAY_CODES
DAY_NAMES = _DAY_NAMES

_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_SELECTOR_ITEM = rf"(?:{_DAY}(?:-{_DAY})?|PH)"
# The selector must be followed by a space or the end, so that "Mon" or "Mo[1]" are not half-read.
_SELECTOR_RE = re.compile(rf"(?P<selector>{_SELECTOR_ITEM}(?:,\s*{_SELECTOR_ITEM})*)(?=\s|$)")
_TIME_RANGE_RE = re.compile(r"(\d\d):(\d\d)\s*-\s*(\d\d):(\d\d)")
# What a person who meant a time range may have typed ("9h-12h", "9:00-12:00", "09.00-12.00").
_TIME_LIKE_RE = re.compile(r"[\d\s:hH.\-]+")
_OFF_WORDS = ("off", "closed")

_MSG_UNSUPPORTED = _(
    "Horaires non reconnus : « %(part)s » — seuls les jours (Mo-Fr, Sa, Su), les heures (09:00-12:00), "
    "« off », « 24/7 » et « PH off » sont pris en charge ; les mois, semaines, levers du soleil et "
    "commentaires ne le sont pas."
)
_MSG_TIME_FORMAT = _("Horaires non reconnus : « %(part)s » — écrivez les heures sous la forme 09:00-12:00.")
_MSG_IMPOSSIBLE_TIME = _("Heure impossible : « %(part)s » — les heures vont de 00:00 à 24:00.")
_MSG_EMPTY_RANGE = _(
    "Plage horaire vide : « %(part)s » — l’heure de fin doit être différente de l’heure de début."
)
_MSG_INCOMPLETE = _("Horaires incomplets : « %(part)s » — précisez des heures (09:00-12:00) ou « off ».")

Range = tuple[int, int]
DayRanges = tuple[Range, ...]


class OpeningHoursError(ValidationError):
    """A `horaires` value Maillage cannot read; always carries the code ``horaires_invalid``."""

    def __init__(self, message: Any, part: str) -> None:
        super().__init__(message, code="horaires_invalid", params={"part": part})


@dataclass(frozen=True)
class WeeklyHours:
    """A week of opening hours: ``days[0]`` is Monday, each day a sorted tuple of merged minute ranges.

    ``known`` is False when no hours were given at all, which is not the same as "closed every day":
    callers should say "horaires non renseignés" rather than "fermé".
    """

    days: tuple[DayRanges, ...] = ((),) * 7
    known: bool = False
    closed_on_public_holidays: bool = False

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError(f"WeeklyHours needs 7 days, got {len(self.days)}")

    def to_json(self) -> dict[str, Any]:
        return {
            "days": [[list(r) for r in day] for day in self.days],
            "known": self.known,
            "closed_on_public_holidays": self.closed_on_public_holidays,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeeklyHours:
        return cls(
            days=tuple(tuple((int(start), int(end)) for start, end in day) for day in data["days"]),
            known=bool(data["known"]),
            closed_on_public_holidays=bool(data["closed_on_public_holidays"]),
        )

    def is_open_at(self, moment: datetime) -> bool:
        """Whether the place is open at ``moment``, read as Paris wall-clock time (the hours are local).

        Public holidays are not known here, so they are treated as ordinary days.
        """
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("is_open_at() needs a timezone-aware datetime")
        local = moment.astimezone(PARIS)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.days[local.weekday()])

    def next_opening_after(self, moment: datetime) -> datetime | None:
        """When the place next opens after ``moment`` (Paris time), within a week; None when the hours are
        unknown or empty. A person told « Fermé » needs to know when to come back, not just that."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("next_opening_after() needs a timezone-aware datetime")
        local = moment.astimezone(PARIS)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            for start, _end in self.days[day.weekday()]:
                if start >= MINUTES_PER_DAY:
                    continue
                opening = datetime.combine(day, time(start // 60, start % 60), tzinfo=PARIS)
                if opening > local:
                    return opening
        return None

    def is_open_on_weekend(self) -> bool:
        return bool(self.days[5] or self.days[6])

    def opens_after(self, minute: int) -> bool:
        """Whether the place is open at some point later than ``minute`` on any day (e.g. 18:00 = 1080)."""
        return any(end > minute for day in self.days for _start, end in day)

    def humanize(self) -> list[tuple[str, str]]:
        """``(day name, hours)`` in French for Monday to Sunday; empty when the hours are unknown."""
        if not self.known:
            return []
        return [(str(name), _describe_day(day)) for name, day in zip(_DAY_NAMES, self.days, strict=True)]

    def humanize_compact(self) -> list[tuple[str, str]]:
        """Like :meth:`humanize`, with runs of consecutive days sharing the same hours grouped."""
        groups: list[tuple[int, int, str]] = []  # (first day, last day, text)
        for index, (_name, text) in enumerate(self.humanize()):
            if groups and groups[-1][2] == text:
                groups[-1] = (groups[-1][0], index, text)
            else:
                groups.append((index, index, text))
        return [(_describe_run(first, last), text) for first, last, text in groups]


def format_minutes_fr(minute: int) -> str:
    """French spoken-style time: 540 → "9 h", 1110 → "18 h 30", 1440 → "24 h"."""
    if not 0 <= minute <= MINUTES_PER_DAY:
        raise ValueError(f"minute must be between 0 and {MINUTES_PER_DAY}, got {minute}")
    hours, minutes = divmod(minute, 60)
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes:02d}"


def parse_opening_hours(text: str) -> WeeklyHours:
    """Parse OSM `opening_hours` text (the supported subset, see the module docstring).

    Raises :class:`OpeningHoursError` on anything outside that subset. Blank text means "unknown".
    """
    # Ranges as written, per day; an end beyond 1440 is a spill into the next day.
    rule_ranges: list[DayRanges] = [()] * 7
    closed_on_public_holidays = False
    rules = [rule.strip() for rule in (text or "").split(";")]
    rules = [rule for rule in rules if rule]
    if not rules:
        return WeeklyHours()
    for rule in rules:
        days, covers_public_holidays, ranges = _parse_rule(rule)
        for day in days:
            rule_ranges[day] = ranges
        if covers_public_holidays:
            closed_on_public_holidays = not ranges
    return WeeklyHours(
        days=_to_grid(rule_ranges), known=True, closed_on_public_holidays=closed_on_public_holidays
    )


def validate_opening_hours(value: str) -> None:
    """Django field validator; a blank value passes (whether it is required is the field's business)."""
    parse_opening_hours(value)


def _parse_rule(rule: str) -> tuple[list[int], bool, DayRanges]:
    """Split one rule into (weekdays it applies to, whether it covers public holidays, its ranges)."""
    if rule == "24/7":
        return list(range(7)), True, ((0, MINUTES_PER_DAY),)
    match = _SELECTOR_RE.match(rule)
    if match:
        days, covers_public_holidays = _parse_selector(match.group("selector"))
        rest = rule[match.end() :].strip()
    else:
        days, covers_public_holidays, rest = list(range(7)), True, rule
    if not rest:
        raise OpeningHoursError(_MSG_INCOMPLETE, part=rule)
    if rest in _OFF_WORDS:
        return days, covers_public_holidays, ()
    return days, covers_public_holidays, _parse_ranges(rest, rule)


def _parse_selector(selector: str) -> tuple[list[int], bool]:
    days: list[int] = []
    covers_public_holidays = False
    for item in re.split(r",\s*", selector):
        if item == "PH":
            covers_public_holidays = True
            continue
        first, _sep, last = item.partition("-")
        start = _DAY_CODES.index(first)
        length = (_DAY_CODES.index(last or first) - start) % 7 + 1  # "Sa-Mo" wraps over Sunday
        days.extend((start + offset) % 7 for offset in range(length))
    return days, covers_public_holidays


def _parse_ranges(text: str, rule: str) -> DayRanges:
    ranges = []
    for raw_chunk in text.split(","):
        chunk = raw_chunk.strip()
        match = _TIME_RANGE_RE.fullmatch(chunk)
        if not match:
            message = _MSG_TIME_FORMAT if _TIME_LIKE_RE.fullmatch(chunk) else _MSG_UNSUPPORTED
            raise OpeningHoursError(message, part=rule)
        start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
        if start_h > 23 or start_m > 59 or end_h > 24 or end_m > 59 or (end_h == 24 and end_m):
            raise OpeningHoursError(_MSG_IMPOSSIBLE_TIME, part=chunk)
        start, end = start_h * 60 + start_m, end_h * 60 + end_m
        if start == end:
            raise OpeningHoursError(_MSG_EMPTY_RANGE, part=chunk)
        ranges.append((start, end if end > start else end + MINUTES_PER_DAY))
    return tuple(ranges)


def _to_grid(rule_ranges: list[DayRanges]) -> tuple[DayRanges, ...]:
    """Cut ranges at midnight, moving what lies past it to the next day, then sort and merge each day."""
    grid: list[list[Range]] = [[] for _day in range(7)]
    for day, ranges in enumerate(rule_ranges):
        for start, end in ranges:
            grid[day].append((start, min(end, MINUTES_PER_DAY)))
            if end > MINUTES_PER_DAY:
                grid[(day + 1) % 7].append((0, end - MINUTES_PER_DAY))
    return tuple(_merge(ranges) for ranges in grid)


def _merge(ranges: list[Range]) -> DayRanges:
    merged: list[Range] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _describe_day(ranges: DayRanges) -> str:
    if not ranges:
        return str(_("Fermé"))
    if ranges == ((0, MINUTES_PER_DAY),):
        return str(_("Ouvert 24 h/24"))
    return ", ".join(f"{format_minutes_fr(start)} – {format_minutes_fr(end)}" for start, end in ranges)


def _describe_run(first: int, last: int) -> str:
    """Label for days ``first..last``: "Samedi", "Lundi et mardi", "Du lundi au vendredi"."""
    if first == last:
        return str(_DAY_NAMES[first])
    if (first, last) == (0, 6):
        return str(_("Tous les jours"))
    first_name, last_name = str(_DAY_NAMES[first]), str(_DAY_NAMES[last]).lower()
    if last == first + 1:
        return str(_("%(first)s et %(last)s")) % {"first": first_name, "last": last_name}
    return str(_("Du %(first)s au %(last)s")) % {"first": first_name.lower(), "last": last_name}


def format_opening_hours(hours: WeeklyHours) -> str:
    """OSM `opening_hours` text for a weekly grid: the inverse of :func:`parse_opening_hours` on its output.

    Used by the admin's hours editor, so that what it saves reads as a person would write it: runs of
    consecutive days with the same hours share one rule (``Mo-Fr 09:00-12:00``), closed days are left out
    (OSM reads an unnamed day as closed) and ``PH off`` comes last. Unknown hours give the empty text.
    """
    if not hours.known:
        return ""
    rules = []
    index = 0
    while index < 7:
        last = index
        while last + 1 < 7 and hours.days[last + 1] == hours.days[index]:
            last += 1
        if hours.days[index]:
            selector = _DAY_CODES[index] if last == index else f"{_DAY_CODES[index]}-{_DAY_CODES[last]}"
            ranges = ",".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in hours.days[index])
            rules.append(f"{selector} {ranges}")
        index = last + 1
    if hours.closed_on_public_holidays:
        rules.append("PH off")
    return "; ".join(rules) if rules else "Mo-Su off"


def _hhmm(minute: int) -> str:
    return "{:02d}:{:02d}".format(*divmod(minute, 60))
