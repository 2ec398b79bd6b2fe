"""What a letter is made of: plain objects, built once per chunk or per reader, read by the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache

from django.utils import timezone, translation

from events import enums
from network.models import BassinPage
from network.text import french_date


@lru_cache(maxsize=2048)
def _day_label(day: date, language: str) -> str:
    return french_date(day, "l j F")


def day_label(day: date) -> str:
    """« mardi 15 décembre », formatted once per day: letters repeat the same few dates thousands of times."""
    return _day_label(day, translation.get_language())


def hour_label(moment: datetime) -> str:
    """14:00 → « 14 h », 14:30 → « 14 h 30 », in Paris time: how French agendas write hours."""
    local = timezone.localtime(moment)
    return f"{local.hour} h" if not local.minute else f"{local.hour} h {local.minute:02d}"


@dataclass(frozen=True)
class Reader:
    """Who a letter is for and what they asked for, detached from the ORM."""

    subscription_id: int | None
    user_id: int
    email: str
    first_name: str
    bassin_ids: frozenset[int]  # chosen bassins; empty: the whole region
    themes: frozenset[str]
    publics: frozenset[str]
    include_pro: bool
    member_bassin_ids: frozenset[int]  # bassins where they belong to a structure or coordinate
    since: datetime

    @property
    def is_member(self) -> bool:
        return bool(self.member_bassin_ids)

    def wants(self, item) -> bool:
        return matches(self.themes, self.publics, item)


def matches(themes: frozenset[str], publics: frozenset[str], item) -> bool:
    """An atelier (or its session) with one of `themes` and one of `publics` (empty: any); an atelier
    « Tous publics » matches any public, as in the agenda's filters."""
    if themes and not themes & item.themes:
        return False
    if publics and enums.TOUS_PUBLICS not in item.publics:
        return bool(publics & item.publics)
    return True


@dataclass
class SessionView:
    """One session as a letter shows it, prepared once per chunk and shared by every reader."""

    day: date
    start: datetime
    end: datetime
    note: str
    atelier_id: int
    bassin_id: int
    title: str
    url: str
    structure: str
    place: str
    commune: str
    themes: frozenset[str]
    publics: frozenset[str]
    created_at: datetime
    updated_at: datetime
    override_updated_at: datetime | None
    is_cancelled: bool
    is_full: bool
    places_left: int | None
    registration: str
    registration_details: str
    registration_href: str
    kind_label: str

    @cached_property
    def display_key(self) -> tuple:
        """Everything a letter shows of this session (see `digest.render.Fragments`)."""
        return (
            *(self.atelier_id, self.title, self.url, self.structure, self.place, self.commune),
            *(self.start, self.end, self.note, self.is_cancelled, self.is_full, self.places_left),
            *(self.registration, self.registration_details, self.registration_href, self.kind_label),
        )

    @cached_property
    def when_label(self) -> str:
        return f"{day_label(timezone.localdate(self.start))}, {hour_label(self.start)}"


@dataclass
class Entry:
    """A session in one reader's letter, with what changed for them since their last letter."""

    session: SessionView
    is_new: bool = False
    is_changed: bool = False


@dataclass
class Day:
    day: date
    entries: list[Entry]


@dataclass
class BassinSection:
    bassin: BassinPage
    days: list[Day]
    more: int
    agenda_url: str


@dataclass
class Digest:
    """One reader's letter for one week; `is_empty` letters are recorded, never sent."""

    reader: Reader
    week: str
    start: date
    end: date
    bassins: list[BassinSection]
    sessions_count: int
    new_ateliers: list = field(default_factory=list)
    changes: list[Entry] = field(default_factory=list)
    new_structures: list = field(default_factory=list)
    new_members: list = field(default_factory=list)
    pro_days: list[Day] = field(default_factory=list)
    pro_count: int = 0
    pro_more: int = 0

    @property
    def is_empty(self) -> bool:
        return not (
            self.sessions_count
            or self.pro_count
            or self.new_ateliers
            or self.new_structures
            or self.new_members
        )

    @property
    def week_number(self) -> int:
        return int(self.week.split("-W")[1])


@dataclass
class NewAtelier:
    atelier_id: int
    title: str
    url: str
    structure: str
    commune: str
    next_start: datetime | None
    bassin_id: int
    themes: frozenset[str]
    publics: frozenset[str]
    created_at: datetime

    @cached_property
    def next_label(self) -> str:
        return day_label(timezone.localdate(self.next_start)) if self.next_start else ""

    @property
    def display_key(self) -> tuple:
        return (self.atelier_id, self.title, self.url, self.structure, self.commune, self.next_label)


@dataclass
class NewStructure:
    title: str
    url: str
    commune: str
    bassin_id: int
    published_at: datetime

    @property
    def display_key(self) -> tuple:
        return (self.title, self.url, self.commune)


@dataclass
class NewMember:
    user_id: int
    name: str
    job_title: str
    structure: str
    bassin_id: int
    visibility: str
    joined_at: datetime

    @property
    def display_key(self) -> tuple:
        return (self.name, self.job_title, self.structure)
