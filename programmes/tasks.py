"""Celery tasks of the programmes: thin wrappers around `programmes.notifications` and `.reminders`."""

import logging
from datetime import date

from celery import shared_task

from . import reminders
from .notifications import send_due_notifications, send_notification

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def send_notifications(*, notification_ids: list[int]) -> int:
    """Send freshly queued e-mails; failures stay in the outbox for `send_due_programme_emails`."""
    return sum(1 for pk in notification_ids if send_notification(pk) == "envoye")


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def send_due_programme_emails() -> dict:
    """Every few minutes (beat): retry failed sends whose time has come, and any row a worker missed."""
    outcome = send_due_notifications()
    if any(outcome.values()):
        logger.info("Programme e-mails: %s", outcome)
    return outcome


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def send_programme_reminders(*, today: str | None = None) -> dict:
    """Every morning at 08:00, Paris (beat): queue the day's reminders; each is sent once (see `reminders`).

    Safe to run twice or late: a reminder already queued is not queued again.
    """
    outcome = reminders.send_reminders(today=date.fromisoformat(today) if today else None)
    logger.info("Programme reminders: %s", outcome)
    return outcome
