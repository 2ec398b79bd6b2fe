"""Recurrence of ateliers, in wall-clock time.

A series is stored as its first session (a local date and times), an RFC 5545 RRULE, and lists of added
(RDATE) and removed (EXDATE) sessions. Expansion happens on *naive local* datetimes and each session is only
then placed in Europe/Paris: a workshop at 14 h stays at 14 h across the March and October clock changes,
which expanding in UTC gets wrong by an hour (a classic of calendar exports).

Clock changes follow one rule, for typed and imported ateliers alike (`localize`, `wall_clock`): a wall-clock
time that does not exist (spring forward, 02:30 on the last Sunday of March) is moved forward by the gap
(03:30, summer time), as RFC 5545 § 3.3.5 reads a DTSTART; a time that exists twice (fall back, 02:30 on
the last Sunday of October) is the first one (summer time). Sessions that land on the same instant that
way (FREQ=HOURLY across the gap, DTSTART 02:30 with RDATE 03:30) are one session.

Expansion is bounded in work, whatever the rule says (imported calendars are written by anyone): at most
`MAX_EXPANSION` instances from the first session, at most `MAX_SPAN_YEARS` years of them, and in a calendar
whose search ends soon after the window (see `calendar_shift`): dateutil looks for the next instance of a
rule until year 9999, seconds of CPU for one that never matches (FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30).

UNTIL is kept in local time here (`UNTIL=20270630T235959`); the iCal export converts it to UTC as RFC 5545
requires when DTSTART carries a TZID.

This module is pure: no database, no Django models.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PARIS = ZoneInfo("Europe/Paris")
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Instances of a rule looked at, from its first session, whatever the window: a daily series started 50
# years ago, an hourly one 2 years ago. What lies beyond is not expanded.
MAX_EXPANSION = 20_000
# A rule is expanded over at most this many years from its first session.
MAX_SPAN_YEARS = 100
# The frequencies a person may choose in the admin; imported calendars may say more (HOURLY...), bounded.
ADMIN_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
LAST_YEAR = 9999  # datetime.MAXYEAR, where dateutil stops looking
UNTIL_YEAR = re.compile(r"^(\d{4})(\d{4})(.*)$")


def localize(moment: datetime) -> datetime:
    """Attach Europe/Paris to a naive wall-clock datetime, by the one rule for clock changes: a time in the
    spring-forward gap becomes the instant one gap later (02:30 → 03:30 summer time), a time that exists twice
    the first one (summer time). Equal instants come out equal (same tzinfo, same fields)."""
    aware = moment.replace(tzinfo=PARIS, fold=0)
    if (moment.hour != 2 and moment.year >= 1976) or aware.utcoffset() == aware.replace(fold=1).utcoffset():
        return aware  # Paris has changed its clocks between 2 and 3 a.m. only, since 1976
    return aware.astimezone(UTC).astimezone(PARIS)


def wall_clock(moment: datetime) -> datetime:
    """The naive wall-clock time `moment` stands for, by the clock-change rule (see `localize`).

    Outside the hour of the clock changes every time exists once and stands for itself: returned as it is
    (naive, first fold) without the two copies `localize` and back would make; expansion calls this for
    every session of every series."""
    if moment.hour != 2 and moment.year >= 1976:
        return moment if moment.tzinfo is None and not moment.fold else moment.replace(tzinfo=None, fold=0)
    return localize(moment).replace(tzinfo=None, fold=0)


def to_local_naive(moment: datetime) -> datetime:
    return moment.astimezone(PARIS).replace(tzinfo=None, fold=0) if moment.tzinfo else moment


@lru_cache(maxsize=1024)
def calendar_shift(first_year: int, last_year: int) -> int:
    """Years to add to [first_year, last_year] to land as close to 9999 as possible, in years that have the
    same calendar one by one (leap or not, same weekday on 1 January).

    A rule's instances only depend on the calendar of the years they fall in, so expanding it there gives the
    same instances, shifted; and dateutil's search for a next instance, which only ends at year 9999, then
    ends a few decades after the window instead of thousands of years. 0 when no such years exist.
    """
    start = date(first_year, 1, 1).weekday()
    leaps = [calendar.isleap(year) for year in range(first_year, last_year + 1)]
    for shift in range(LAST_YEAR - last_year, 0, -1):
        if date(first_year + shift, 1, 1).weekday() == start and leaps == [
            calendar.isleap(year + shift) for year in range(first_year, last_year + 1)
        ]:
            return shift
    return 0


def _shift_until(text: str, shift: int, first_year: int, last_year: int) -> str:
    """The RRULE text with its UNTIL moved by `shift` years (past the range: any moment past it will do)."""
    parts = []
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        match = UNTIL_YEAR.match(value) if key.upper() == "UNTIL" else None
        if match:
            year = int(match.group(1))
            if year > last_year:
                value = f"{LAST_YEAR}1231T235959"
            elif year < first_year:
                value = f"{first_year + shift:04d}0101T000000"
            else:
                value = f"{year + shift:04d}{match.group(2)}{match.group(3)}"
        parts.append(f"{key}{sep}{value}")
    return ";".join(parts)


def rule_moments(rrule: str, start: datetime, until: datetime) -> Iterator[datetime]:
    """The instances of `rrule` from `start` and before `until` (naive, as the rule writes them: the
    clock-change rule is the caller's), bounded in work: `MAX_EXPANSION` instances, `MAX_SPAN_YEARS` years,
    and a search that ends soon after `until` (`calendar_shift`). A rule dateutil cannot go on with ends
    there."""
    if until.year - start.year > MAX_SPAN_YEARS or until <= start:
        return
    first, last = max(start.year - 1, 1), min(until.year + 1, LAST_YEAR)
    # BYEASTER (a dateutil extension, not RFC 5545) follows no calendar cycle: expanded where it stands.
    shift = 0 if "BYEASTER" in rrule.upper() else calendar_shift(first, last)
    try:
        rule = rrulestr(
            _shift_until(rrule, shift, first, last) if shift else rrule,
            dtstart=start.replace(year=start.year + shift),
            ignoretz=True,
        )
        bound = until.replace(year=until.year + shift)
        for index, moment in enumerate(rule):
            if moment >= bound or index >= MAX_EXPANSION:
                return
            yield moment.replace(year=moment.year - shift)
    except (ValueError, OverflowError):  # "empty rule" raised on the way, or the calendar's end
        return


def rule_error(text: str) -> str | None:
    """Why the admin refuses the RRULE `text` (in French), or None: daily to yearly rules dateutil reads."""
    parts = dict(part.split("=", 1) for part in text.upper().split(";") if "=" in part)
    if parts.get("FREQ") not in ADMIN_FREQUENCIES:
        return _(
            "Une répétition se fait chaque jour, chaque semaine, chaque mois ou chaque année : les "
            "répétitions à l'heure, à la minute ou à la seconde ne sont pas acceptées."
        )
    if "BYEASTER" in parts:
        return _("Cette règle de répétition n'est pas reconnue.")
    try:
        rrulestr(text, dtstart=datetime(2000, 1, 1), ignoretz=True)
    except (ValueError, TypeError):
        return _("Cette règle de répétition n'est pas reconnue.")
    return None


@dataclass(frozen=True)
class Schedule:
    start: datetime  # naive, Europe/Paris wall clock
    duration: timedelta
    rrule: str = ""
    rdates: tuple[datetime, ...] = field(default_factory=tuple)
    exdates: tuple[datetime, ...] = field(default_factory=tuple)

    def starts_between(self, window_start: datetime, window_end: datetime) -> list[datetime]:
        """Naive local starts of the sessions in [window_start, window_end), EXDATEs removed, sorted.

        Every start is an existing wall-clock time (`wall_clock`): two that name the same instant are one.
        """
        starts = set()
        if self.rrule:
            # The clock-change rule moves a moment forward by an hour at most: the rule is read an hour
            # further, and moments an hour before the window are not looked at.
            earliest = window_start - timedelta(hours=1)
            for moment in rule_moments(self.rrule, self.start, window_end + timedelta(hours=1)):
                if moment < earliest:
                    continue
                moment = wall_clock(moment)
                if window_start <= moment < window_end:
                    starts.add(moment)
        elif window_start <= (first := wall_clock(self.start)) < window_end:
            starts.add(first)
        for moment in self.rdates:
            if window_start <= (moment := wall_clock(moment)) < window_end:
                starts.add(moment)
        if starts and self.exdates:
            starts.difference_update(wall_clock(moment) for moment in self.exdates)
        return sorted(starts)

    def last_start(self) -> datetime | None:
        """The last session of a bounded series, None when the rule never ends.

        Looked for over `MAX_SPAN_YEARS` years and `MAX_EXPANSION` instances, like any expansion.
        """
        if not self.rrule:
            return wall_clock(max([self.start, *self.rdates]))
        parts = dict(part.split("=", 1) for part in self.rrule.upper().split(";") if "=" in part)
        if "UNTIL" not in parts and "COUNT" not in parts:
            return None
        until = datetime(min(self.start.year + MAX_SPAN_YEARS, LAST_YEAR), 1, 1)
        starts = list(rule_moments(self.rrule, self.start, until))
        return wall_clock(max([*starts, *self.rdates])) if starts or self.rdates else None


# ---- the friendly subset edited in the admin ---------------------------------------------------------


@dataclass
class Rule:
    """What the admin's recurrence editor can say: weekly on days, every N weeks, monthly on the n-th
    weekday, until a date or for a number of sessions."""

    frequency: str = ""  # "", "WEEKLY" or "MONTHLY"
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)
    position: int | None = None  # monthly: 1..4 or -1 (last)
    until: date | None = None
    count: int | None = None

    def to_rrule(self) -> str:
        if not self.frequency:
            return ""
        parts = [f"FREQ={self.frequency}"]
        if self.interval and self.interval > 1:
            parts.append(f"INTERVAL={self.interval}")
        days = [day for day in WEEKDAY_CODES if day in self.weekdays]
        if self.frequency == "MONTHLY" and days and self.position:
            parts.append("BYDAY=" + ",".join(f"{self.position}{day}" for day in days))
        elif days:
            parts.append("BYDAY=" + ",".join(days))
        if self.until:
            parts.append(f"UNTIL={self.until:%Y%m%d}T235959")
        elif self.count:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @classmethod
    def from_rrule(cls, text: str) -> Rule | None:
        """Read back an RRULE written by `to_rrule`; None when it says more than the editor can show."""
        if not text:
            return cls()
        parts = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
        known = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}
        if set(parts) - known or parts.get("FREQ") not in ("WEEKLY", "MONTHLY"):
            return None
        rule = cls(frequency=parts["FREQ"], interval=int(parts.get("INTERVAL", 1)))
        positions = set()
        for item in filter(None, parts.get("BYDAY", "").split(",")):
            code = item[-2:]
            if code not in WEEKDAY_CODES:
                return None
            rule.weekdays.append(code)
            if item[:-2]:
                positions.add(int(item[:-2]))
        if len(positions) > 1 or (positions and rule.frequency != "MONTHLY"):
            return None
        rule.position = positions.pop() if positions else None
        if "UNTIL" in parts:
            rule.until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        if "COUNT" in parts:
            rule.count = int(parts["COUNT"])
        return rule


DAY_NAMES = {
    "MO": ("lundi", "lundis"),
    "TU": ("mardi", "mardis"),
    "WE": ("mercredi", "mercredis"),
    "TH": ("jeudi", "jeudis"),
    "FR": ("vendredi", "vendredis"),
    "SA": ("samedi", "samedis"),
    "SU": ("dimanche", "dimanches"),
}
POSITION_NAMES = {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", -1: "dernier"}


def format_time(moment: time) -> str:
    """14:00 → « 14 h », 18:30 → « 18 h 30 », as French typography writes hours."""
    return f"{moment.hour} h" if not moment.minute else f"{moment.hour} h {moment.minute:02d}"


def format_hours(start: datetime, end: datetime, *, all_day: bool = False) -> str:
    """« 14 h – 16 h » in Paris time; « toute la journée » for an all-day session, and the last day when it
    lasts several (its end is the next midnight, as DTEND;VALUE=DATE is: never shown as « 0 h – 0 h »)."""
    start, end = to_local_naive(start), to_local_naive(end)
    if all_day:
        last_day = (end - timedelta(days=1)).date()
        if last_day <= start.date():
            return _("toute la journée")
        return _("toute la journée, jusqu'au %(date)s") % {"date": format_date(last_day, with_weekday=True)}
    return f"{format_time(start.time())} – {format_time(end.time())}"


def format_date(day: date, with_weekday: bool = False) -> str:
    """« 30 juin 2027 », and « 1er juillet 2027 »: French writes the first day of a month as an ordinal."""
    text = date_format(day, "F Y")
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {text}"
    return f"{date_format(day, 'l')} {text}" if with_weekday else text


def join_french(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + _("et") + " " + items[-1]


def describe(rule: Rule | None, start: datetime, end: datetime, *, all_day: bool = False) -> str:
    """« tous les mardis et vendredis de 14 h à 16 h, jusqu'au 30 juin » — what people read and type."""
    if all_day:
        hours = format_hours(start, end, all_day=True)
    else:
        times = {"start": format_time(start.time()), "end": format_time(end.time())}
        hours = _("de %(start)s à %(end)s") % times
    if rule is None:
        return _("série importée, %(hours)s") % {"hours": hours}
    if not rule.frequency:
        day = format_date(start.date(), with_weekday=True)
        return _("le %(day)s %(hours)s") % {"day": day, "hours": hours}
    days = rule.weekdays or [WEEKDAY_CODES[start.weekday()]]
    if rule.frequency == "WEEKLY":
        names = join_french([DAY_NAMES[day][1] for day in days])
        if rule.interval > 1:
            text = ngettext(
                "les %(days)s, une semaine sur %(n)d",
                "les %(days)s, toutes les %(n)d semaines",
                rule.interval,
            ) % {"days": names, "n": rule.interval}
            if rule.interval == 2:
                text = _("les %(days)s, une semaine sur deux") % {"days": names}
        else:
            text = _("tous les %(days)s") % {"days": names}
    else:
        position = POSITION_NAMES.get(rule.position or 1, "")
        names = join_french([DAY_NAMES[day][0] for day in days])
        if rule.position:
            text = _("le %(position)s %(days)s du mois") % {"position": position, "days": names}
        else:
            text = _("chaque mois, le %(day)d") % {"day": start.day}
        if rule.interval > 1:
            text += " " + _("(tous les %(n)d mois)") % {"n": rule.interval}
    text += " " + hours
    if rule.until:
        text += ", " + _("jusqu'au %(date)s") % {"date": format_date(rule.until)}
    elif rule.count:
        text += ", " + ngettext("%(n)d séance", "%(n)d séances", rule.count) % {"n": rule.count}
    return text


def next_window(today: date, months: int = 12) -> tuple[datetime, datetime]:
    """The materialisation window: from today back one year (history) to `months` ahead."""
    start = datetime.combine(today - timedelta(days=366), time.min)
    end = datetime.combine(today + timedelta(days=31 * months), time.min)
    return start, end
