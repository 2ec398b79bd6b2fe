"""`opendata.tasks.run_import_task` in a real worker process, routed as deployed (the feeds queue): the
uploaded file is read back from the imports storage and the run ends recorded as done."""

import re
import sqlite3

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opendata.models import ImportRun, ImportRunStatus
from opendata.runs import start_import
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
