"""Celery task of open data: the import of a file of places uploaded in the admin (`opendata.runs`).

On the feeds queue (see `CELERY_TASK_ROUTES`): a national file holds its worker for minutes, never one of
the e-mails'. `acks_late` with `reject_on_worker_lost`: a run whose worker dies comes back to a worker,
which marks it failed (`run_import`), so that it is never left « en cours ».
"""

import logging

from celery import shared_task
from django.conf import settings

from .runs import run_import

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
