"""Feed sync: a structure's iCal calendar turned into ateliers, again and again, without surprises.

What must stay true (see shared/research/anchors-events.md § 2 for the bugs other importers shipped):

- Idempotent: ateliers are keyed by (feed, UID), per-session changes by (atelier, RECURRENCE-ID); syncing the
  same calendar twice leaves the database as it was. Blocks whose hash (without DTSTAMP) is already stored are
  not even parsed.
- A master and its overrides share a UID: only the master is an atelier, each override is a
  `SessionOverride(from_feed=True)` of it.
- An older version (lower SEQUENCE, or same SEQUENCE and older LAST-MODIFIED) never overwrites a newer one.
- The calendar owns what it says (title, text, schedule, place, cancellation); Maillage owns what it cannot
  say (themes, publics, visibility, registration…): set from the feed's defaults on creation, never after.
  An atelier an editor detached is never touched again.
- Events that vanish are cancelled when still to come and left alone when past (Outlook drops old events);
  a vanished override is removed, the session returns to the series. Outlook's UID churn is detected and
  ateliers are then matched on start + title.
- A feed is synced in one transaction: a failure changes nothing already imported, and is recorded on the feed
  in French for the structure.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import enums
from ..bulk import insert_objects
from ..ical.parse import NotICalendar, parse_calendar
from ..models import Atelier, Feed, FeedStatus, SessionOverride
from ..occurrences import materialise_many
from ..recurrence import localize
from ..sanitize import clean_html
from . import fetch
from .sync_fields import (
    description_html,
    is_ahead,
    is_older,
    match_key,
    override_values,
    place_fields,
    plain_text,
    preview_of,
    schedule_fields,
    shorten,
    title_of,
)

logger = logging.getLogger(__name__)

MAX_WARNINGS = 50
SUMMARY_MAX = 280
MANUAL_FEED_NAME = "Import manuel"
NO_UID_PREFIX = "sans-uid"  # the parser names UID-less events "sans-uid-<hash of start + title>"
DTSTAMP_LINE = re.compile(rb"^DTSTAMP[;:][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*\r?\n?", re.MULTILINE | re.IGNORECASE)
# UID churn is only believed past this many previous events, and when most of them vanished at once.
CHURN_MIN_EVENTS = 3


class InvalidCalendar(fetch.FetchError):
    """The URL answers, but not with a calendar we can read: trying again will not help."""

    retryable = False


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: list = field(default_factory=list)  # {"code", "message", "uid"}
    preview: list = field(
        default_factory=list
    )  # {"title", "start", "end", "recurring", "status", "location"}
    not_modified: bool = False  # 304, or the same content as last time: nothing parsed
    event_count: int = 0

    def counts(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "cancelled": self.cancelled,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "events": self.event_count,
        }

    def warn(self, code: str, message: str, uid: str = "") -> None:
        item = {"code": code, "message": message, "uid": uid}
        if item not in self.warnings:
            self.warnings.append(item)


def content_hash(body: bytes) -> str:
    """sha256 of the calendar without its DTSTAMP lines: Google rewrites them on every download."""
    return hashlib.sha256(DTSTAMP_LINE.sub(b"", body)).hexdigest()


# ---- the workflows ------------------------------------------------------------------------------------


def sync_feed(*, feed: Feed, now: datetime | None = None, dry_run: bool = False) -> SyncReport:
    """Fetch `feed` (conditionally) and import it in one transaction; record the outcome on the feed.

    Raises `fetch.FetchError` (an `InvalidCalendar` when the body is no calendar) after recording it: the
    caller (the Celery task) decides whether to retry. With `dry_run`, nothing is written, the feed included.
    """
    now = now or timezone.now()
    feed.last_fetch_at = now
    try:
        result = fetch.fetch_feed(
            feed.url,
            etag="" if dry_run else feed.etag,
            last_modified="" if dry_run else feed.last_modified_header,
        )
        moved = _follow_move(feed, result.moved_to, dry_run)
        if result.not_modified:
            return _with_move(_record_unchanged(feed, now, dry_run), moved)
        digest = content_hash(result.body or b"")
        if digest == feed.content_hash and not dry_run:
            validators = {"etag": result.etag, "last_modified": result.last_modified}
            return _with_move(_record_unchanged(feed, now, dry_run, **validators), moved)
        with transaction.atomic():  # the ateliers and the feed's outcome: one commit
            report = import_calendar(
                structure=feed.structure, data=result.body or b"", feed=feed, dry_run=dry_run, now=now
            )
            _with_move(report, moved)
            if not dry_run:
                _record_success(feed, now, report, result, digest)
    except fetch.FetchError as error:
        _record_failure(feed, error.message, dry_run)
        raise
    except NotICalendar as error:
        _record_failure(feed, str(error), dry_run)
        raise InvalidCalendar(str(error)) from error
    except Exception as error:
        logger.exception("Feed %s: import failed", feed.pk)
        message = _(
            "Le calendrier a été téléchargé mais sa lecture a échoué à cause d'une erreur de Maillage. "
            "Rien n'a été modifié ; l'équipe technique a été prévenue."
        )
        _record_failure(feed, message, dry_run)
        raise InvalidCalendar(message) from error
    return report


def preview_feed(*, feed: Feed) -> SyncReport:
    """What activating `feed` would import (first events, warnings, counts); writes nothing at all."""
    return sync_feed(feed=feed, dry_run=True)


def import_calendar(
    *, structure, data: bytes, feed: Feed | None = None, dry_run: bool = False, now: datetime | None = None
) -> SyncReport:
    """Create, update and cancel the ateliers of `feed` (of `structure`) from the calendar `data`.

    Without a feed, the structure's inactive "Import manuel" feed keys the ateliers, so that importing the
    same file again updates instead of duplicating. Raises `NotICalendar` when `data` is no calendar.
    Atomic: with `dry_run`, everything is rolled back and only the report remains.
    """
    now = now or timezone.now()
    # A savepoint only for a dry run, which rolls back to it; otherwise the caller's transaction is enough.
    with transaction.atomic(savepoint=dry_run):
        if feed is None:
            feed = get_manual_feed(structure=structure)
        report = _Import(feed=feed, structure=structure, now=now, dry_run=dry_run).run(data)
        if dry_run:
            transaction.set_rollback(True)
    return report


def get_manual_feed(*, structure, source: str = "") -> Feed:
    """The inactive feed that keys one-off imports of `source` (a path or a URL) into `structure`.

    A feed already set up with that URL is reused, so an import by hand and the scheduled sync agree.
    """
    existing = Feed.objects.filter(structure=structure, url=source).order_by("pk").first()
    if existing is not None:
        return existing
    return Feed.objects.create(structure=structure, url=source, name=MANUAL_FEED_NAME, active=False)


OUTCOME_FIELDS = [
    "status",
    "failing_since",
    "last_fetch_at",
    "last_success_at",
    "consecutive_failures",
    "last_error",
    "unchanged_fetches",
    "next_run_at",
]


def _record_unchanged(feed, now, dry_run, *, etag=None, last_modified=None) -> SyncReport:
    if not dry_run:
        feed.status = FeedStatus.OK
        feed.last_success_at = now
        feed.consecutive_failures = 0
        feed.failing_since = None
        feed.last_error = ""
        feed.unchanged_fetches += 1
        if etag is not None:
            feed.etag, feed.last_modified_header = etag, last_modified
        feed.schedule_next_run(now)
        feed.save(update_fields=[*OUTCOME_FIELDS, "etag", "last_modified_header"])
    return SyncReport(not_modified=True)


def _follow_move(feed, moved_to: str, dry_run: bool) -> str:
    """A calendar that moved for good (301/308 all the way) is fetched at its new address from now on.

    Returns the new address when it changed, for the report; a preview only reports it."""
    if not moved_to or moved_to == feed.url:
        return ""
    if not dry_run:
        logger.info("Feed %s moved permanently from %s to %s", feed.pk, feed.url, moved_to)
        feed.url = moved_to
        Feed.objects.filter(pk=feed.pk).update(url=moved_to)
    return moved_to


def _with_move(report: SyncReport, moved: str) -> SyncReport:
    if moved:
        report.warn(
            "moved",
            _(
                "Votre calendrier a changé d'adresse de façon définitive : Maillage le lit désormais à "
                "l'adresse %(url)s."
            )
            % {"url": moved},
        )
    return report


def _record_success(feed, now, report, result, digest) -> None:
    """Inside the import's transaction: the feed never says "à jour" for ateliers that were rolled back."""
    feed.status = FeedStatus.OK
    feed.last_success_at = now
    feed.consecutive_failures = 0
    feed.failing_since = None
    feed.last_error = ""
    changed = report.created or report.updated or report.cancelled
    feed.unchanged_fetches = 0 if changed else feed.unchanged_fetches + 1
    feed.last_counts = report.counts()
    feed.warnings = report.warnings[:MAX_WARNINGS]
    feed.etag, feed.last_modified_header, feed.content_hash = result.etag, result.last_modified, digest
    feed.schedule_next_run(now)
    feed.save(
        update_fields=[
            *OUTCOME_FIELDS,
            "last_counts",
            "warnings",
            "etag",
            "last_modified_header",
            "content_hash",
            "uid_strategy",
        ]
    )


def _record_failure(feed, message: str, dry_run: bool) -> None:
    if dry_run:
        return
    feed.status = FeedStatus.FAILING
    if not feed.consecutive_failures or feed.failing_since is None:
        feed.failing_since = feed.last_fetch_at or timezone.now()
    feed.consecutive_failures += 1
    feed.last_error = message
    feed.schedule_next_run(feed.last_fetch_at)
    feed.save(
        update_fields=[
            "status",
            "last_fetch_at",
            "consecutive_failures",
            "failing_since",
            "last_error",
            "next_run_at",
        ]
    )


# ---- one import run ------------------------------------------------------------------------------------


# What a run reads of every atelier of the feed: enough to match blocks, cancel, re-key and rebuild sessions.
# The rest (description, prices, registration...) is loaded by `_Import._complete` for the few that change:
# loading whole rows of a feed's every atelier was most of a re-sync after a few changes.
SYNC_FIELDS = (
    "structure",
    "feed",
    "remote_uid",
    "remote_sequence",
    "remote_last_modified",
    "block_hash",
    "detached",
    "status",
    "title",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "all_day",
    "rrule",
    "rdates",
    "exdates",
    "place_name",
    "address",
    "commune",
    "latitude",
    "longitude",
)


class _Import:
    """One run over one feed: what is stored, what the calendar says, and the writes that reconcile them."""

    def __init__(self, *, feed: Feed, structure, now: datetime, dry_run: bool):
        self.feed, self.structure, self.now, self.dry_run = feed, structure, now, dry_run
        self.report = SyncReport()
        # Light rows (tuples) for every atelier of the feed; an `Atelier` is built only for those a run
        # touches (`_atelier`): most of a re-sync after a few changes went into building all of them.
        # In the model's field order: `Model.from_db` reads the values of a partial row in that order.
        wanted = {"id", *(Atelier._meta.get_field(name).attname for name in SYNC_FIELDS)}
        columns = [field.attname for field in Atelier._meta.concrete_fields if field.attname in wanted]
        self.columns = columns
        self.rows = {
            row.id: row for row in Atelier.objects.filter(feed=feed).values_list(*columns, named=True)
        }
        self.uid_pk = {row.remote_uid: row.id for row in self.rows.values()}
        self.loaded: dict[int, Atelier] = {}
        self.by_uid: dict[str, Atelier] = {}  # ateliers built or created in this run, by UID
        self.overrides = list(SessionOverride.objects.filter(atelier__feed=feed))
        self.override_by_key = {(item.atelier_id, item.original_start): item for item in self.overrides}
        self.present: set[int] = set()
        self.present_overrides: set[tuple] = set()
        self.created: list[Atelier] = []
        self.updated: set[int] = set()
        self.skipped: set = set()
        self.touched: dict[int, Atelier] = {}
        self.new_overrides: list[SessionOverride] = []
        self.deleted_overrides: set[int] = set()

    def run(self, data: bytes) -> SyncReport:
        known = {row.block_hash for row in self.rows.values() if row.block_hash}
        known |= {item.block_hash for item in self.overrides if item.from_feed and item.block_hash}
        result = parse_calendar(data, known_hashes=frozenset(known))
        self.report.event_count = result.block_count
        for warning in result.warnings:
            self.report.warn(warning.code, warning.message, warning.uid)
        self._mark_unchanged(result.unchanged_hashes)
        masters, overrides = {}, []
        for event in result.events:
            if event.recurrence_id is not None:
                overrides.append(event)
                continue
            uid = (
                event.uid.strip()
                or NO_UID_PREFIX
                + hashlib.sha1(repr(match_key(event.start, title_of(event))).encode()).hexdigest()
            )
            kept = masters.get(uid)
            if kept is None or is_older(kept, event.sequence, event.last_modified):
                masters[uid] = event
        self._rekey_churned(masters)
        self._complete([self._atelier(uid) for uid in masters if uid in self.uid_pk])
        for uid, event in masters.items():
            self._upsert_atelier(uid, event)
        self._flush_created()
        for event in overrides:
            self._upsert_override(event)
        self._flush_created()
        if self.new_overrides:
            SessionOverride.objects.bulk_create(self.new_overrides)
        self._vanish()
        if not self.dry_run:
            self._materialise()
        self._count()
        self.report.preview = preview_of([*masters.values(), *overrides], self.now)
        return self.report

    def _materialise(self) -> None:
        """New and changed ateliers get their occurrences rebuilt together (`materialise_many`): a first
        import of a big calendar would otherwise cost a transaction per atelier."""
        created = {atelier.pk for atelier in self.created}
        ateliers = [*self.created, *(a for a in self.touched.values() if a.pk not in created)]
        if not ateliers:
            return
        overrides: dict[int, list] = {}
        for item in [*self.overrides, *self.new_overrides]:
            if item.pk not in self.deleted_overrides or item.pk is None:
                overrides.setdefault(item.atelier_id, []).append(item)
        materialise_many(ateliers, overrides=overrides)

    def _complete(self, ateliers: list[Atelier]) -> None:
        """Load in one query the fields `SYNC_FIELDS` left out, for ateliers about to be compared or saved."""
        pending = {a.pk: a for a in ateliers if a.pk and a.get_deferred_fields()}
        if not pending:
            return
        names = set().union(*(atelier.get_deferred_fields() for atelier in pending.values()))
        for row in Atelier.objects.filter(pk__in=list(pending)).values("pk", *names):
            atelier = pending[row.pop("pk")]
            for name, value in row.items():
                setattr(atelier, name, value)

    def _atelier(self, uid: str) -> Atelier | None:
        """The atelier keyed `uid`: created in this run, or built from its stored row (cached)."""
        atelier = self.by_uid.get(uid)
        if atelier is None and uid in self.uid_pk:
            atelier = self._by_pk(self.uid_pk[uid])
            self.by_uid[uid] = atelier
        return atelier

    def _by_pk(self, pk: int) -> Atelier:
        atelier = self.loaded.get(pk)
        if atelier is None:
            atelier = Atelier.from_db(Atelier.objects.db, self.columns, tuple(self.rows[pk]))
            atelier.structure = self.structure
            self.loaded[pk] = atelier
        return atelier

    def _mark_unchanged(self, hashes: set[str]) -> None:
        for row in self.rows.values():
            if row.block_hash in hashes:
                self.present.add(row.id)
        for item in self.overrides:
            if item.from_feed and item.block_hash in hashes:
                self.present_overrides.add((item.atelier_id, item.original_start))

    def _rekey_churned(self, masters: dict) -> None:
        """Office 365 gives every event a new UID on each download: find them again by start and title."""
        incoming = [uid for uid in masters if uid not in self.uid_pk and not uid.startswith(NO_UID_PREFIX)]
        keyed = [
            r for r in self.rows.values() if not r.detached and not r.remote_uid.startswith(NO_UID_PREFIX)
        ]
        gone = [r for r in keyed if r.id not in self.present and r.remote_uid not in masters]
        if not incoming or not gone:
            return
        by_key = {match_key(datetime.combine(r.start_date, r.start_time), r.title): r for r in gone}
        matches = []
        for uid in incoming:
            row = by_key.pop(match_key(masters[uid].start, title_of(masters[uid])), None)
            if row is not None:
                matches.append((uid, row))
        churning = (
            len(keyed) >= CHURN_MIN_EVENTS and 2 * len(gone) > len(keyed) and 2 * len(matches) >= len(gone)
        )
        if not matches or not (churning or self.feed.uid_strategy == "start_title"):
            return
        for uid, row in matches:
            atelier = self._by_pk(row.id)
            self.by_uid.pop(atelier.remote_uid, None)
            del self.uid_pk[atelier.remote_uid]
            atelier.remote_uid = uid
            self.by_uid[uid] = atelier
            self.uid_pk[uid] = row.id
        if self.feed.uid_strategy != "start_title":
            self.report.warn(
                "uid_churn",
                _(
                    "Votre agenda Outlook change l'identifiant des événements à chaque lecture : "
                    "Maillage les reconnaît désormais à leur date, leur heure et leur titre. Si vous "
                    "changez le titre d'un événement, il sera remplacé par un nouvel atelier."
                ),
            )
            if not self.dry_run:
                self.feed.uid_strategy = "start_title"
                Feed.objects.filter(pk=self.feed.pk).update(uid_strategy="start_title")

    def _upsert_atelier(self, uid: str, event) -> None:
        atelier = self._atelier(uid)
        if atelier is not None:
            self._complete([atelier])  # already done, in one query, for the series of the calendar
            self.present.add(atelier.pk)
            if atelier.detached or is_older(event, atelier.remote_sequence, atelier.remote_last_modified):
                self.skipped.add(atelier.pk)
                if atelier.remote_uid != uid and not self.dry_run:  # re-keyed by start + title
                    Atelier.objects.filter(pk=atelier.pk).update(remote_uid=uid)
                return
        if len(event.rrule) > Atelier._meta.get_field("rrule").max_length:
            self.skipped.add(uid)
            self.report.warn(
                "rrule_too_long",
                _("« %(title)s » : sa règle de répétition est trop longue pour être importée.")
                % {"title": title_of(event)},
                uid,
            )
            return
        values = self._content(event, atelier)
        bookkeeping = {
            "remote_uid": uid,
            "remote_sequence": event.sequence,
            "remote_last_modified": event.last_modified,
            "block_hash": event.block_hash,
        }
        if atelier is None:
            atelier = Atelier(
                structure=self.structure,
                feed=self.feed,
                source=enums.Source.FEED,
                **self._defaults(event),
                **values,
                **bookkeeping,
            )
            self.created.append(atelier)
            self.by_uid[uid] = atelier
            return
        changed = {name for name, value in values.items() if getattr(atelier, name) != value}
        for name, value in [*values.items(), *bookkeeping.items()]:
            setattr(atelier, name, value)
        if changed:
            atelier.save(refresh_occurrences=False)
            self.updated.add(atelier.pk)
            self.touched[atelier.pk] = atelier
        else:
            Atelier.objects.filter(pk=atelier.pk).update(**bookkeeping)

    def _content(self, event, atelier: Atelier | None) -> dict:
        """The fields the calendar owns, rewritten whenever its block changes."""
        if event.status == "CANCELLED":
            status = enums.Status.CANCELLED
        elif atelier is None or atelier.status == enums.Status.CANCELLED:
            status = enums.Status.SCHEDULED
        else:
            status = atelier.status  # « complet » or « reporté », set here, stays
        text = plain_text(event.description)
        description = description_html(event.description)
        if event.url.lower().startswith(("http://", "https://")):
            link = f'<p><a href="{html.escape(event.url)}">{html.escape(_("Plus d’informations"))}</a></p>'
            description = clean_html(description + link)
        place = place_fields(event.location) or {
            "place_name": self.feed.default_place_name,
            "address": self.feed.default_address,
            "postal_code": "",
            "commune": self.feed.default_commune,
        }
        latitude, longitude = event.geo or (None, None)
        return {
            "title": title_of(event),
            "summary": shorten(text, SUMMARY_MAX),
            "description": description,
            "status": status,
            **schedule_fields(event),
            **place,
            "latitude": latitude,
            "longitude": longitude,
        }

    def _defaults(self, event) -> dict:
        """Maillage's own fields, which a calendar cannot express: from the feed's defaults, once."""
        themes = list(dict.fromkeys([*self.feed.default_themes, *event.themes]))
        return {
            "themes": themes,
            "publics": list(self.feed.default_publics),
            "visibility": self.feed.default_visibility,
        }

    def _flush_created(self) -> None:
        """Insert the new ateliers with one `executemany`, then read their ids back by UID (one query)."""
        pending = [atelier for atelier in self.created if atelier.pk is None]
        if not pending:
            return
        insert_objects(Atelier, pending)
        ids = dict(Atelier.objects.filter(feed=self.feed).values_list("remote_uid", "pk"))
        for atelier in pending:
            atelier.pk = ids[atelier.remote_uid]
            atelier._state.adding = False
            self.present.add(atelier.pk)

    def _upsert_override(self, event) -> None:
        uid = event.uid.strip()
        atelier = self._atelier(uid)
        if atelier is None or atelier.pk is None:
            # A moved session whose series is not in the calendar (Google exports of changes only).
            key = f"{uid}#{event.recurrence_id.isoformat()}"
            self._upsert_atelier(key, event)
            self._flush_created()
            return
        if atelier.detached:
            return
        original = localize(event.recurrence_id)
        key = (atelier.pk, original)
        self.present_overrides.add(key)
        override = self.override_by_key.get(key)
        if override is not None and is_older(event, override.remote_sequence, None):
            return
        values = override_values(event, atelier)
        bookkeeping = {"remote_sequence": event.sequence, "block_hash": event.block_hash}
        if override is None:
            override = SessionOverride(
                atelier=atelier, original_start=original, from_feed=True, **values, **bookkeeping
            )
            self.new_overrides.append(override)
            self.override_by_key[key] = override
            self._touch(atelier)
            return
        changed = any(getattr(override, name) != value for name, value in values.items())
        for name, value in [*values.items(), *bookkeeping.items()]:
            setattr(override, name, value)
        if changed:
            override.sequence += 1
            SessionOverride.objects.filter(pk=override.pk).update(
                sequence=override.sequence, **values, **bookkeeping
            )
            self._touch(atelier)
        else:
            SessionOverride.objects.filter(pk=override.pk).update(**bookkeeping)

    def _touch(self, atelier: Atelier) -> None:
        if atelier not in self.created:
            self.touched[atelier.pk] = atelier
            self.updated.add(atelier.pk)

    def _vanish(self) -> None:
        """Gone from the calendar: cancel what is still to come, leave the past as it happened."""
        candidates = [
            self._by_pk(row.id)
            for row in self.rows.values()
            if row.id not in self.present and not row.detached and row.status != enums.Status.CANCELLED
        ]
        gone = [atelier for atelier in candidates if is_ahead(atelier, self.now)]
        self._complete(gone)
        for atelier in gone:
            atelier.status = enums.Status.CANCELLED
            atelier.block_hash = ""  # back in the calendar one day: read again, and restored
            atelier.save(refresh_occurrences=False)
            self.touched[atelier.pk] = atelier
            self.report.cancelled += 1
        vanished = [
            item
            for item in self.overrides
            if item.from_feed
            and (item.atelier_id, item.original_start) not in self.present_overrides
            and item.atelier_id in self.present
            and item.original_start >= self.now
        ]
        vanished = [item for item in vanished if not self.rows[item.atelier_id].detached]
        if vanished:
            SessionOverride.objects.filter(pk__in=[item.pk for item in vanished]).delete()
            self.deleted_overrides |= {item.pk for item in vanished}
            for item in vanished:
                self._touch(self._by_pk(item.atelier_id))

    def _count(self) -> None:
        created = {atelier.pk for atelier in self.created}
        cancelled = {pk for pk, atelier in self.touched.items() if pk not in self.present}
        report = self.report
        report.created = len(created)
        report.updated = len(self.updated - created - cancelled)
        report.skipped = len(self.skipped)
        report.unchanged = len(self.present - created - self.updated - self.skipped)
