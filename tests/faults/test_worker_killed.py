"""A worker killed with SIGKILL in the middle of a feed sync: the sync is redelivered, completes once, and
its lock, which died with it, does not hold the redelivered sync back.

The calendar server answers its first request only once the test let it (it never does: the worker is killed
while it waits), so the kill lands mid-sync, between the download's start and the import's transaction. The
lock lives one short TTL (`MAILLAGE_FEED_LOCK_TTL=3`); the redelivered task waits one TTL for it at most,
then gives up with "locked": a "synced" result therefore shows the dead worker's lock expired within it.
The sync is sent where `CELERY_TASK_ROUTES` sends it, to a worker consuming the feeds queue only.

Two kills: of the pool process running the task (the out-of-memory killer, a `kill -9` of the busy process),
which its worker notices and gives the message back to the broker at once (`reject_on_worker_lost`); and of
the whole worker, whose message Redis gives back to the next worker after its visibility timeout (one hour
in production, 5 s here). Celery's filesystem transport, `make run`'s broker without Redis, keeps no
message a worker took, so the second case runs on Redis only.
"""

import os
import re
import signal
import time

import pytest

from calendars.locks import lock_key, redis_url
from calendars.models import Feed, FeedStatus
from tests.factories import StructureFactory
from tests.faults.helpers import HangingOnce, ateliers, calendar, feed_state
from tests.fixtures.http_server import LoopbackServer

TASK = "calendars.tasks.sync_feed_task"
LOCK_TTL = 3
TITLE = "Premiers pas sur tablette"


def sync_lines(worker, task_id: str) -> list[str]:
    return [line for line in worker.lines if f"{TASK}[{task_id}]" in line]


def assert_synced_once(worker, feed: Feed, task_id: str, route: HangingOnce) -> None:
    lines = sync_lines(worker, task_id)
    assert [line for line in lines if "succeeded" in line and "'synced'" in line] != []
    assert len([line for line in lines if "succeeded" in line]) == 1
    assert route.calls == 2  # the killed download, then the redelivered one
    assert ateliers(worker, [feed.pk]) == [(feed.pk, TITLE)]
    assert feed_state(worker, feed.pk) == (FeedStatus.OK, 0, False)
    url = redis_url()  # where the worker locked too: the Redis broker, or REDIS_URL
    if url:
        import redis

        client = redis.Redis.from_url(url)
        try:
            assert client.exists(lock_key(feed.pk)) == 0
        finally:
            client.close()


def started_sync(start_celery_worker, **options):
    """A feed, its hanging calendar server, a feeds worker, and the sync sent, once the download began."""
    route = HangingOnce(calendar("atelier-1", TITLE))
    server = LoopbackServer({"/agenda.ics": route}).start()
    feed = Feed.objects.create(
        structure=StructureFactory(), name="Agenda", url=server.base + "/agenda.ics", active=True
    )
    worker = start_celery_worker(
        pool="prefork",
        concurrency=1,
        queues="feeds",
        env={"MAILLAGE_FEED_LOCK_TTL": str(LOCK_TTL)},
        **options,
    )
    task_id = worker.send(TASK, routed=True, feed_id=feed.pk)
    assert route.first_request.wait(30), worker.output
    return route, server, feed, worker, task_id


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sync_whose_pool_process_is_killed_is_redelivered_and_completes_once(
    start_celery_worker, record_property
):
    route, server, feed, worker, task_id = started_sync(start_celery_worker)
    try:
        [child] = worker.children()
        killed_at = time.monotonic()
        os.kill(child, signal.SIGKILL)
        worker.wait_for(re.escape(f"Task {TASK}[{task_id}] succeeded"), timeout=60)
        elapsed = time.monotonic() - killed_at
        worker.stop()
    finally:
        route.release.set()
        server.stop()

    record_property("seconds_from_kill_to_completed_sync", round(elapsed, 1))  # --junitxml
    assert "WorkerLostError" in worker.output
    assert_synced_once(worker, feed, task_id, route)


@pytest.mark.parametrize("celery_broker_url", ["redis"], indirect=True)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sync_whose_whole_worker_is_killed_is_run_by_the_next_worker_once(
    start_celery_worker, record_property
):
    route, server, feed, first, task_id = started_sync(start_celery_worker)
    try:
        killed_at = time.monotonic()
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait()
        second = start_celery_worker(
            pool="prefork",
            concurrency=1,
            queues="feeds",
            same_queues_as=first,
            env={"MAILLAGE_FEED_LOCK_TTL": str(LOCK_TTL), "MAILLAGE_TEST_VISIBILITY_TIMEOUT": "5"},
        )
        second.wait_for(re.escape(f"Task {TASK}[{task_id}] succeeded"), timeout=60)
        elapsed = time.monotonic() - killed_at
        second.stop()
    finally:
        route.release.set()
        server.stop()

    record_property("seconds_from_kill_to_completed_sync", round(elapsed, 1))  # --junitxml
    assert sync_lines(first, task_id) != [] and not any(
        "succeeded" in line for line in sync_lines(first, task_id)
    )
    assert_synced_once(second, feed, task_id, route)
