"""One import run over one feed: what is stored, what the calendar says, and the writes that reconcile them.

Why it reads and writes this way: a feed is polled every hour and is nearly always unchanged but for a few
events. So a run first loads a light index of the feed's ateliers (id, UID, block hash, detached, status: no
text, no JSON), lets the parser skip every block whose hash it already knows, and only then loads the rows
it needs (`LOADED_FIELDS`, what the calendar owns and the sessions are built from), in one query: those of
the ateliers the changed blocks name, and those that vanished from the calendar. The writes go out with the
ORM's bulk operations (`bulk_create`, `bulk_update`, an upsert keyed by atelier and RECURRENCE-ID for
per-session changes), not one `save()` per atelier, so that the cost of a re-sync follows the number of
changed events, not the size of the calendar. Sessions of the ateliers whose schedule changed
are rebuilt by `events.domain.rebuild_many_sessions`, called here explicitly; new ateliers are inserted
with theirs by `events.domain.create_ateliers`.

The rules the run keeps (idempotence, SEQUENCE, vanished events, UID churn...) are those listed in
`calendars.sync`.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from events import enums
from events.domain import create_ateliers, rebuild_many_sessions
from events.models import Atelier, SessionOverride
from events.occurrences import SESSION_FIELDS
from events.recurrence import localize

from . import limits
from .models import Feed
from .parse import parse_calendar
from .report import SyncReport
from .sync_fields import (
    BOOKKEEPING_FIELDS,
    CONTENT_FIELDS,
    LOADED_FIELDS,
    OVERRIDE_FIELDS,
    content_values,
    feed_defaults,
    is_ahead,
    is_older,
    match_key,
    override_values,
    read_index,
    title_of,
)
from .types import skipped_message

__all__ = ["CONTENT_FIELDS", "PAST_GONE", "FeedImport"]

NO_UID_PREFIX = "sans-uid"  # the parser names UID-less events "sans-uid-<hash of start + title>"
# UID churn is only believed past this many previous events, and when most of them vanished at once.
CHURN_MIN_EVENTS = 3
# The block hash of an atelier that left the calendar once it was over (Outlook drops old events): such
# ateliers stay as they happened and later runs no longer load them. Never a sha256, so an event that comes
# back is read again.
PAST_GONE = "passé"
LOAD_BATCH = 500  # primary keys per query, well under every database's limit on parameters

logger = logging.getLogger(__name__)


class FeedImport:
    """One run: `FeedImport(feed=..., structure=..., now=..., dry_run=...).run(data)` returns a `SyncReport`.

    Must run inside a transaction (`calendars.sync.import_calendar` opens it): its writes are spread
    over the run, and a failure half-way must leave nothing behind.
    """

    def __init__(self, *, feed: Feed, structure, now: datetime, dry_run: bool):
        self.feed, self.structure, self.now, self.dry_run = feed, structure, now, dry_run
        self.report = SyncReport()
        self.window_start = timezone.localtime(now).replace(tzinfo=None) - timedelta(days=366)
        self.index, has_overrides = read_index(feed)
        self.uid_pk = {row.remote_uid: row.id for row in self.index.values()}
        self.loaded: dict[int, Atelier] = {}  # `LOADED_FIELDS` of the ateliers it needs, after parsing
        self.by_uid: dict[str, Atelier] = {}  # ateliers built or created in this run, by UID
        self.overrides = list(SessionOverride.objects.filter(atelier__feed=feed)) if has_overrides else []
        self.override_by_key = {(item.atelier_id, item.original_start): item for item in self.overrides}
        self.present: set[int] = set()
        self.present_overrides: set[tuple] = set()
        self.created: list[Atelier] = []
        self.updated: set[int] = set()
        self.skipped: set = set()
        self.touched: dict[int, Atelier] = {}  # whose sessions are rebuilt
        self.saved: dict[int, Atelier] = {}  # written back: their changed fields, bookkeeping, SEQUENCE
        self.saved_fields: dict[int, set[str]] = {}
        self.restamped: dict[int, Atelier] = {}  # same content, new block: only `BOOKKEEPING_FIELDS`
        self.new_overrides: list[SessionOverride] = []
        self.written_overrides: dict[tuple, SessionOverride] = {}  # new or changed: upserted in one query
        self.restamped_overrides: list[SessionOverride] = []  # same change, new block: bookkeeping only
        self.deleted_overrides: set[int] = set()
        self.sessions_changed: set[int] = set()  # ateliers one of whose session changes came or went
        self.many_dates: list[str] = []  # titles of the series whose RDATEs or EXDATEs were cut

    def run(self, data: bytes) -> SyncReport:
        known = {row.block_hash for row in self.index.values() if row.block_hash}
        known |= {item.block_hash for item in self.overrides if item.from_feed and item.block_hash}
        result = parse_calendar(
            data,
            known_hashes=frozenset(known),
            max_events=settings.MAILLAGE_FEED_MAX_EVENTS,
            today=timezone.localdate(self.now),
        )
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
        self._load(masters, overrides)
        self._rekey_churned(masters)
        for uid, event in masters.items():
            self._guarded(event, self._upsert_atelier, uid, event)
        self._flush_created()
        for event in overrides:
            self._guarded(event, self._upsert_override, event)
        self._flush_created()
        self._write_overrides()
        self._vanish()
        self._write()
        if not self.dry_run:
            self._materialise()
        self._warn_limits()
        self._count()
        self.report.events, self.report.now = [*masters.values(), *overrides], self.now
        return self.report

    # ---- reading ---------------------------------------------------------------------------------------

    def _load(self, masters: dict, overrides: list) -> None:
        """Load (`LOADED_FIELDS`), in one query, the ateliers this run may compare, save or cancel: those
        the read blocks name, and those that vanished and may still be ahead. (Outlook's re-keying loads its
        own.)"""
        named = set(masters)
        for event in overrides:
            uid = event.uid.strip()
            named |= {uid, f"{uid}#{event.recurrence_id.isoformat()}"}
        wanted = {self.uid_pk[uid] for uid in named if uid in self.uid_pk}
        wanted |= {
            row.id
            for row in self.index.values()
            if row.id not in self.present
            and row.remote_uid not in named
            and not row.detached
            and row.status != enums.Status.CANCELLED
            and row.block_hash != PAST_GONE
        }
        self._fetch(wanted)

    def _fetch(self, pks) -> None:
        pks = sorted(pk for pk in pks if pk not in self.loaded)
        for offset in range(0, len(pks), LOAD_BATCH):
            batch = Atelier.objects.filter(pk__in=pks[offset : offset + LOAD_BATCH]).only(*LOADED_FIELDS)
            for atelier in batch.order_by():
                atelier.structure = self.structure
                self.loaded[atelier.pk] = atelier

    def _by_pk(self, pk: int) -> Atelier:
        if pk not in self.loaded:  # `_load` foresees every need; this is the safety net
            self._fetch([pk])
        return self.loaded[pk]

    def _atelier(self, uid: str) -> Atelier | None:
        """The atelier keyed `uid`: created in this run, or the stored one."""
        atelier = self.by_uid.get(uid)
        if atelier is None and uid in self.uid_pk:
            atelier = self._by_pk(self.uid_pk[uid])
            self.by_uid[uid] = atelier
        return atelier

    def _mark_unchanged(self, hashes: set[str]) -> None:
        for row in self.index.values():
            if row.block_hash in hashes:
                self.present.add(row.id)
        for item in self.overrides:
            if item.from_feed and item.block_hash in hashes:
                self.present_overrides.add((item.atelier_id, item.original_start))

    def _rekey_churned(self, masters: dict) -> None:
        """Office 365 gives every event a new UID on each download: find them again by start and title."""
        incoming = [uid for uid in masters if uid not in self.uid_pk and not uid.startswith(NO_UID_PREFIX)]
        keyed = [
            r for r in self.index.values() if not r.detached and not r.remote_uid.startswith(NO_UID_PREFIX)
        ]
        gone_ids = [r.id for r in keyed if r.id not in self.present and r.remote_uid not in masters]
        if not incoming or not gone_ids:
            return
        self._fetch(gone_ids)
        gone = [self.loaded[pk] for pk in gone_ids]
        by_key = {match_key(atelier.first_start, atelier.title): atelier for atelier in gone}
        matches = []
        for uid in incoming:
            atelier = by_key.pop(match_key(masters[uid].start, title_of(masters[uid])), None)
            if atelier is not None:
                matches.append((uid, atelier))
        churning = (
            len(keyed) >= CHURN_MIN_EVENTS and 2 * len(gone) > len(keyed) and 2 * len(matches) >= len(gone)
        )
        if not matches or not (churning or self.feed.uid_strategy == "start_title"):
            return
        for uid, atelier in matches:
            self.by_uid.pop(atelier.remote_uid, None)
            del self.uid_pk[atelier.remote_uid]
            atelier.remote_uid = uid
            self.by_uid[uid] = atelier
            self.uid_pk[uid] = atelier.pk
        # Stored at once: an atelier created later in this run may take an old UID back.
        Atelier.objects.bulk_update([atelier for _uid, atelier in matches], ["remote_uid"])
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

    # ---- reconciling -----------------------------------------------------------------------------------

    def _guarded(self, event, step, *args) -> None:
        """Run one event's `step`: if it raises, the event is skipped with a warning and the others are
        imported. Database errors are not caught: they leave the transaction unusable, the run fails whole."""
        try:
            step(*args)
        except DatabaseError:
            raise
        except Exception as error:  # noqa: BLE001 - one odd event must not cost the whole calendar
            logger.warning("Feed %s: event %r skipped", self.feed.pk, event.uid, exc_info=True)
            reason = _("il est mal écrit (%(error)s)") % {"error": str(error)[:120]}
            self.skipped.add(event.uid)
            self.report.warn(
                "skipped_component", skipped_message(event.uid, title_of(event), reason), event.uid
            )

    def _upsert_atelier(self, uid: str, event) -> None:
        atelier = self._atelier(uid)
        if atelier is not None:
            self.present.add(atelier.pk)
            if atelier.detached or is_older(event, atelier.remote_sequence, atelier.remote_last_modified):
                self.skipped.add(atelier.pk)
                return
        if len(uid) > Atelier._meta.get_field("remote_uid").max_length:
            self.skipped.add(uid)
            reason = _("son identifiant (UID) est trop long")
            self.report.warn("skipped_component", skipped_message("", title_of(event), reason))
            return
        limit = settings.MAILLAGE_FEED_MAX_DATES_PER_SERIES
        if limits.cap_dates(event, limit=limit, since=self.window_start):
            self.many_dates.append(title_of(event))
        if len(event.rrule) > Atelier._meta.get_field("rrule").max_length:
            self.skipped.add(uid)
            self.report.warn(
                "rrule_too_long",
                _("« %(title)s » : sa règle de répétition est trop longue pour être importée.")
                % {"title": title_of(event)},
                uid,
            )
            return
        values = content_values(event, atelier=atelier, feed=self.feed)
        bookkeeping = {
            "remote_uid": uid,
            "remote_sequence": event.sequence,
            "remote_last_modified": event.last_modified,
            "block_hash": event.block_hash,
        }
        if atelier is None:
            # Built with its defaults, then given its values: `Atelier(**values)` looks up each of its
            # 55 fields in the keywords and raises a KeyError for the 28 it is not given, the dearest part
            # of building the thousands of ateliers of a first import.
            atelier = Atelier()
            atelier.structure, atelier.feed, atelier.source = self.structure, self.feed, enums.Source.FEED
            for fields in (feed_defaults(event, self.feed), values, bookkeeping):
                for name, value in fields.items():
                    setattr(atelier, name, value)
            self.created.append(atelier)
            self.by_uid[uid] = atelier
            return
        changed = {name for name, value in values.items() if getattr(atelier, name) != value}
        for name, value in [*values.items(), *bookkeeping.items()]:
            setattr(atelier, name, value)
        if changed:
            self._save(atelier, changed, sessions=not changed.isdisjoint(SESSION_FIELDS))
            self.updated.add(atelier.pk)
        else:
            self.restamped[atelier.pk] = atelier

    def _save(self, atelier: Atelier, fields: set[str], *, sessions: bool = True) -> None:
        """Write back `fields` of `atelier` (with its bookkeeping, SEQUENCE raised and `updated_at`); rebuild
        its sessions only when what they show changed (`sessions`)."""
        if atelier.pk not in self.saved:
            atelier.sequence += 1
            atelier.updated_at = timezone.now()  # `auto_now`, which `QuerySet.update` does not stamp
        self.saved[atelier.pk] = atelier
        self.saved_fields.setdefault(atelier.pk, set()).update(fields)
        if sessions:
            self.touched[atelier.pk] = atelier

    def _flush_created(self) -> None:
        """Insert the new ateliers and their sessions with `events.domain.create_ateliers` (`bulk_create`,
        which sets their primary keys; each row written once).

        Not `update_conflicts`: (feed, UID) is unique through a partial index (only where a feed is set),
        which PostgreSQL's ON CONFLICT cannot name without its condition; the index read first already
        tells new UIDs from known ones, inside the feed's transaction and lock.
        """
        pending = [atelier for atelier in self.created if atelier.pk is None]
        if not pending:
            return
        create_ateliers(ateliers=pending, sessions=not self.dry_run)
        for atelier in pending:
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
            self.written_overrides[key] = override
            self._touch(atelier)
            return
        changed = any(getattr(override, name) != value for name, value in values.items())
        for name, value in [*values.items(), *bookkeeping.items()]:
            setattr(override, name, value)
        if changed:
            override.sequence += 1
            self.written_overrides[key] = override
            self._touch(atelier)
        else:
            self.restamped_overrides.append(override)

    def _write_overrides(self) -> None:
        """New per-session changes in one upsert keyed by (atelier, RECURRENCE-ID); changed ones by key.

        The upsert makes a new change land on the row of its session whatever wrote that row first; the
        changed ones were loaded with the run and are written back by primary key, `updated_at` stamped.
        """
        new = [item for item in self.written_overrides.values() if item.pk is None]
        changed = [item for item in self.written_overrides.values() if item.pk is not None]
        if new:
            SessionOverride.objects.bulk_create(
                new,
                update_conflicts=True,
                unique_fields=["atelier", "original_start"],
                update_fields=list(OVERRIDE_FIELDS),
            )
        if changed:
            now = timezone.now()
            for item in changed:
                item.updated_at = now  # `auto_now`, which `bulk_update` does not stamp
            SessionOverride.objects.bulk_update(changed, OVERRIDE_FIELDS)
        if self.restamped_overrides:  # `updated_at` kept: the exported series stays as it was
            SessionOverride.objects.bulk_update(self.restamped_overrides, ["remote_sequence", "block_hash"])

    def _touch(self, atelier: Atelier) -> None:
        """Its sessions are rebuilt (a new atelier too, since it was written without this override), and
        its `sessions_changed_at` stamped (`_write`), which peers following this instance read."""
        self.touched[atelier.pk] = atelier
        self.sessions_changed.add(atelier.pk)
        self.updated.add(atelier.pk)  # the new ones are counted as created, not updated

    def _vanish(self) -> None:
        """Gone from the calendar: cancel what is still to come, leave the past as it happened."""
        gone = [
            atelier
            for pk, atelier in self.loaded.items()
            if pk not in self.present
            and not atelier.detached
            and atelier.status != enums.Status.CANCELLED
            and atelier.block_hash != PAST_GONE
        ]
        for atelier in gone:
            if is_ahead(atelier, self.now):
                atelier.status = enums.Status.CANCELLED
                atelier.block_hash = ""  # back in the calendar one day: read again, and restored
                self._save(atelier, {"status"})
                self.report.cancelled += 1
            else:  # stays as it happened, and is not looked at again
                atelier.block_hash = PAST_GONE
                self.restamped[atelier.pk] = atelier
        vanished = [
            item
            for item in self.overrides
            if item.from_feed
            and (item.atelier_id, item.original_start) not in self.present_overrides
            and item.atelier_id in self.present
            and item.original_start >= self.now
            and not self.index[item.atelier_id].detached
        ]
        if vanished:
            SessionOverride.objects.filter(pk__in=[item.pk for item in vanished]).delete()
            self.deleted_overrides |= {item.pk for item in vanished}
            for item in vanished:
                self._touch(self._by_pk(item.atelier_id))

    # ---- writing ---------------------------------------------------------------------------------------

    def _write(self) -> None:
        """Each changed atelier by one UPDATE of what changed; those only re-stamped by one `bulk_update`.

        One `QuerySet.update()` per changed atelier, not `bulk_update`: the latter writes every listed field
        of every row as CASE WHEN expressions, whose building grows with rows × fields and cost several
        times the writes themselves; a re-sync changes a few events per calendar, and usually one or two of
        their fields (a title, a time).
        """
        for pk, atelier in self.saved.items():
            fields = self.saved_fields[pk] | set(BOOKKEEPING_FIELDS) | {"sequence", "updated_at"}
            Atelier.objects.filter(pk=pk).update(**{name: getattr(atelier, name) for name in sorted(fields)})
        restamped = [atelier for pk, atelier in self.restamped.items() if pk not in self.saved]
        if restamped:
            Atelier.objects.bulk_update(restamped, BOOKKEEPING_FIELDS, batch_size=LOAD_BATCH)
        if self.sessions_changed:
            Atelier.objects.filter(pk__in=self.sessions_changed).mark_sessions_changed()

    def _materialise(self) -> None:
        """Changed ateliers get their sessions rebuilt together, by the events app's public
        `rebuild_many_sessions` (never through `Atelier.save()`, one transaction per atelier); new ones
        got theirs with their INSERT (`_flush_created`) unless an override touched them since."""
        ateliers = list(self.touched.values())
        if not ateliers:
            return
        overrides: dict[int, list] = {}
        for item in [*self.overrides, *self.new_overrides]:
            if item.pk not in self.deleted_overrides or item.pk is None:
                overrides.setdefault(item.atelier_id, []).append(item)
        rebuild_many_sessions(ateliers=ateliers, overrides=overrides)

    def _warn_limits(self) -> None:
        """The size bounds that cut something (`calendars.limits`), each once, ahead of per-event warnings."""
        if self.many_dates:
            limit = settings.MAILLAGE_FEED_MAX_DATES_PER_SERIES
            self.report.warn("too_many_dates", limits.too_many_dates(self.many_dates, limit), pinned=True)
        capped = [
            a.title for a in [*self.created, *self.touched.values()] if getattr(a, "sessions_capped", 0)
        ]
        if capped:
            limit = settings.MAILLAGE_MAX_SESSIONS_PER_SERIES
            self.report.warn("too_many_sessions", limits.too_many_sessions(capped, limit), pinned=True)

    def _count(self) -> None:
        created = {atelier.pk for atelier in self.created}
        cancelled = {pk for pk, atelier in self.touched.items() if pk not in self.present}
        report = self.report
        report.created = len(created)
        report.updated = len(self.updated - created - cancelled)
        report.skipped = len(self.skipped)
        report.unchanged = len(self.present - created - self.updated - self.skipped)
