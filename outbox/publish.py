"""Announcing work to the Celery workers from a web request, without letting a dead broker break it.

A task is published once the caller's transaction commits (the row it names exists by then). When the
broker is down or silent, publishing fails after the user's action is saved: raising would answer 500 for
something already done, so the failure is logged instead, and every caller keeps a row that a periodic task
picks up later (an outbox message pending for `send_due_messages`, a feed due for `dispatch_due_feeds`, a
preview that is replaced once stale). Publishing is bounded in time by the broker settings
(`CELERY_BROKER_CONNECTION_TIMEOUT`, `CELERY_TASK_PUBLISH_RETRY_POLICY`, the Redis socket timeouts).
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def publish(task, /, **kwargs) -> bool:
    """Send `task` with `kwargs` now; False, logged, when the broker cannot take it."""
    try:
        task.delay(**kwargs)
    except (OperationalError, OSError) as error:
        logger.warning(
            "%s%s left to its periodic task, the broker is unreachable: %s", task.name, kwargs, error
        )
        return False
    return True


def publish_on_commit(task, /, **kwargs) -> None:
    """`publish` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: publish(task, **kwargs))
