"""Celery tasks of open data: the import of a file of places uploaded in the admin (`opendata.runs`), and
the periodic check that ends the imports that can no longer end by themselves.

On the feeds queue (see `CELERY_TASK_ROUTES`): a national file holds its worker for minutes, never one of
the e-mails'. `acks_late` with `reject_on_worker_lost`: a run whose worker dies comes back to a worker,
which marks it failed (`run_import`), so that it is never left « en cours ».
"""

import logging

from celery import shared_task
from django.conf import settings

from .runs import fail_stalled_runs, run_import

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT - 60,
    time_limit=settings.MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT,
)
def run_import_task(*, run_id: int) -> str:
    run = run_import(run_id=run_id)
    status = run.status if run is not None else "missing"
    logger.info("Import run %s: %s", run_id, status)
    return status


@shared_task
def fail_stalled_imports() -> int:
    """Beat's « fail-stalled-imports »: on the default queue, so that it still runs when the feeds worker
    that held the import is the one that died."""
    return fail_stalled_runs()
