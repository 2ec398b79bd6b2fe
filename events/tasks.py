"""Celery tasks of the events app."""

import logging

from celery import shared_task

from .domain import extend_sessions

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def extend_occurrences() -> int:
    """Nightly (Celery beat): keep twelve months of sessions ahead for series without an end."""
    count = extend_sessions()
    logger.info("Occurrences extended for %s series", count)
    return count
