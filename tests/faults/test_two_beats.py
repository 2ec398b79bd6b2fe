"""Two Celery beats at once (two machines each started one, or a beat restarted while the old one lives):
every due feed is synced once and every subscriber gets the week's letter once.

Both beats send the feed dispatch and the week's planning every second, for a few seconds, to a real worker
with two pool processes; the dispatch books each feed with a compare-and-set (calendars/tasks.py), the
planning and the sending of letters rest on database constraints and claims (digest/delivery.py).
"""

import re
import sqlite3
import sys
import time

import pytest

from calendars.models import Feed, FeedStatus
from digest.models import Delivery
from tests.digest.factories import SubscriptionFactory, day_of, future_week
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory
from tests.faults.helpers import ateliers, calendar, feed_state
from tests.fixtures.celery_worker import WorkerProcess
from tests.fixtures.http_server import ok, serve

DISPATCH = "calendars.tasks.dispatch_due_feeds"
PLAN = "digest.tasks.plan_weekly_digests"
CHUNK = "digest.tasks.send_digest_chunk"
SYNC = "calendars.tasks.sync_feed_task"
FEEDS = 3
READERS = ["lecteur0@exemple.fr", "lecteur1@exemple.fr", "lecteur2@exemple.fr"]
BEAT_SECONDS = 1
FIRES = 3  # each beat sends each task at least this many times


def succeeded(worker, task: str) -> list[str]:
    return [line for line in worker.lines if f"Task {task}[" in line and " succeeded in " in line]


def wait_until_idle(worker, quiet: float = 3.0, timeout: float = 60.0) -> None:
    """Wait until every task the worker received has finished and no new one came for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        lines = list(worker.lines)
        received = sum(line.endswith("] received") for line in lines)
        done = sum(any(end in line for end in (" succeeded in ", " raised ", " retry: ")) for line in lines)
        if len(lines) != seen:
            seen, since = len(lines), time.monotonic()
        elif received == done and time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)
    pytest.fail("Le worker n'a pas fini ses tâches :\n" + worker.output)


def deliveries(worker) -> list[tuple[str, str, int]]:
    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            return sorted(database.execute("SELECT week, status, attempts FROM digest_delivery").fetchall())
    return sorted(Delivery.objects.values_list("week", "status", "attempts"))


def start_beat(worker, directory, number: int, week: str) -> WorkerProcess:
    env = {**worker.env, "MAILLAGE_TEST_BEAT_SECONDS": str(BEAT_SECONDS), "MAILLAGE_TEST_DIGEST_WEEK": week}
    return WorkerProcess(
        [
            *(sys.executable, "-m", "celery", "-A", "celery_app", "beat", "--loglevel=INFO"),
            *("--schedule", str(directory / f"beat-{number}"), "--max-interval", "1"),
        ],
        env,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beats_sync_each_due_feed_once_and_send_each_letter_once(
    start_celery_worker, smtp_sink, tmp_path
):
    week = future_week()
    bassin = BassinFactory(title="Bassin de Bourges", slug="bourges")
    structure = StructureFactory(bassin=bassin, title="Médiathèque de Bourges", slug="mediatheque-bourges")
    AtelierFactory(structure=structure, title="Atelier tablette", start_date=day_of(week, 1))
    for address in READERS:
        SubscriptionFactory(user=UserFactory(email=address), bassins=[bassin])
    routes = {
        f"/{number}.ics": ok(calendar(f"atelier-{number}", f"Atelier {number}")) for number in range(FEEDS)
    }
    with serve(routes) as server:
        feeds = [
            Feed.objects.create(
                structure=structure, name=f"Agenda {n}", url=server.url(f"/{n}.ics"), active=True
            )
            for n in range(FEEDS)
        ]
        worker = start_celery_worker(
            pool="prefork",
            concurrency=2,
            smtp_port=smtp_sink.port,
            env={"MAILLAGE_FEED_DISPATCH_JITTER": "0"},
        )
        beats = [start_beat(worker, tmp_path, number, week) for number in (1, 2)]
        for beat in beats:
            beat.wait_for(rf"(Sending due task dispatch-due-feeds[\s\S]*){{{FIRES}}}", timeout=60)
            beat.wait_for(rf"(Sending due task send-weekly-digests[\s\S]*){{{FIRES}}}", timeout=60)
        for beat in beats:
            beat.stop()
        worker.wait_for(rf"(Task {re.escape(SYNC)}\[[^\]]+\] succeeded[\s\S]*){{{FEEDS}}}", timeout=60)
        worker.wait_for(rf"Task {re.escape(CHUNK)}\[[^\]]+\] succeeded", timeout=60)
        wait_until_idle(worker)
        worker.stop()

    dispatched = [int(line.rsplit(": ", 1)[1]) for line in succeeded(worker, DISPATCH)]
    assert len(dispatched) > FIRES  # both beats' dispatches ran…
    assert sum(dispatched) == FEEDS  # …and each feed was enqueued by one of them only
    assert sorted(request["path"] for request in server.requests) == sorted(routes)
    assert len(succeeded(worker, SYNC)) == FEEDS
    assert ateliers(worker, [feed.pk for feed in feeds]) == [
        (feed.pk, f"Atelier {n}") for n, feed in enumerate(feeds)
    ]
    assert [feed_state(worker, feed.pk) for feed in feeds] == [(FeedStatus.OK, 0, False)] * FEEDS
    planned = [int(line.rsplit(": ", 1)[1]) for line in succeeded(worker, PLAN)]
    assert len(planned) > FIRES
    assert smtp_sink.recipients() == READERS  # a second planning may enqueue a chunk: its letters are claimed
    assert deliveries(worker) == [(week, "envoyee", 1)] * len(READERS)
