"""What the iCal parser hands to the sync: plain events and French warnings (see `calendars.parse`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FeedWarning:
    code: str
    message: str
    uid: str = ""


@dataclass
class ParsedEvent:
    uid: str
    recurrence_id: datetime | None
    block_hash: str
    sequence: int
    last_modified: datetime | None
    start: datetime
    end: datetime
    all_day: bool
    rrule: str
    rdates: list[datetime]
    exdates: list[datetime]
    summary: str
    description: str
    location: str
    geo: tuple[float, float] | None
    categories: list[str]
    themes: list[str]
    status: str
    url: str


@dataclass
class ParseResult:
    events: list[ParsedEvent]
    unchanged_hashes: set[str]
    block_count: int
    warnings: list[FeedWarning]
    calendar_name: str


class NotICalendar(ValueError):
    """The data is no iCalendar at all (web page, JSON, empty answer): the feed address is probably wrong."""


class Notes:
    """Warnings in the order they arise, each once."""

    def __init__(self) -> None:
        self.items: list[FeedWarning] = []
        self.seen: set[FeedWarning] = set()

    def add(self, code: str, message: str, uid: str = "") -> None:
        item = FeedWarning(code, message, uid)
        if item not in self.seen:
            self.seen.add(item)
            self.items.append(item)


def skipped_message(uid: str, summary: str, reason: str) -> str:
    label = summary.strip() or uid or _("sans titre")
    return _(
        "L'événement « %(label)s » n'a pas été importé : %(reason)s. Corrigez-le dans votre agenda ; les "
        "autres événements sont importés normalement."
    ) % {"label": label, "reason": reason}


def skipped(notes: Notes, uid: str, summary: str, reason: str) -> None:
    notes.add("skipped_component", skipped_message(uid, summary, reason), uid)
