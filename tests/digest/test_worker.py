"""End to end: Celery beat's task in a real worker process, letters sent to a real SMTP server on
127.0.0.1, twice, and one letter each (as tests/calendars/test_tasks.py runs the feed sync)."""

import re
import sqlite3

import pytest

from tests.digest.factories import SubscriptionFactory, day_of
from tests.factories import AtelierFactory, UserFactory

PLAN_TASK = "digest.tasks.plan_weekly_digests"
CHUNK_TASK = "digest.tasks.send_digest_chunk"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_sends_the_week_once_even_when_planned_twice(
    start_celery_worker, smtp_sink, week, mediatheque, bourges
):
    AtelierFactory(structure=mediatheque, title="Atelier tablette", start_date=day_of(week, 1))
    for number in range(3):
        SubscriptionFactory(user=UserFactory(email=f"lecteur{number}@exemple.fr"), bassins=[bourges])
    worker = start_celery_worker(pool="prefork", concurrency=2, smtp_port=smtp_sink.port)
    # Enqueued from another process, as Celery beat does.
    first = worker.send(PLAN_TASK, week=week)
    worker.wait_for(re.escape(f"[{first}] succeeded") + r".*: 3", timeout=60)
    worker.wait_for(re.escape(f"Task {CHUNK_TASK}[") + r".*succeeded.*'sent': 3", timeout=60)
    second = worker.send(PLAN_TASK, week=week)
    worker.wait_for(re.escape(f"[{second}] succeeded") + r".*: 0", timeout=60)
    worker.stop()

    assert smtp_sink.recipients() == ["lecteur0@exemple.fr", "lecteur1@exemple.fr", "lecteur2@exemple.fr"]
    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            rows = database.execute("SELECT week, status, attempts FROM digest_delivery").fetchall()
    else:
        from digest.models import Delivery

        rows = list(Delivery.objects.values_list("week", "status", "attempts"))
    assert sorted(rows) == [(week, "envoyee", 1)] * 3
