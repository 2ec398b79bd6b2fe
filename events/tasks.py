"""Celery tasks of the events app."""

import logging

from celery import shared_task

from .domain import extend_sessions

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def extend_occurrences() -> int:
    """Nightly (Celery beat): keep twelve months of sessions ahead for series without an end.

    Idempotent (a series already extended is not looked at again), so a worker killed mid-task gives its
    message back for another worker (`reject_on_worker_lost`).
    """
    count = extend_sessions()
    logger.info("Occurrences extended for %s series", count)
    return count
