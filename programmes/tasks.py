"""Celery tasks of the programmes: thin wrappers around `programmes.reminders` (e-mails: `outbox.tasks`)."""

import logging
from datetime import date

from celery import shared_task

from . import reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def send_programme_reminders(*, today: str | None = None) -> dict:
    """Every morning at 08:00, Paris (beat): queue the day's reminders; each is sent once (see `reminders`).

    Safe to run twice or late: a reminder already queued is not queued again; so a worker killed mid-task
    gives its message back for another worker (`reject_on_worker_lost`).
    """
    outcome = reminders.send_reminders(today=date.fromisoformat(today) if today else None)
    logger.info("Programme reminders: %s", outcome)
    return outcome
