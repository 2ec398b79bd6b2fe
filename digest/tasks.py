"""Celery tasks of the weekly letter: thin wrappers around `digest.delivery`.

Both are safe to run again, so a worker killed mid-task gives its message back for another worker
(`acks_late` + `reject_on_worker_lost`): planning creates nothing twice, and a letter is claimed before it is
sent, so a chunk run again skips the letters already sent or being sent (`digest.delivery`, at most once).
"""

import logging

from celery import shared_task
from django.conf import settings

from .delivery import chunks, plan_week, send_deliveries
from .weeks import current_week, parse_week

logger = logging.getLogger(__name__)

# A chunk of 100 letters takes seconds; an SMTP relay that stops answering makes it wait EMAIL_TIMEOUT per
# attempt, and the chunk stops at the first such failure, so these limits are never reached in practice.
CHUNK_SOFT_TIME_LIMIT = 240
CHUNK_TIME_LIMIT = 300


@shared_task(acks_late=True, reject_on_worker_lost=True)
def plan_weekly_digests(week: str | None = None) -> int:
    """Monday 07:30, Paris (Celery beat): plan the week's letters and hand them to workers by chunks.

    Safe to run twice: planning creates nothing twice, and a letter enqueued twice is claimed once. The
    chunks are enqueued once the planning is committed (at once in a worker, which runs in autocommit).
    """
    week = parse_week(week) if week else current_week()
    plan = plan_week(week=week)
    for delivery_ids in chunks(plan.delivery_ids):
        send_digest_chunk.delay_on_commit(week=week, delivery_ids=delivery_ids)
    logger.info(
        "Digest %s: %s deliveries planned, %s to send in chunks, %s stuck",
        week,
        plan.created,
        len(plan.delivery_ids),
        len(plan.stuck),
    )
    return len(plan.delivery_ids)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.DIGEST["MAX_RETRIES"],
    soft_time_limit=CHUNK_SOFT_TIME_LIMIT,
    time_limit=CHUNK_TIME_LIMIT,
)
def send_digest_chunk(self, *, week: str, delivery_ids: list[int]) -> dict:
    """Send a chunk; retry only its letters that failed for a temporary reason, with exponential backoff.

    Retries are 1, 2, 4… minutes apart, at most `RETRY_MAX_SECONDS`; once they are spent, the letters stay
    "failed" and any later planning run of the week sends them.
    """
    outcome = send_deliveries(week=week, delivery_ids=delivery_ids)
    logger.info(
        "Digest %s chunk: %s sent, %s empty, %s skipped, %s failed",
        week,
        outcome.sent,
        outcome.empty,
        outcome.skipped,
        outcome.failed,
    )
    if outcome.retry_ids and self.request.retries < self.max_retries:
        digest = settings.DIGEST
        countdown = min(digest["RETRY_BASE_SECONDS"] * 2**self.request.retries, digest["RETRY_MAX_SECONDS"])
        raise self.retry(kwargs={"week": week, "delivery_ids": outcome.retry_ids}, countdown=countdown)
    return {
        "sent": outcome.sent,
        "empty": outcome.empty,
        "skipped": outcome.skipped,
        "failed": outcome.failed,
    }
