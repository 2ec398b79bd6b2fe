"""Queue and send the programmes' e-mails through the `Notification` outbox (see its docstring).

`queue_email` renders the message now (so that it says what was true when it happened) and stores it under
its key, inside the caller's transaction; once that transaction commits, a Celery task sends the new rows.
`send_notification` claims a row, sends it on its own SMTP connection and records the outcome: a temporary
failure is retried later with a growing delay, up to `MAX_ATTEMPTS`; a row found claimed but unfinished is
logged and left alone (at most once, as the weekly letter does).
"""

import logging
import smtplib
import threading
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .enums import NotificationStatus
from .models import Notification
from .models.notification import MAX_ATTEMPTS

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 3600
STUCK_AFTER_MINUTES = 30


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) from `programmes/emails/<template>_subject.txt`, `.txt` and `.html`."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"programmes/emails/{template}_subject.txt", context).split())
        text = render_to_string(f"programmes/emails/{template}.txt", context)
        html = render_to_string(f"programmes/emails/{template}.html", context)
    return subject, text, html


def queue_email(
    *, key: str, reason: str, user, template: str, context: dict, cycle=None, contribution=None
) -> Notification | None:
    """Store one e-mail to `user` unless a row with this key exists (then nothing: it is the same e-mail).

    Returns the new row, or None when it already existed or the person has no address.
    """
    if not user.email or not user.is_active:
        return None
    if Notification.objects.filter(key=key).exists():
        return None
    subject, text, html = render_email(template, {**context, "recipient": user})
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key[:200],
                reason=reason,
                user=user,
                email=user.email,
                subject=subject[:250],
                body_text=text,
                body_html=html,
                cycle=cycle,
                contribution=contribution,
            )
    except IntegrityError:  # the same e-mail queued concurrently
        return None
    _send_after_commit([notification.pk])
    return notification


class _Batch:
    """The e-mails queued in one transaction, handed to a single task once it commits (a call-open morning
    queues hundreds: one task, not hundreds)."""

    def __init__(self):
        self.ids: list[int] = []

    def __call__(self):
        from .tasks import send_notifications

        send_notifications.delay(notification_ids=self.ids)


_local = threading.local()


def _send_after_commit(ids: list[int]) -> None:
    connection = transaction.get_connection()
    batch = getattr(_local, "batch", None)
    # Reuse the batch only while its callback is still waiting for this transaction's commit.
    if (
        batch is None
        or not connection.in_atomic_block
        or not any(callback is batch for _sids, callback, _robust in connection.run_on_commit)
    ):
        batch = _local.batch = _Batch()
        batch.ids.extend(ids)
        transaction.on_commit(batch)
        return
    batch.ids.extend(ids)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def send_notification(pk: int, *, connection=None) -> str:
    """Send one queued e-mail at most once; returns the row's status afterwards ("" if not claimable)."""
    if not Notification.objects.claim(pk):
        return ""
    notification = Notification.objects.get(pk=pk)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.email],
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        attempts = notification.attempts + 1
        permanent = isinstance(error, smtplib.SMTPRecipientsRefused) and all(
            code >= 500 for code, _reply in error.recipients.values()
        )
        status = (
            NotificationStatus.FAILED if permanent or attempts >= MAX_ATTEMPTS else NotificationStatus.PENDING
        )
        Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING).update(
            status=status,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:500],
            next_attempt_at=timezone.now() + _retry_delay(attempts),
        )
        logger.warning("Programme e-mail %s not sent (attempt %s): %s", pk, attempts, error)
        return status
    Notification.objects.filter(pk=pk).update(
        status=NotificationStatus.SENT,
        sent_at=timezone.now(),
        attempts=notification.attempts + 1,
        last_error="",
    )
    return NotificationStatus.SENT


def send_due_notifications(*, now=None, limit: int = 500) -> dict:
    """Send what is due (new rows missed by their task, retries whose time has come); log stuck rows."""
    now = now or timezone.now()
    stuck = list(
        Notification.objects.stuck(older_than=now - timedelta(minutes=STUCK_AFTER_MINUTES)).values_list(
            "pk", flat=True
        )
    )
    if stuck:
        logger.warning(
            "%s programme e-mails stuck in 'sending' (not resent, at most once): %s", len(stuck), stuck
        )
    ids = list(
        Notification.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )
    outcome = {"sent": 0, "retry": 0, "failed": 0, "stuck": len(stuck)}
    for pk in ids:
        status = send_notification(pk)
        if status == NotificationStatus.SENT:
            outcome["sent"] += 1
        elif status == NotificationStatus.PENDING:
            outcome["retry"] += 1
        elif status == NotificationStatus.FAILED:
            outcome["failed"] += 1
    return outcome
