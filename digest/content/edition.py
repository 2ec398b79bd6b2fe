"""The week's shared data (`Edition`), and each reader's letter built from it without a query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from events import enums
from events.models import Atelier, Occurrence, SessionOverride
from events.templatetags.events_tags import registration_href
from network.models import BassinPage, Membership, ProfileVisibility, StructurePage
from network.templatetags.network_tags import phone_fr
from outbox.links import absolute_url

from ..weeks import monday_of
from .items import (
    BassinSection,
    Day,
    Digest,
    Entry,
    NewAtelier,
    NewMember,
    NewStructure,
    Reader,
    SessionView,
    matches,
)

PRO_CONDITION = Q(atelier__visibility=enums.Visibility.PROFESSIONALS) | ~Q(atelier__kind=enums.Kind.ATELIER)


def _registration_text(atelier) -> str:
    details = atelier.registration_details or ""
    if atelier.registration == enums.Registration.PHONE:
        details = phone_fr(details)
    return details


class Edition:
    """The data every letter of one week draws from, loaded with a fixed number of queries."""

    def __init__(self, *, week: str, now: datetime | None = None):
        self.week = week
        self.now = now or timezone.now()
        self.since = self.now
        self.start = monday_of(week)
        self.end = self.start + timedelta(days=settings.DIGEST["DAYS"] - 1)
        self.pro_end = self.start + timedelta(days=settings.DIGEST["PRO_DAYS"] - 1)
        self.bassins: list[BassinPage] = []
        self.live_bassin_ids: set[int] = set()
        self.sessions: dict[int, list[SessionView]] = defaultdict(list)
        self.pro_sessions: dict[int, list[SessionView]] = defaultdict(list)
        self.new_ateliers: list[NewAtelier] = []
        self.new_structures: list[NewStructure] = []
        self.new_members: list[NewMember] = []
        self._selections: dict = {}
        self._atelier_url: str | None = None

    @classmethod
    def load(cls, *, week: str, since: datetime, now: datetime | None = None) -> Edition:
        """Read the whole week's data; `since` is the earliest "last letter" among the readers to serve."""
        edition = cls(week=week, now=now)
        edition.load_territory()
        edition.load_news(since=since)
        return edition

    # Loading (one query per step) -----------------------------------------------------------------------

    def load_territory(self) -> None:
        """The bassins (what readers choose from) and the site's root, for the pages' addresses."""
        self.bassins = list(
            BassinPage.objects.live().order_by("title").only("title", "slug", "path", "depth")
        )
        self.live_bassin_ids = {bassin.pk for bassin in self.bassins}
        root = Site.objects.filter(is_default_site=True).values_list("root_page__url_path", flat=True).first()
        self._site_root = root or "/"

    def load_news(self, *, since: datetime) -> None:
        """Sessions of the coming days and what appeared since `since` (the earliest reader's last letter)."""
        self.since = since
        self._load_sessions()
        self._load_new_ateliers()
        self._load_new_structures()
        self._load_new_members()

    def bassin_of(self, bassin_id: int) -> int | None:
        """The structure's bassin if it is live (a letter speaks only of live bassins), else None."""
        return bassin_id if bassin_id in self.live_bassin_ids else None

    def page_url(self, url_path: str) -> str:
        return absolute_url() + "/" + url_path[len(self._site_root) :]

    def _load_sessions(self) -> None:
        """Sessions of the fortnight (and the professionals' events of `PRO_DAYS`), as plain rows: a chunk
        reads a few thousand, and model instances (a Wagtail page per row) cost more than the query."""
        columns = (
            *("start", "end", "local_date", "status", "commune", "place_name", "seats_taken", "note"),
            *("recurrence_id", "atelier_id", "atelier__title", "atelier__themes", "atelier__publics"),
            *("atelier__kind", "atelier__visibility", "atelier__capacity", "atelier__registration"),
            *("atelier__registration_details", "atelier__place_name", "atelier__commune"),
            *("atelier__created_at", "atelier__updated_at", "atelier__structure__title"),
            *("atelier__structure__bassin_id", "atelier__structure__commune"),
        )
        rows = (
            Occurrence.objects.filter(
                local_date__gte=self.start,
                local_date__lte=max(self.end, self.pro_end),
                end__gte=self.now,
                atelier__structure__live=True,
            )
            .filter(Q(local_date__lte=self.end) | PRO_CONDITION)
            .order_by("start", "atelier__title", "pk")
            .values_list(*columns)
        )
        changed = {
            (atelier_id, original_start): updated_at
            for atelier_id, original_start, updated_at in SessionOverride.objects.filter(
                updated_at__gt=self.since
            ).values_list("atelier_id", "original_start", "updated_at")
        }
        registration_labels = {value: str(label) for value, label in enums.Registration.choices}
        kind_labels = {value: str(label) for value, label in enums.Kind.choices}
        ateliers: dict[int, dict] = {}
        for row in rows:
            (start, end, local_date, status, commune, place_name, seats_taken, note, recurrence_id) = row[:9]
            (atelier_id, title, themes, publics, kind, visibility, capacity, registration) = row[9:17]
            (details, atelier_place, atelier_commune, created_at, updated_at) = row[17:22]
            (structure_title, structure_bassin, structure_commune) = row[22:]
            bassin_id = self.bassin_of(structure_bassin)
            if bassin_id is None:
                continue
            shared = ateliers.get(atelier_id)
            if shared is None:
                way = SimpleNamespace(registration=registration, registration_details=details)
                shared = ateliers[atelier_id] = {
                    "atelier_id": atelier_id,
                    "title": title,
                    "url": self.atelier_url(atelier_id),
                    "structure": structure_title,
                    "themes": frozenset(themes),
                    "publics": frozenset(publics),
                    "created_at": created_at,
                    "updated_at": updated_at,
                    "registration": registration_labels.get(registration, ""),
                    "registration_details": _registration_text(way),
                    "registration_href": registration_href(way),
                    "kind_label": kind_labels.get(kind, ""),
                }
            places_left = None if capacity is None else max(capacity - seats_taken, 0)
            view = SessionView(
                day=local_date,
                start=start,
                end=end,
                note=note,
                bassin_id=bassin_id,
                place=place_name or atelier_place or structure_title,
                commune=commune or atelier_commune or structure_commune,
                override_updated_at=changed.get((atelier_id, recurrence_id)),
                is_cancelled=status == enums.Status.CANCELLED,
                is_full=status == enums.Status.FULL or places_left == 0,
                places_left=places_left,
                **shared,
            )
            if visibility != enums.Visibility.PUBLIC or kind != enums.Kind.ATELIER:
                self.pro_sessions[bassin_id].append(view)
            elif local_date <= self.end:
                self.sessions[bassin_id].append(view)

    def atelier_url(self, atelier_id: int) -> str:
        """`events:atelier`, reversed once per edition: thousands of sessions link to their atelier."""
        if self._atelier_url is None:
            self._atelier_url = absolute_url() + reverse("events:atelier", kwargs={"pk": 2**31 - 1})
        return self._atelier_url.replace(str(2**31 - 1), str(atelier_id))

    def _load_new_ateliers(self) -> None:
        rows = (
            Atelier.objects.public()
            .filter(kind=enums.Kind.ATELIER, created_at__gt=self.since, last_session_date__gte=self.start)
            .exclude(status=enums.Status.CANCELLED)
            .annotate(next_start=Min("occurrences__start", filter=Q(occurrences__end__gte=self.now)))
            .filter(next_start__isnull=False)
            .order_by("next_start", "title")
            .values_list(
                *("pk", "title", "themes", "publics", "created_at", "commune", "next_start"),
                *("structure__title", "structure__bassin_id", "structure__commune"),
            )
        )
        for row in rows:
            (atelier_id, title, themes, publics, created_at, commune, next_start) = row[:7]
            (structure_title, structure_bassin, structure_commune) = row[7:]
            bassin_id = self.bassin_of(structure_bassin)
            if bassin_id is None:
                continue
            self.new_ateliers.append(
                NewAtelier(
                    atelier_id=atelier_id,
                    title=title,
                    url=self.atelier_url(atelier_id),
                    structure=structure_title,
                    commune=commune or structure_commune,
                    next_start=next_start,
                    bassin_id=bassin_id,
                    themes=frozenset(themes),
                    publics=frozenset(publics),
                    created_at=created_at,
                )
            )

    def _load_new_structures(self) -> None:
        structures = (
            StructurePage.objects.live()
            .public()
            .filter(first_published_at__gt=self.since)
            .only("title", "bassin", "url_path", "commune", "first_published_at")
            .order_by("title")
        )
        for structure in structures:
            bassin_id = self.bassin_of(structure.bassin_id)
            if bassin_id is not None:
                self.new_structures.append(
                    NewStructure(
                        title=structure.title,
                        url=self.page_url(structure.url_path),
                        commune=structure.commune,
                        bassin_id=bassin_id,
                        published_at=structure.first_published_at,
                    )
                )

    def _load_new_members(self) -> None:
        memberships = (
            Membership.objects.filter(created_at__gt=self.since, structure__live=True, user__is_active=True)
            .select_related("user", "user__member_profile", "structure")
            .only(
                *(
                    "created_at",
                    "user__first_name",
                    "user__last_name",
                    "structure__title",
                    "structure__bassin",
                ),
                *("user__member_profile__display_name", "user__member_profile__job_title"),
                "user__member_profile__visibility",
            )
            .order_by("created_at", "pk")
        )
        for membership in memberships:
            bassin_id = self.bassin_of(membership.structure.bassin_id)
            user = membership.user
            profile = getattr(user, "member_profile", None)
            visibility = profile.visibility if profile else ProfileVisibility.BASSIN
            if bassin_id is None or visibility == ProfileVisibility.HIDDEN:
                continue
            name = (profile.display_name if profile else "") or user.get_full_name()
            if not name:
                continue  # an address is never shown to other members
            self.new_members.append(
                NewMember(
                    user_id=user.pk,
                    name=name,
                    job_title=profile.job_title if profile else "",
                    structure=membership.structure.title,
                    bassin_id=bassin_id,
                    visibility=visibility,
                    joined_at=membership.created_at,
                )
            )

    # Building one reader's letter (no query) ------------------------------------------------------------

    def agenda_url(self, bassin: BassinPage, themes: frozenset[str], publics: frozenset[str]) -> str:
        query = [("du", self.start.isoformat()), ("au", self.end.isoformat())]
        query += [("theme", theme) for theme in sorted(themes)]
        query += [("public", public) for public in sorted(publics - {enums.TOUS_PUBLICS})]
        path = reverse("events:bassin_agenda", kwargs={"slug": bassin.slug})
        return f"{absolute_url()}{path}?{urlencode(query)}"

    def _selection(self, bassin: BassinPage, themes: frozenset[str], publics: frozenset[str]) -> Selection:
        """A bassin's sessions for one set of filters, computed once per edition: readers mostly share
        their filters, and a bassin holds hundreds of sessions a fortnight."""
        key = (bassin.pk, themes, publics)
        selection = self._selections.get(key)
        if selection is None:
            sessions = [s for s in self.sessions.get(bassin.pk, ()) if matches(themes, publics, s)]
            since = self.since
            recent = [
                s
                for s in sessions
                if s.created_at > since
                or s.updated_at > since
                or (s.override_updated_at is not None and s.override_updated_at > since)
            ]
            selection = self._selections[key] = Selection(
                sessions, recent, self.agenda_url(bassin, themes, publics)
            )
        return selection

    def digest_for(self, reader: Reader) -> Digest:
        limit = settings.DIGEST["NEWS_LIMIT"]
        per_bassin = settings.DIGEST["SESSIONS_PER_BASSIN"]
        bassins = [b for b in self.bassins if not reader.bassin_ids or b.pk in reader.bassin_ids]
        since = reader.since
        sections, changes, count, shown_ateliers = [], [], 0, set()
        for bassin in bassins:
            selection = self._selection(bassin, reader.themes, reader.publics)
            count += len(selection.sessions)
            for session in selection.recent:
                entry = _entry(session, since)
                if entry.is_changed:
                    changes.append(entry)
            if selection.sessions:
                shown = [_entry(session, since) for session in selection.sessions[:per_bassin]]
                shown_ateliers.update(entry.session.atelier_id for entry in shown)
                sections.append(
                    BassinSection(
                        bassin=bassin,
                        days=_by_day(shown),
                        more=len(selection.sessions) - len(shown),
                        agenda_url=selection.agenda_url,
                    )
                )
        chosen = {bassin.pk for bassin in bassins}
        digest = Digest(
            reader=reader,
            week=self.week,
            start=self.start,
            end=self.end,
            bassins=sections,
            sessions_count=count,
            changes=sorted(changes, key=lambda entry: entry.session.start)[:limit],
            new_ateliers=[
                atelier
                for atelier in self.new_ateliers
                if atelier.bassin_id in chosen
                and atelier.created_at > since
                and atelier.atelier_id not in shown_ateliers  # already flagged « Nouveau » above
                and reader.wants(atelier)
            ][:limit],
            new_structures=[
                structure
                for structure in self.new_structures
                if structure.bassin_id in chosen and structure.published_at > since
            ][:limit],
        )
        if reader.is_member:
            digest.new_members = [
                member
                for member in self.new_members
                if member.bassin_id in chosen
                and member.joined_at > since
                and member.user_id != reader.user_id
                and (
                    member.visibility == ProfileVisibility.NETWORK
                    or member.bassin_id in reader.member_bassin_ids
                )
            ][:limit]
            if reader.include_pro:
                pro = self._pro_sessions(tuple(chosen))
                digest.pro_count = len(pro)
                digest.pro_more = max(len(pro) - per_bassin, 0)
                digest.pro_days = _by_day([_entry(session, since) for session in pro[:per_bassin]])
        return digest

    def _pro_sessions(self, bassin_ids: tuple[int, ...]) -> list[SessionView]:
        sessions = self._selections.get(("pro", bassin_ids))
        if sessions is None:
            chosen = (s for bassin_id in bassin_ids for s in self.pro_sessions.get(bassin_id, ()))
            sessions = self._selections[("pro", bassin_ids)] = sorted(chosen, key=lambda s: s.start)
        return sessions


@dataclass
class Selection:
    sessions: list[SessionView]
    recent: list[SessionView]  # created or changed since the edition's earliest reader's last letter
    agenda_url: str


def _entry(session: SessionView, since: datetime) -> Entry:
    is_new = session.created_at > since
    is_changed = not is_new and (
        session.updated_at > since
        or (session.override_updated_at is not None and session.override_updated_at > since)
    )
    return Entry(session, is_new=is_new, is_changed=is_changed)


def _by_day(entries: list[Entry]) -> list[Day]:
    days: dict[date, list[Entry]] = {}
    for entry in entries:
        days.setdefault(entry.session.day, []).append(entry)
    return [Day(day=day, entries=items) for day, items in sorted(days.items())]
