"""One sync per feed at a time, across every worker, and a lock that dies with its sync.

Two syncs of one feed at once (a retry overlapping the next scheduled run, two beats, two workers) would
upsert the same ateliers concurrently. The lock lives in Redis when the deployment has one (a key with a
time-to-live, redis-py's `Lock`), otherwise in the database itself: an atomic compare-and-set on
`Feed.locked_until`, which every database supports.

What must stay true:
- the lock's time-to-live is short (`MAILLAGE_FEED_LOCK_TTL`, 60 s) and a heartbeat thread renews it every
  third of it while the sync runs, however long the sync takes; a worker killed mid-sync (SIGKILL, the
  out-of-memory killer) stops renewing, so its lock is gone within one TTL, not after the task's time limit;
- a sync that finds its feed locked may wait up to one TTL (`wait_seconds`): long enough for a dead
  holder's lock to expire, so that the redelivered task of a killed worker runs, while a live holder, whose
  heartbeat keeps the lock, still excludes it;
- only the holder releases or renews: the Redis key holds the task id, the database row the holder's own
  `locked_until`; a holder that lost its lock (stalled longer than the TTL) logs it, and touches nothing.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import LockError

from .models import Feed

logger = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
REDIS_TIMEOUT_SECONDS = 5
DB_LOCK_POLL_SECONDS = 0.5


def lock_key(feed_id: int) -> str:
    return f"maillage:feed-lock:{feed_id}"


def lock_ttl() -> int:
    """The lock's time-to-live in seconds (`MAILLAGE_FEED_LOCK_TTL`), renewed while the sync runs."""
    return int(getattr(settings, "MAILLAGE_FEED_LOCK_TTL", 60))


def redis_url() -> str:
    """The Redis to lock in: the broker's when it is Redis, else `REDIS_URL`; "" when there is none."""
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if broker.startswith(REDIS_SCHEMES):
        return broker
    url = getattr(settings, "REDIS_URL", "") or ""
    return url if url.startswith(REDIS_SCHEMES) else ""


@contextmanager
def feed_lock(
    feed_id: int, *, ttl_seconds: int | None = None, wait_seconds: float = 0, owner: str = ""
) -> Iterator[bool]:
    """Hold the sync lock of feed `feed_id` for the block: yields True if acquired, False if held elsewhere.

    The lock lasts `ttl_seconds` (default `lock_ttl()`) and is renewed by a heartbeat until the block ends.
    `wait_seconds` > 0 waits that long for a lock held elsewhere. `owner` (the task id) is stored in Redis,
    for whoever looks. When the configured Redis does not answer, the database lock is used instead (and
    logged), so that syncs go on: every worker in that situation falls back the same way.
    """
    ttl_seconds = ttl_seconds or lock_ttl()
    url = redis_url()
    if url:
        try:
            with redis_feed_lock(
                feed_id, ttl_seconds=ttl_seconds, wait_seconds=wait_seconds, owner=owner, url=url
            ) as acquired:
                yield acquired
            return
        except _RedisUnavailable as error:
            logger.warning("Redis lock unavailable for feed %s (%s), using the database lock", feed_id, error)
    with db_feed_lock(feed_id, ttl_seconds=ttl_seconds, wait_seconds=wait_seconds) as acquired:
        yield acquired


class _RedisUnavailable(Exception):
    """Raised only before the lock is yielded: the caller may still fall back."""


class Heartbeat:
    """Calls `renew` every `interval` seconds in a thread of its own until stopped; `renew` returns False
    once the lock is lost, which ends the heartbeat."""

    def __init__(self, renew, *, interval: float, feed_id: int):
        self.renew = renew
        self.interval = interval
        self.feed_id = feed_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"feed-lock-{feed_id}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if not self.renew():
                logger.warning("Lock of feed %s lost before the sync ended", self.feed_id)
                return


@contextmanager
def redis_feed_lock(
    feed_id: int, *, ttl_seconds: int, url: str, wait_seconds: float = 0, owner: str = ""
) -> Iterator[bool]:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    # Not thread-local: the heartbeat thread renews the token the task's thread acquired.
    lock = client.lock(lock_key(feed_id), timeout=ttl_seconds, sleep=0.2, thread_local=False)
    try:
        if wait_seconds:
            acquired = lock.acquire(blocking=True, blocking_timeout=wait_seconds, token=owner or None)
        else:
            acquired = lock.acquire(blocking=False, token=owner or None)
    except redis.RedisError as error:
        client.close()
        raise _RedisUnavailable(str(error)) from error

    def renew() -> bool:
        try:
            lock.reacquire()
        except LockError:
            return False
        except redis.RedisError as error:  # Redis away for a moment: try again at the next beat
            logger.warning("Could not renew the lock of feed %s: %s", feed_id, error)
        return True

    try:
        if not acquired:
            yield False
            return
        with Heartbeat(renew, interval=ttl_seconds / 3, feed_id=feed_id):
            yield True
    finally:
        if acquired:
            try:
                lock.release()
            except LockError:
                logger.warning("Lock of feed %s expired before the sync ended", feed_id)
            except redis.RedisError as error:  # it expires on its own
                logger.warning("Could not release the lock of feed %s: %s", feed_id, error)
        client.close()


def _claim_db_lock(feed_id: int, ttl_seconds: int) -> datetime | None:
    """Compare-and-set on `locked_until`: the new expiry when claimed, None when a live lock is there."""
    now = timezone.now()
    until = now + timedelta(seconds=ttl_seconds)
    claimed = (
        Feed.objects.filter(pk=feed_id)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=until)
    )
    return until if claimed == 1 else None


class _DatabaseLease:
    """The `locked_until` this holder wrote last: renewed by the heartbeat thread, released by the task's."""

    def __init__(self, feed_id: int, until: datetime, ttl_seconds: int):
        self.feed_id, self.until, self.ttl_seconds = feed_id, until, ttl_seconds
        self._mutex = threading.Lock()

    def renew(self) -> bool:
        try:
            with self._mutex:
                until = timezone.now() + timedelta(seconds=self.ttl_seconds)
                if not Feed.objects.filter(pk=self.feed_id, locked_until=self.until).update(
                    locked_until=until
                ):
                    return False
                self.until = until
            return True
        except DatabaseError as error:  # the row is busy (SQLite's write lock): try again at the next beat
            logger.warning("Could not renew the lock of feed %s: %s", self.feed_id, error)
            return True
        finally:
            connection.close()  # this thread's own connection

    def release(self) -> None:
        with self._mutex:  # only our own lock: if it expired and another worker took it, it is theirs
            Feed.objects.filter(pk=self.feed_id, locked_until=self.until).update(locked_until=None)


@contextmanager
def db_feed_lock(feed_id: int, *, ttl_seconds: int, wait_seconds: float = 0) -> Iterator[bool]:
    deadline = time.monotonic() + wait_seconds
    until = _claim_db_lock(feed_id, ttl_seconds)
    while until is None and time.monotonic() < deadline:
        time.sleep(DB_LOCK_POLL_SECONDS)
        until = _claim_db_lock(feed_id, ttl_seconds)
    if until is None:
        yield False
        return
    lease = _DatabaseLease(feed_id, until, ttl_seconds)
    try:
        with Heartbeat(lease.renew, interval=ttl_seconds / 3, feed_id=feed_id):
            yield True
    finally:
        lease.release()
