"""Celery for real: `make run`'s broker choice, and a worker process consuming a task on each broker.

The worker and the sender are separate processes started from the test settings, as under `make run`
(`start_celery_worker`, tests/fixtures/celery_worker.py): the filesystem transport lives in a temporary
folder, Redis is used when `REDIS_URL` is set, each run on a queue of its own.
"""

import gc
import os
import re
import socket
import time
from pathlib import Path

import pytest

from config.runenv import choose_broker, describe_broker

BASE_DIR = Path(__file__).resolve().parent.parent
TASK = "outbox.tasks.send_message"


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_choose_broker_without_redis_url_picks_filesystem():
    choice = choose_broker({})

    assert (choice.url, choice.source) == ("filesystem://", "filesystem")
    assert describe_broker(choice, BASE_DIR / "var" / "celery") == (
        "Broker Celery : transport fichier intégré (var/celery), REDIS_URL n'est pas définie"
    )


def test_choose_broker_with_silent_redis_falls_back_to_filesystem_within_a_second():
    url = f"redis://127.0.0.1:{unused_port()}/0"

    started = time.monotonic()
    choice = choose_broker({"REDIS_URL": url})

    assert time.monotonic() - started < 2
    assert (choice.url, choice.source) == ("filesystem://", "filesystem")
    assert describe_broker(choice, Path("/tmp/celery")).startswith(
        f"Broker Celery : transport fichier intégré (/tmp/celery), Redis ne répond pas à {url} ("
    )


def test_choose_broker_explicit_celery_broker_url_wins_and_hides_password():
    choice = choose_broker({"CELERY_BROKER_URL": "amqp://guest:secret@127.0.0.1:5672//", "REDIS_URL": ""})

    assert choice.source == "explicit"
    assert describe_broker(choice, Path("var/celery")) == (
        "Broker Celery : CELERY_BROKER_URL imposé (amqp://guest:***@127.0.0.1:5672//)"
    )


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL n'est pas définie")
def test_choose_broker_with_answering_redis_picks_it():
    choice = choose_broker({"REDIS_URL": os.environ["REDIS_URL"]})

    assert (choice.url, choice.source) == (os.environ["REDIS_URL"], "redis")


def test_worker_consumes_task_sent_through_broker(db, start_celery_worker):
    worker = start_celery_worker(pool="solo")
    task_id = worker.send(TASK, message_id=0)

    worker.wait_for(re.escape(f"Task {TASK}[{task_id}] succeeded"), timeout=20)
    worker.stop()

    assert f"Task {TASK}[{task_id}] received" in worker.output
    assert "E-mail 0 not pending, not sent" in worker.output
    if worker.env["CELERY_BROKER_URL"].startswith("filesystem://"):
        assert list((Path(worker.env["MAILLAGE_VAR_DIR"]) / "celery" / "queue").iterdir()) == []


# Queues: feed syncs on their own, so that a slow calendar server never delays an e-mail.


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("calendars.tasks.sync_feed_task", "feeds"),
        ("calendars.tasks.dispatch_due_feeds", "feeds"),
        ("calendars.tasks.preview_feed_task", "feeds"),
        ("outbox.tasks.send_message", "celery"),
        ("outbox.tasks.send_due_messages", "celery"),
        ("digest.tasks.plan_weekly_digests", "celery"),
        ("digest.tasks.send_digest_chunk", "celery"),
        ("programmes.tasks.send_programme_reminders", "celery"),
        ("events.tasks.extend_occurrences", "celery"),
    ],
)
def test_router_sends_feed_syncs_to_the_feeds_queue_and_the_rest_to_the_default_one(task, queue):
    from celery_app import app

    route = app.amqp.router.route({}, task, args=(), kwargs={})

    assert route["queue"].name == queue


def test_procfile_runs_one_worker_per_queue():
    workers = {
        name: command
        for name, command in (
            line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines()
        )
        if " worker " in command
    }

    assert {name: re.search(r"--queues=(\S+)", command)[1] for name, command in workers.items()} == {
        "worker": "celery",
        "feeds": "feeds",
    }


# The worker's start: what it holds then is frozen out of the garbage collector's sight.


class Tracked:
    """An object the garbage collector tracks (it has a __dict__), to find in `gc.get_objects()`."""


def test_worker_start_freezes_what_the_process_holds_and_leaves_later_objects_to_the_collector():
    from celery_app import freeze_startup_objects

    held = Tracked()
    try:
        freeze_startup_objects()
        made_later = Tracked()
        tracked = gc.get_objects()  # every generation but the frozen one

        assert (any(item is held for item in tracked), any(item is made_later for item in tracked)) == (
            False,
            True,
        )
    finally:
        gc.unfreeze()  # back to the collector, for the tests that follow in this process
