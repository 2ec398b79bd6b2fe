"""Fault injection: the sweep and late tasks race for the same e-mails, each in a process of its own.

The broker was down when the e-mails were written (no task), then comes back: a burst of late tasks
reaches a real worker (two prefork processes) while beat's sweep runs in yet another process. Whatever
the interleaving, each row is claimed once (a conditional UPDATE), so each e-mail reaches the SMTP server
exactly once.
"""

import json
import re
import sqlite3
import subprocess
import sys

import pytest

from outbox.models import Message
from tests.fixtures.celery_worker import BASE_DIR
from tests.outbox.factories import queued

ADDRESSES = [f"personne{number:02}@exemple.fr" for number in range(10)]

PUBLISH = """
import json, sys
import django
django.setup()
from outbox.tasks import send_message
queue, ids = sys.argv[1], json.loads(sys.argv[2])
print(json.dumps([send_message.apply_async(kwargs={"message_id": pk}, queue=queue).id for pk in ids]))
"""

# Set up beforehand, it waits for the signal: the worker has started on the late tasks.

SWEEP = """
import json, sys, time
from pathlib import Path
import django
django.setup()
from outbox.sending import send_due
while not Path(sys.argv[1]).exists():
    time.sleep(0.005)
print(json.dumps(send_due()))
"""


def python(code: str, *args: str, env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True
    )


def last_json(process: subprocess.Popen):
    stdout, _stderr = process.communicate(timeout=120)
    assert process.returncode == 0
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweep_and_late_tasks_racing_send_each_email_once(start_celery_worker, smtp_sink, tmp_path):
    ids = [queued(address).pk for address in ADDRESSES]  # written while the broker was down: no task
    worker = start_celery_worker(pool="prefork", concurrency=2, smtp_port=smtp_sink.port)

    go = tmp_path / "worker-started"
    sweep = python(SWEEP, str(go), env=worker.env)
    task_ids = last_json(python(PUBLISH, worker.queue, json.dumps(ids), env=worker.env))
    worker.wait_for(r"Task outbox\.tasks\.send_message\[[^\]]+\] received", timeout=60)
    go.touch()
    swept = last_json(sweep)
    for task_id in task_ids:
        worker.wait_for(re.escape(f"[{task_id}] succeeded"), timeout=60)
    worker.stop()

    by_tasks = len(re.findall(r"succeeded in [\d.]+s: 'envoye'", worker.output))
    assert (swept["sent"] + by_tasks, swept["failed"], swept["retry"]) == (len(ADDRESSES), 0, 0)
    assert smtp_sink.recipients() == ADDRESSES
    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            rows = database.execute("SELECT status, attempts FROM outbox_message").fetchall()
    else:
        rows = list(Message.objects.values_list("status", "attempts"))
    assert rows == [("envoye", 1)] * len(ADDRESSES)
