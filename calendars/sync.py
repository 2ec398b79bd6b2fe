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

import gc
import hashlib
import logging
import re
import threading
from datetime import datetime
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import fetch
from .models import MANUAL_FEED_NAME, Feed, FeedStatus
from .parse import NotICalendar
from .reconcile import FeedImport
from .report import SyncReport
from .signals import ateliers_imported

__all__ = ["SyncReport", "get_manual_feed", "import_calendar", "preview_feed", "sync_feed"]

logger = logging.getLogger(__name__)

MAX_WARNINGS = 50
# A DTSTAMP line, folded or not, with the "\n" before it (not its own: a DTSTAMP line may follow). Anchored
# on a literal "\n" rather than `^` under re.MULTILINE, which re tries at every offset: 6x faster.
DTSTAMP_LINE = re.compile(rb"\n(?i:DTSTAMP)[;:][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*\r?(?=\n|\Z)")


class InvalidCalendar(fetch.FetchError):
    """The URL answers, but not with a calendar we can read: trying again will not help."""

    retryable = False


def content_hash(body: bytes) -> str:
    """sha256 of the calendar without its DTSTAMP lines: Google rewrites them on every download."""
    return hashlib.sha256(DTSTAMP_LINE.sub(b"", body)).hexdigest()


class PausedCollector:
    """`with paused_collector:` turns Python's automatic garbage collection off for a calendar import, then
    on again and collects the young generation once, with the public `gc` API.

    Why: an import keeps what it builds alive until its end (parsed events, thousands of ateliers and
    sessions, their SQL parameters). The automatic collector, triggered every 700 allocations, walks
    those live objects again and again and moves them to older generations, whose collections then walk
    them again: none of it is garbage, and it cost about a tenth of a first import even with the worker's
    start-up objects frozen (`celery_app.freeze_startup_objects`). Refcounting still frees everything
    that is not in a cycle at once; the cycles an import leaves are freed by the one collection at its
    end, which only walks what was made meanwhile and is still tracked. Imports that overlap (the feeds
    worker runs two threads) share one pause: the collector comes back when the last one ends, and only
    if it was on before the first.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *_exc) -> None:
        with self._lock:
            self._depth -= 1
            resumed = self._depth == 0 and self._resume
            if resumed:
                gc.enable()
        if resumed:
            gc.collect(0)


paused_collector = PausedCollector()


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
    except SoftTimeLimitExceeded:  # the Celery task's time limit: too long, not a bug of ours
        _record_failure(
            feed, _("La lecture du calendrier a pris trop de temps : Maillage réessaiera plus tard."), dry_run
        )
        raise
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
    Atomic: with `dry_run`, everything is rolled back and only the report remains. Runs with the automatic
    garbage collector paused (`PausedCollector`).
    """
    now = now or timezone.now()
    # A savepoint only for a dry run, which rolls back to it; otherwise the caller's transaction is enough.
    with transaction.atomic(savepoint=dry_run), paused_collector:
        if feed is None:
            feed = get_manual_feed(structure=structure)
        report = FeedImport(feed=feed, structure=structure, now=now, dry_run=dry_run).run(data)
        if dry_run:
            transaction.set_rollback(True)
        elif report.created or report.updated or report.cancelled:
            transaction.on_commit(partial(ateliers_imported.send, sender=Feed, feed=feed, report=report))
    return report


def get_manual_feed(*, structure, source: str = "") -> Feed:
    """The inactive feed that keys one-off imports of `source` (a path or a URL) into `structure`.

    A feed already set up with that URL is reused, so an import by hand and the scheduled sync agree.
    """
    existing = Feed.objects.filter(structure=structure, url=source).order_by("pk").first()
    if existing is not None:
        return existing
    return Feed.objects.create(structure=structure, url=source, name=MANUAL_FEED_NAME, active=False)


# Written after every fetch that worked; only these, so that an admin editing the feed's settings at the same
# time keeps what they typed.
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
            *("last_counts", "warnings", "etag", "last_modified_header", "content_hash", "uid_strategy"),
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
