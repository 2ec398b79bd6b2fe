"""Recurrence of ateliers, in wall-clock time.

A series is stored as its first session (a local date and times), an RFC 5545 RRULE, and lists of added
(RDATE) and removed (EXDATE) sessions. Expansion happens on *naive local* datetimes and each session is only
then placed in Europe/Paris: a workshop at 14 h stays at 14 h across the March and October clock changes,
which expanding in UTC gets wrong by an hour (a classic of calendar exports).

UNTIL is kept in local time here (`UNTIL=20270630T235959`); the iCal export converts it to UTC as RFC 5545
requires when DTSTART carries a TZID.

This module is pure: no database, no Django models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PARIS = ZoneInfo("Europe/Paris")
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Safety net for RRULEs without end: nothing is ever expanded past this many sessions per series.
MAX_SESSIONS = 2000


def localize(moment: datetime) -> datetime:
    """Attach Europe/Paris to a naive wall-clock datetime (the earlier instant when ambiguous)."""
    return moment.replace(tzinfo=PARIS)


def to_local_naive(moment: datetime) -> datetime:
    return moment.astimezone(PARIS).replace(tzinfo=None) if moment.tzinfo else moment


@dataclass(frozen=True)
class Schedule:
    start: datetime  # naive, Europe/Paris wall clock
    duration: timedelta
    rrule: str = ""
    rdates: tuple[datetime, ...] = field(default_factory=tuple)
    exdates: tuple[datetime, ...] = field(default_factory=tuple)

    def starts_between(self, window_start: datetime, window_end: datetime) -> list[datetime]:
        """Naive local starts of the sessions in [window_start, window_end), EXDATEs removed, sorted."""
        starts = set()
        if self.rrule:
            rule = rrulestr(self.rrule, dtstart=self.start, ignoretz=True)
            for index, moment in enumerate(rule.xafter(self.start, inc=True)):
                if moment >= window_end or index >= MAX_SESSIONS:
                    break
                if moment >= window_start:
                    starts.add(moment)
        elif window_start <= self.start < window_end:
            starts.add(self.start)
        starts.update(moment for moment in self.rdates if window_start <= moment < window_end)
        starts.difference_update(self.exdates)
        return sorted(starts)

    def last_start(self) -> datetime | None:
        """The last session of a bounded series, None when the rule never ends."""
        if not self.rrule:
            return max([self.start, *self.rdates])
        rule = rrulestr(self.rrule, dtstart=self.start, ignoretz=True)
        parts = dict(part.split("=", 1) for part in self.rrule.split(";") if "=" in part)
        if "UNTIL" not in parts and "COUNT" not in parts:
            return None
        starts = [moment for _index, moment in zip(range(MAX_SESSIONS), rule, strict=False)]
        return max([*starts, *self.rdates]) if starts or self.rdates else None


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
