"""Sending the outbox: one row at a time, each at most once (see `outbox.models`).

`send_queued` claims a row, talks to the SMTP server and records the outcome: after a temporary failure
the row waits (`outbox.models.retry_delay`: 1, 2, 4… minutes) and is taken again by the sweep, `send_due`,
which runs every few minutes (beat). The sweep also sends what no task ever announced (the broker was down
when the row was written) and turns rows stuck in "sending" into "failed", so that they show in the admin
instead of waiting forever.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.utils import timezone
from django.utils.translation import gettext

from .dates import french_date
from .models import Message, MessageStatus

logger = logging.getLogger(__name__)

SMTP_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class SendResult:
    """What one `send_queued` did: the row's status afterwards ("" when it was not ours to send), and the
    SMTP error when it failed (callers such as the weekly letter read whose fault it was)."""

    status: str
    error: Exception | None = None


def _close(connection) -> None:
    with contextlib.suppress(*SMTP_ERRORS):
        connection.close()


def send_queued(*, message_id: int, connection=None) -> SendResult:
    """Send one row at most once, on `connection` when given (kept open across a batch, opened again after
    a failure closed it), else on a connection of its own."""
    if not Message.objects.claim(message_id):
        return SendResult("")
    message = Message.objects.get(pk=message_id)
    if message.is_expired():
        message.cancel(
            reason=gettext("Sans objet : non envoyé avant le %(date)s.")
            % {"date": french_date(timezone.localtime(message.expires_at), "j F Y à H:i")}
        )
        return SendResult(MessageStatus.CANCELLED)
    try:
        if connection is not None:
            connection.open()
        message.as_email(connection=connection).send()
    except SMTP_ERRORS as error:
        if connection is not None:
            _close(connection)
        status = message.record_failure(error)
        logger.warning(
            "E-mail %s (%s) not sent, attempt %s: %s", message.pk, message.reason, message.attempts + 1, error
        )
        return SendResult(status, error)
    message.record_sent()
    logger.info("E-mail %s (%s) sent to %s", message.pk, message.reason, message.email)
    return SendResult(MessageStatus.SENT)


def recover_stuck(*, now=None) -> list[int]:
    """Rows "sending" for longer than any send may take: the worker died, perhaps after the SMTP server took
    the e-mail. Resending could send it twice, so they become "failed" with the reason, for a person to
    look at and send again if the recipient did not get it."""
    now = now or timezone.now()
    older_than = now - timedelta(minutes=settings.OUTBOX["STUCK_AFTER_MINUTES"])
    stuck = list(Message.objects.stuck(older_than=older_than).values_list("pk", flat=True))
    if stuck:
        Message.objects.filter(pk__in=stuck, status=MessageStatus.SENDING).update(
            status=MessageStatus.FAILED,
            last_error=gettext(
                "Envoi interrompu (processus arrêté pendant l'envoi) : le courriel est peut-être parti. "
                "Non renvoyé automatiquement, pour ne pas l'envoyer deux fois."
            ),
        )
        logger.warning(
            "%s e-mails stuck in 'sending' marked failed (not resent, at most once): %s", len(stuck), stuck
        )
    return stuck


def send_due(*, now=None, limit: int = 500) -> dict:
    """Send what is due, on one SMTP connection; stop at the first failure of the relay itself.

    An address refused by its server does not hold back the others; an unreachable relay would fail every
    row in turn (each after `EMAIL_TIMEOUT`), so the rest waits for the next sweep, untouched.
    """
    now = now or timezone.now()
    outcome = {"sent": 0, "retry": 0, "failed": 0, "stuck": len(recover_stuck(now=now))}
    ids = list(
        Message.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )
    connection = get_connection()
    try:
        for pk in ids:
            result = send_queued(message_id=pk, connection=connection)
            if result.status == MessageStatus.SENT:
                outcome["sent"] += 1
            elif result.status == MessageStatus.PENDING:
                outcome["retry"] += 1
            elif result.status == MessageStatus.FAILED:
                outcome["failed"] += 1
            if result.error is not None and not isinstance(result.error, smtplib.SMTPRecipientsRefused):
                break
    finally:
        _close(connection)
    return outcome
