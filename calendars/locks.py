"""One sync per feed at a time, across every worker.

Two syncs of one feed at once (a retry overlapping the next scheduled run, two beats, two workers) would
upsert the same ateliers concurrently. The lock lives in Redis when the deployment has one (a key with a
time-to-live, redis-py's `Lock`), otherwise in the database itself: an atomic compare-and-set on
`Feed.locked_until`, which every database supports. Both expire on their own, so a worker killed
mid-sync blocks its feed for `ttl_seconds` at most; the TTL must exceed the task's hard time limit.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import redis
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import LockError

from .models import Feed

logger = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
REDIS_TIMEOUT_SECONDS = 5


def lock_key(feed_id: int) -> str:
    return f"maillage:feed-lock:{feed_id}"


def redis_url() -> str:
    """The Redis to lock in: the broker's when it is Redis, else `REDIS_URL`; "" when there is none."""
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if broker.startswith(REDIS_SCHEMES):
        return broker
    url = getattr(settings, "REDIS_URL", "") or ""
    return url if url.startswith(REDIS_SCHEMES) else ""


@contextmanager
def feed_lock(feed_id: int, *, ttl_seconds: int) -> Iterator[bool]:
    """Hold the sync lock of feed `feed_id` for the block: yields True if acquired, False if held elsewhere.

    When the configured Redis does not answer, the database lock is used instead (and logged), so that
    syncs go on: every worker in that situation falls back the same way.
    """
    url = redis_url()
    if url:
        try:
            with redis_feed_lock(feed_id, ttl_seconds=ttl_seconds, url=url) as acquired:
                yield acquired
            return
        except _RedisUnavailable as error:
            logger.warning("Redis lock unavailable for feed %s (%s), using the database lock", feed_id, error)
    with db_feed_lock(feed_id, ttl_seconds=ttl_seconds) as acquired:
        yield acquired


class _RedisUnavailable(Exception):
    """Raised only before the lock is yielded: the caller may still fall back."""


@contextmanager
def redis_feed_lock(feed_id: int, *, ttl_seconds: int, url: str) -> Iterator[bool]:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    lock = client.lock(lock_key(feed_id), timeout=ttl_seconds, blocking=False)
    try:
        acquired = lock.acquire(blocking=False)
    except redis.RedisError as error:
        client.close()
        raise _RedisUnavailable(str(error)) from error
    try:
        yield acquired
    finally:
        if acquired:
            try:
                lock.release()
            except LockError:
                logger.warning("Lock of feed %s expired before the sync ended", feed_id)
            except redis.RedisError as error:  # it expires on its own
                logger.warning("Could not release the lock of feed %s: %s", feed_id, error)
        client.close()


@contextmanager
def db_feed_lock(feed_id: int, *, ttl_seconds: int) -> Iterator[bool]:
    now = timezone.now()
    until = now + timedelta(seconds=ttl_seconds)
    acquired = (
        Feed.objects.filter(pk=feed_id)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=until)
        == 1
    )
    try:
        yield acquired
    finally:
        if acquired:  # only our own lock: if it expired and another worker took it, it is theirs
            Feed.objects.filter(pk=feed_id, locked_until=until).update(locked_until=None)
