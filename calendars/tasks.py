"""Celery tasks of synchronised calendars: the dispatcher run by beat, and one sync per feed.

They run on a queue of their own, `MAILLAGE_FEEDS_QUEUE` ("feeds", `CELERY_TASK_ROUTES`): a slow calendar
server holds a feeds worker, never the e-mails, digests and reminders of the default queue.

Both tasks are safe to run twice, so a worker killed mid-task gives its message back to the broker
(`acks_late` + `reject_on_worker_lost`) and another worker runs it again: the dispatcher books each feed with
a compare-and-set, a sync is one transaction (rolled back with the killed process) under a lock that dies
with it within `MAILLAGE_FEED_LOCK_TTL` (calendars/locks.py) and upserts by UID.
"""

import logging
import random

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import notify, preview, sync
from .fetch import FetchError
from .locks import feed_lock, lock_ttl
from .models import Feed, FeedPreview

logger = logging.getLogger(__name__)

# A sync downloads within MAILLAGE_FETCH_DEADLINE_SECONDS (30 s), then parses and upserts; past the soft
# limit it is interrupted, past the hard one the worker kills it. Its lock does not depend on these limits: a
# heartbeat renews it while the sync runs, and it expires one TTL after the process died.
FEED_SYNC_SOFT_TIME_LIMIT = 180
FEED_SYNC_TIME_LIMIT = 210
FEED_SYNC_MAX_RETRIES = 4
FEED_RETRY_BASE_SECONDS = 60


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_due_feeds() -> int:
    """Every five minutes (Celery beat): enqueue one sync per feed whose turn has come.

    The next run is booked before enqueueing, with a compare-and-set on the old value: a second beat
    firing at the same time (or a dispatch retried by the broker) finds nothing left to claim. The random
    countdown (`MAILLAGE_FEED_DISPATCH_JITTER` seconds at most) spreads the downloads, so that a hundred
    hourly feeds do not all start in the same second. Each sync is enqueued once the booking is committed
    (at once in a worker, which runs in autocommit; at the end of the caller's transaction otherwise).
    """
    now = timezone.now()
    jitter = int(settings.MAILLAGE_FEED_DISPATCH_JITTER)
    dispatched = 0
    for feed in Feed.objects.due(now).only("pk", "interval", "next_run_at").order_by("next_run_at", "pk"):
        previous = Q(next_run_at=feed.next_run_at) if feed.next_run_at else Q(next_run_at__isnull=True)
        claimed = Feed.objects.filter(previous, pk=feed.pk).update(next_run_at=now + feed.interval)
        if not claimed:
            continue
        sync_feed_task.apply_async_on_commit(kwargs={"feed_id": feed.pk}, countdown=random.randint(0, jitter))
        dispatched += 1
    if dispatched:
        logger.info("Feed sync dispatched for %s feeds", dispatched)
    return dispatched


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=FEED_SYNC_MAX_RETRIES,
    soft_time_limit=FEED_SYNC_SOFT_TIME_LIMIT,
    time_limit=FEED_SYNC_TIME_LIMIT,
)
def sync_feed_task(self, *, feed_id: int) -> str:
    """Sync one feed under its lock; retry temporary fetch failures with exponential backoff.

    The sync records every outcome on the feed (status, counters, French error) itself; this task only
    decides about retries and e-mails. Temporary failures (timeouts, 5xx, 429) are retried 4 times (1, 2,
    4, 8 min); permanent ones (404, refused address, too large) are not: the next scheduled run tries
    again, and the structure is told once three attempts in a row have failed.
    A feed locked by another sync is waited for one lock TTL at most: a dead worker's lock (this very task,
    killed and redelivered) expires within it; a live sync keeps its lock, and this one is skipped.
    Returns what happened, for logs and tests.
    """
    feed = Feed.objects.select_related("structure").filter(pk=feed_id).first()
    if feed is None or not feed.active:
        logger.info("Feed %s deleted or inactive, not synced", feed_id)
        return "inactive"
    retry_error = None
    ttl = lock_ttl()
    with feed_lock(feed_id, ttl_seconds=ttl, wait_seconds=ttl + 1, owner=self.request.id or "") as acquired:
        if not acquired:
            logger.info("Feed %s is already being synced, skipped", feed_id)
            return "locked"
        feed.refresh_from_db()  # the sync that held the lock may have changed it (validators, counters)
        try:
            sync.sync_feed(feed=feed)
        except FetchError as error:
            logger.info("Feed %s fetch failed (retryable=%s): %s", feed_id, error.retryable, error)
            outcome = "failed"
            if error.retryable and self.request.retries < self.max_retries:
                retry_error = error
        else:
            outcome = "synced"
        # Each attempt counts as a failure on the feed; the structure is only told once an attempt is final
        # (success, permanent error, or retries exhausted), so a short outage retried away sends nothing.
        if retry_error is None:
            feed.refresh_from_db()
            notify.after_sync(feed)
    # Retry outside the lock: an eager retry (tests) runs at once and must find the feed unlocked.
    if retry_error is not None:
        countdown = FEED_RETRY_BASE_SECONDS * 2**self.request.retries
        raise self.retry(exc=retry_error, countdown=countdown)
    return outcome


# Admin previews (calendars.preview): one reading of a calendar, bounded by the fetch deadline
# (MAILLAGE_FETCH_DEADLINE_SECONDS, 30 s) and then the parsing of what it read.
PREVIEW_SOFT_TIME_LIMIT = 120
PREVIEW_TIME_LIMIT = 150


@shared_task(acks_late=True, soft_time_limit=PREVIEW_SOFT_TIME_LIMIT, time_limit=PREVIEW_TIME_LIMIT)
def preview_feed_task(*, preview_id: int) -> str:
    """Read the calendar of one admin preview (`FeedPreview`) and store what it found; writes nothing else.

    Not retried: the person is waiting on the page, which says what failed and offers to read again.
    Returns the reading's state, for logs and tests.
    """
    reading = FeedPreview.objects.select_related("feed__structure").filter(pk=preview_id).first()
    if reading is None:
        return "gone"
    reading = preview.read_preview(preview=reading)
    logger.info("Feed %s preview %s: %s", reading.feed_id, preview_id, reading.status)
    return reading.status
