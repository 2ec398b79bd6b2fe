"""Celery for real: the launcher's broker choice, and a worker process consuming a task on each broker.

The worker and the sender are separate processes started from the project's own settings, as under
`make run`; the filesystem transport lives in a temporary folder, Redis is used when `REDIS_URL` is set
(each run on a queue of its own, so that another worker on the same Redis cannot take the message).
"""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from config.runenv import choose_broker, describe_broker, probe_redis

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


class WorkerProcess:
    """A `celery worker` subprocess whose output is collected line by line."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            process_group=0,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not re.search(pattern, "\n".join(self.lines)):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    pytest.fail(f"Pas de « {pattern} » dans la sortie du worker :\n" + "\n".join(self.lines))
                self._changed.wait(min(remaining, 0.2))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(timeout=2)


@pytest.fixture
def worker_database_url(db, tmp_path) -> str:
    """A DATABASE_URL for the worker that reaches this test run's migrated database.

    SQLite's test database lives in this process's memory: the worker gets a file copy of it (a dump, as
    the backup API would wait forever on the test's open transaction).
    """
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            target.executescript("\n".join(connection.connection.iterdump()))
        return f"sqlite:///{copy}"
    if connection.vendor == "postgresql":
        credentials = quote(settings["USER"] or "", safe="")
        if settings["PASSWORD"]:
            credentials += ":" + quote(settings["PASSWORD"], safe="")
        host = settings["HOST"] or "localhost"
        port = f":{settings['PORT']}" if settings["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{settings['NAME']}"
    pytest.skip(f"Base {connection.vendor} non prise en charge par ce test")


@pytest.fixture(params=["filesystem", "redis"])
def broker_url(request):
    if request.param == "filesystem":
        return "filesystem://"
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL n'est pas définie : pas de test du worker sur Redis")
    error = probe_redis(url)
    if error:
        pytest.fail(f"REDIS_URL={url} est définie mais Redis ne répond pas : {error}")
    return url


def test_worker_consumes_task_sent_through_broker(worker_database_url, tmp_path, broker_url):
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_BROKER_URL": broker_url,
        "MAILLAGE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": worker_database_url,
        "PYTHONUNBUFFERED": "1",
    }
    worker = WorkerProcess(
        [
            *(sys.executable, "-m", "celery", "-A", "celery_app", "worker", "--pool=solo", "--loglevel=INFO"),
            *("--queues", queue, "--hostname", f"{queue}@%h"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        env,
    )
    try:
        worker.wait_for(r"ready\.", timeout=30)
        sender = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from outbox.tasks import send_message as task; "
                f"print(task.apply_async(kwargs={{'message_id': 0}}, queue={queue!r}).id)",
            ],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        task_id = sender.stdout.strip().splitlines()[-1]

        worker.wait_for(re.escape(f"Task {TASK}[{task_id}] succeeded"), timeout=20)
    finally:
        worker.stop()

    assert f"Task {TASK}[{task_id}] received" in worker.output
    assert "E-mail 0 not pending, not sent" in worker.output
    if broker_url.startswith("filesystem://"):
        assert list((tmp_path / "var" / "celery" / "queue").iterdir()) == []
