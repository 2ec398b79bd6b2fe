"""`opendata.tasks` in a real worker process, routed as deployed: `run_import_task` on the feeds queue (the
uploaded file is read back from the imports storage and the run ends recorded as done), and beat's
`fail_stalled_imports` on the default queue (a stalled run ends failed, its author's e-mail queued once)."""

import re
import sqlite3
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opendata.models import ImportRun, ImportRunStatus
from opendata.runs import start_import
from outbox.models import Message
from tests.factories import BassinFactory, UserFactory

TASK = "opendata.tasks.run_import_task"
CSV = "id,nom,commune,latitude,longitude\nx-1,Lieu un,Vierzon,47.22,2.07\nx-2,,Vierzon,,\n"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_imports_an_uploaded_file_on_the_feeds_queue(start_celery_worker):
    imports = ImportRun._meta.get_field("file").storage.location  # the worker must read the same folder
    BassinFactory(title="Vierzon", slug="vierzon", latitude=47.22, longitude=2.07)
    run = start_import(
        user=UserFactory(is_superuser=True, is_staff=True),
        upload=SimpleUploadedFile("lieux.csv", CSV.encode()),
    )
    worker = start_celery_worker(queues="feeds", env={"MAILLAGE_IMPORTS_DIR": str(imports)})

    task_id = worker.send(TASK, routed=True, run_id=run.pk)

    worker.wait_for(re.escape(f"Task {TASK}[{task_id}] succeeded") + r".*'done'", timeout=120)
    worker.stop()
    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            recorded = database.execute(
                "SELECT status, created, rejected FROM opendata_importrun WHERE id = ?", [run.pk]
            ).fetchone()
    else:
        run = ImportRun.objects.get(pk=run.pk)
        recorded = (run.status, run.created, run.rejected)
    assert tuple(recorded) == (ImportRunStatus.DONE, 1, 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_fails_a_stalled_import_on_the_default_queue_and_tells_its_author(start_celery_worker):
    run = start_import(
        user=UserFactory(is_superuser=True, is_staff=True, email="admin@example.fr"),
        upload=SimpleUploadedFile("lieux.csv", CSV.encode()),
    )
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=2))
    worker = start_celery_worker(queues="default")

    task_id = worker.send("opendata.tasks.fail_stalled_imports", routed=True)

    worker.wait_for(
        re.escape(f"Task opendata.tasks.fail_stalled_imports[{task_id}] succeeded") + r".*: 1", 120
    )
    worker.stop()
    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            status = database.execute(
                "SELECT status FROM opendata_importrun WHERE id = ?", [run.pk]
            ).fetchone()
            emails = database.execute("SELECT email, reason FROM outbox_message").fetchall()
    else:
        status = [ImportRun.objects.get(pk=run.pk).status]
        emails = list(Message.objects.values_list("email", "reason"))
    assert (status[0], [tuple(email) for email in emails]) == (
        ImportRunStatus.FAILED,
        [("admin@example.fr", "import_lieux")],
    )
