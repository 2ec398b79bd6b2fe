"""Putting e-mails in the outbox: the only way Maillage's own code sends an e-mail.

`queue_email` renders the message now (so that it says what was true when it happened) and stores it under
its key, inside the caller's transaction: the e-mail exists exactly when what caused it was committed, and a
broker that is down loses nothing (the sweep sends what no task announced). Once the transaction commits,
`outbox.tasks.send_message` sends the row.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Message, MessageStatus
from .publish import publish_on_commit
from .tasks import send_message


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) from `<template>_subject.txt`, `<template>.txt` and `<template>.html`.

    The HTML and text templates extend `outbox/email_base.html` and `outbox/email_base.txt`. E-mails are
    written in the site's language, whatever the language of the request or worker that queues them.
    """
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


def _enqueue(message: Message) -> None:
    """Hand the row to a worker once the transaction that wrote it commits. The row, not the task, is the
    e-mail: a task lost on the way (broker down) is made up for by the sweep, `send_due_messages`."""
    publish_on_commit(send_message, message_id=message.pk)


@transaction.atomic
def queue_email(
    *,
    key: str,
    reason: str,
    to: str,
    template: str = "",
    context: dict | None = None,
    subject: str = "",
    body_text: str = "",
    body_html: str = "",
    user=None,
    topic: str = "",
    headers: dict | None = None,
    expires_at=None,
    max_attempts: int | None = None,
    enqueue: bool = True,
) -> Message | None:
    """Store one e-mail to `to` unless a row with `key` exists (then nothing: it is the same e-mail).

    Either `template` (with `context`; `recipient` is added as `user`) or `subject` and `body_text` (and
    `body_html`) already rendered. Returns the new row, or None when the key exists, there is no address,
    or `user` is an inactive account. `enqueue=False` is for a caller that sends the row itself at once
    (the weekly letter, many letters on one SMTP connection): should it die first, the sweep sends it.
    """
    if not to or (user is not None and not user.is_active):
        return None
    if Message.objects.filter(key=key).exists():
        return None
    if template:
        subject, body_text, body_html = render_email(template, {**(context or {}), "recipient": user})
    fields = {
        "reason": reason,
        "topic": topic,
        "user": user,
        "email": to,
        "subject": subject[:250],
        "body_text": body_text,
        "body_html": body_html,
        "headers": headers or {},
        "expires_at": expires_at,
    }
    if max_attempts is not None:
        fields["max_attempts"] = max_attempts
    try:
        with transaction.atomic():
            message = Message.objects.create(key=key, **fields)
    except IntegrityError:  # the same e-mail queued concurrently
        return None
    if enqueue:
        _enqueue(message)
    return message


@transaction.atomic
def resend_email(*, message: Message) -> bool:
    """Send a failed e-mail again (« Renvoyer »), with a full set of attempts; False if it is not failed."""
    if not message.resend():
        return False
    _enqueue(message)
    return True


@transaction.atomic
def cancel_emails(*, topic: str, reason: str) -> int:
    """Drop the e-mails about `topic` not sent yet (what they announce no longer holds: an invitation
    replaced, a request withdrawn); returns how many. Rows being sent right now are left to finish."""
    return (
        Message.objects.about(topic)
        .filter(status=MessageStatus.PENDING)
        .update(status=MessageStatus.CANCELLED, last_error=reason[:500])
    )
