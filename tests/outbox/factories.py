"""Rows of the outbox, made the way the project makes them (`queue_email`) or directly for admin tests."""

from datetime import timedelta

import factory
from django.core import mail
from django.utils import timezone

from outbox.models import Message
from outbox.queue import queue_email
from outbox.sending import send_due


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    key = factory.Sequence(lambda n: f"test:{n}")
    reason = "test"
    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    subject = "Rappel"
    body_text = "Bonjour,\n\nUn rappel.\n"


def queued(email="awa@exemple.fr", *, key=None, **kwargs) -> Message | None:
    """An e-mail queued as the workflows queue them (no task: the tests send it themselves)."""
    return queue_email(
        key=key or f"test:{email}",
        reason=kwargs.pop("reason", "test"),
        to=email,
        subject=kwargs.pop("subject", "Votre demande sur Maillage"),
        body_text=kwargs.pop("body_text", "Bonjour,\n\nVotre demande est enregistrée.\n"),
        body_html=kwargs.pop("body_html", "<p>Votre demande est enregistrée.</p>"),
        enqueue=kwargs.pop("enqueue", False),
        **kwargs,
    )


def later(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


def sent_emails() -> list:
    """What left so far (`django.core.mail.outbox`), once the sweep has sent the rows due: for tests of
    workflows whose e-mails are queued in the request (allauth's included) and sent by a worker."""
    send_due()
    return mail.outbox
