"""Celery tasks of the outbox: thin wrappers around `outbox.sending`.

A worker killed mid-task gives its message back for another worker (`acks_late` + `reject_on_worker_lost`):
safe, because each e-mail is claimed before it is sent and a claimed row is never sent again by a task.
"""

import logging

from celery import shared_task

from .sending import send_due, send_queued

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def send_message(*, message_id: int) -> str:
    """Send one freshly queued e-mail (enqueued once its transaction commits).

    No Celery retry: a failure is recorded on the row with its next attempt time, and the sweep takes it
    then. A row already sent, or being sent by another worker, is left alone.
    """
    result = send_queued(message_id=message_id)
    if not result.status:
        logger.info("E-mail %s not pending, not sent", message_id)
    return result.status


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def send_due_messages() -> dict:
    """Every five minutes (beat): retries whose time has come, rows no task announced, stuck rows."""
    outcome = send_due()
    if any(outcome.values()):
        logger.info("Outbox: %s", outcome)
    return outcome
