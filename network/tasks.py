"""Celery tasks of the network: thin wrappers around `network.freshness` (e-mails: `outbox.tasks`)."""

import logging

from celery import shared_task

from . import freshness

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_freshness_reminders() -> dict:
    """Every morning (beat): remind the editors of pages left unchanged for `MAILLAGE_FRESHNESS_MONTHS`.

    Safe to run twice or late: each reminder has its outbox key (structure, period, editor), sent once.
    """
    outcome = freshness.send_freshness_reminders()
    logger.info("Freshness reminders: %s", outcome)
    return outcome
