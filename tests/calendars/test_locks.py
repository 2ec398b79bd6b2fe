"""The per-feed sync lock: in the database by default, in Redis when the deployment has one."""

import os
import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from calendars import locks
from calendars.locks import feed_lock
from calendars.models import Feed
from tests.factories import StructureFactory


@pytest.fixture
def feed(db):
    return Feed.objects.create(
        structure=StructureFactory(), name="Agenda", url="https://calendrier.test/a.ics"
    )


def wait_until(condition, timeout: float = 10.0):
    """Poll `condition` until it holds (True), or give up after `timeout` seconds (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def without_redis(settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.REDIS_URL = ""


@pytest.fixture
def with_redis(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL n'est pas définie : pas de test du verrou Redis")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.REDIS_URL = url
    return url


def test_database_lock_excludes_a_second_holder_until_released(feed, without_redis):
    with feed_lock(feed.pk, ttl_seconds=60) as first:
        feed.refresh_from_db()
        assert first is True
        assert feed.locked_until > timezone.now() + timedelta(seconds=50)
        with feed_lock(feed.pk, ttl_seconds=60) as second:
            assert second is False
        feed.refresh_from_db()
        assert feed.locked_until is not None  # the refused attempt released nothing

    feed.refresh_from_db()
    assert feed.locked_until is None
    with feed_lock(feed.pk, ttl_seconds=60) as again:
        assert again is True


def test_database_lock_expires_on_its_own(feed, without_redis):
    Feed.objects.filter(pk=feed.pk).update(locked_until=timezone.now() - timedelta(seconds=1))

    with feed_lock(feed.pk, ttl_seconds=60) as acquired:
        assert acquired is True


def test_database_lock_release_leaves_a_lock_taken_over_after_expiry(feed, without_redis):
    with feed_lock(feed.pk, ttl_seconds=60) as acquired:
        assert acquired
        taken_over = timezone.now() + timedelta(minutes=5)
        Feed.objects.filter(pk=feed.pk).update(locked_until=taken_over)  # another worker, after expiry

    feed.refresh_from_db()
    assert feed.locked_until == taken_over


def test_database_lock_is_released_when_the_block_raises(feed, without_redis):
    with pytest.raises(RuntimeError), feed_lock(feed.pk, ttl_seconds=60):
        raise RuntimeError

    feed.refresh_from_db()
    assert feed.locked_until is None


def test_redis_is_chosen_from_the_broker_then_redis_url(settings):
    settings.CELERY_BROKER_URL = "redis://broker:6379/0"
    settings.REDIS_URL = "redis://autre:6379/1"
    assert locks.redis_url() == "redis://broker:6379/0"
    settings.CELERY_BROKER_URL = "filesystem://"
    assert locks.redis_url() == "redis://autre:6379/1"
    settings.REDIS_URL = ""
    assert locks.redis_url() == ""


def test_unreachable_redis_falls_back_to_the_database_lock(feed, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"  # nobody listens there

    with feed_lock(feed.pk, ttl_seconds=60) as acquired:
        feed.refresh_from_db()
        assert acquired is True
        assert feed.locked_until is not None


def test_redis_lock_excludes_a_second_holder_until_released(feed, with_redis):
    import redis

    client = redis.Redis.from_url(with_redis)
    key = locks.lock_key(feed.pk)
    client.delete(key)
    try:
        with feed_lock(feed.pk, ttl_seconds=60) as first:
            assert first is True
            assert 50 < client.ttl(key) <= 60
            with feed_lock(feed.pk, ttl_seconds=60) as second:
                assert second is False
            assert client.exists(key)
        assert not client.exists(key)
        with feed_lock(feed.pk, ttl_seconds=60) as again:
            assert again is True
        feed.refresh_from_db()
        assert feed.locked_until is None  # the database lock was not used
    finally:
        client.delete(key)
        client.close()


# The heartbeat: a short TTL, renewed while the holder lives; gone within it once the holder is dead.


def locked_until(feed):
    return Feed.objects.values_list("locked_until", flat=True).get(pk=feed.pk)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_lock_is_renewed_while_held_and_outlives_its_ttl(without_redis):
    feed = Feed.objects.create(
        structure=StructureFactory(), name="Agenda", url="https://calendrier.test/a.ics"
    )

    with feed_lock(feed.pk, ttl_seconds=1) as acquired:
        first = locked_until(feed)
        assert acquired is True
        assert wait_until(lambda: locked_until(feed) > first)  # the heartbeat moved it on
        time.sleep(1.5)  # longer than the TTL: a live holder keeps its lock
        with feed_lock(feed.pk, ttl_seconds=1) as second:
            assert second is False

    assert locked_until(feed) is None


def test_database_lock_of_a_dead_holder_is_taken_by_a_waiting_caller(feed, without_redis):
    Feed.objects.filter(pk=feed.pk).update(locked_until=timezone.now() + timedelta(seconds=1))  # no heartbeat

    with feed_lock(feed.pk, ttl_seconds=60, wait_seconds=5) as acquired:
        assert acquired is True


def test_redis_lock_holds_its_owner_and_is_renewed_while_held(feed, with_redis):
    import redis

    client = redis.Redis.from_url(with_redis)
    key = locks.lock_key(feed.pk)
    client.delete(key)
    try:
        with feed_lock(feed.pk, ttl_seconds=1, owner="tache-1") as acquired:
            assert acquired is True
            assert client.get(key) == b"tache-1"
            time.sleep(1.5)  # longer than the TTL: a live holder keeps its lock
            assert 0 < client.pttl(key) <= 1000
            with feed_lock(feed.pk, ttl_seconds=1, owner="tache-2") as second:
                assert second is False
        assert not client.exists(key)
    finally:
        client.delete(key)
        client.close()


def test_redis_lock_of_a_dead_holder_is_taken_by_a_waiting_caller_within_its_ttl(feed, with_redis):
    import redis

    client = redis.Redis.from_url(with_redis)
    key = locks.lock_key(feed.pk)
    client.set(key, "tache-morte", px=1000)  # a killed worker's lock: nobody renews it
    try:
        with feed_lock(feed.pk, ttl_seconds=60, wait_seconds=5, owner="tache-morte") as acquired:
            assert acquired is True
            assert client.get(key) == b"tache-morte"
        assert not client.exists(key)
    finally:
        client.delete(key)
        client.close()
