"""End to end: Celery beat's task in a real worker process, letters sent to a real SMTP server on
127.0.0.1, twice, and one letter each (as tests/calendars/test_tasks.py runs the feed sync)."""

import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.calendars.test_tasks import database_for_worker
from tests.digest.factories import SubscriptionFactory, day_of
from tests.factories import AtelierFactory, UserFactory
from tests.test_celery import WorkerProcess, probe_redis

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CHUNK_TASK = "digest.tasks.send_digest_chunk"


@pytest.fixture(params=["filesystem", "redis"])
def worker_broker_url(request):
    if request.param == "filesystem":
        return "filesystem://"
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL n'est pas définie : pas de test du worker sur Redis")
    error = probe_redis(url)
    if error:
        pytest.fail(f"REDIS_URL={url} est définie mais Redis ne répond pas : {error}")
    return url


def plan_in_worker(env, week) -> str:
    """Enqueue the beat's task from another process, as Celery beat does; return its id."""
    sender = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from digest.tasks import plan_weekly_digests as task; "
            f"print(task.apply_async(kwargs={{'week': {week!r}}}).id)",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return sender.stdout.strip().splitlines()[-1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_sends_the_week_once_even_when_planned_twice(
    tmp_path, worker_broker_url, smtp_sink, week, mediatheque, bourges
):
    AtelierFactory(structure=mediatheque, title="Atelier tablette", start_date=day_of(week, 1))
    for number in range(3):
        SubscriptionFactory(user=UserFactory(email=f"lecteur{number}@exemple.fr"), bassins=[bourges])
    database_url, sqlite_copy = database_for_worker(tmp_path)
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.digest.worker_settings",
        "CELERY_BROKER_URL": worker_broker_url,
        "MAILLAGE_VAR_DIR": str(tmp_path / "var"),
        "MAILLAGE_TEST_SMTP_PORT": str(smtp_sink.port),
        "MAILLAGE_TEST_QUEUE": queue,
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    worker = WorkerProcess(
        [
            *(sys.executable, "-m", "celery", "-A", "celery_app", "worker", "--pool=prefork"),
            *("--concurrency=2", "--loglevel=INFO", "--queues", queue, "--hostname", f"{queue}@%h"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        env,
    )
    try:
        worker.wait_for(r"ready\.", timeout=30)
        first = plan_in_worker(env, week)
        worker.wait_for(re.escape(f"[{first}] succeeded") + r".*: 3", timeout=60)
        worker.wait_for(re.escape(f"Task {CHUNK_TASK}[") + r".*succeeded.*'sent': 3", timeout=60)
        second = plan_in_worker(env, week)
        worker.wait_for(re.escape(f"[{second}] succeeded") + r".*: 0", timeout=60)
    finally:
        worker.stop()

    assert smtp_sink.recipients() == ["lecteur0@exemple.fr", "lecteur1@exemple.fr", "lecteur2@exemple.fr"]
    if sqlite_copy is not None:
        with sqlite3.connect(sqlite_copy) as database:
            rows = database.execute("SELECT week, status, attempts FROM digest_delivery").fetchall()
    else:
        from digest.models import Delivery

        rows = list(Delivery.objects.values_list("week", "status", "attempts"))
    assert sorted(rows) == [(week, "envoyee", 1)] * 3
