"""`Message`: one e-mail Maillage sends itself (invitations, answers to requests, programme steps and
reminders, feed notices, the weekly letter).

Each e-mail is first a row, written in the transaction of what caused it, under a unique `key` that names the
reason and the recipient ("invitation:<id>", "call-closing:<cycle>:<user>", "digest:<week>:<user>"): an
e-mail computed twice is the same row, so it is sent once. A worker claims the row (compare and set on
`status`) before talking to the SMTP server and records the outcome after: two workers never both send it.
A failure leaves the row pending with a later `next_attempt_at`, up to `max_attempts`: nothing is lost.
A row claimed but never finished (a worker killed mid-send) may have reached the server: it is never resent
by itself; the sweep turns it "failed" with an explanation, and a person may send it again (« Renvoyer »).
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "attente", _("À envoyer")
    SENDING = "envoi", _("En cours d'envoi")
    SENT = "envoye", _("Envoyé")
    FAILED = "echec", _("Échec")
    CANCELLED = "annule", _("Annulé")


def default_max_attempts() -> int:
    return settings.OUTBOX["MAX_ATTEMPTS"]


def is_permanent(error: Exception) -> bool:
    """Every recipient refused with a 5xx code: the address does not exist, trying again cannot help."""
    return (
        isinstance(error, smtplib.SMTPRecipientsRefused)
        and bool(error.recipients)
        and all(code >= 500 for code, _reply in error.recipients.values())
    )


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4… minutes, at most `OUTBOX["RETRY_MAX_SECONDS"]`."""
    outbox = settings.OUTBOX
    seconds = outbox["RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, outbox["RETRY_MAX_SECONDS"]))


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


class MessageQuerySet(models.QuerySet):
    def due(self, now=None):
        """Waiting to be sent and whose time has come (new rows, and retries after their wait)."""
        return self.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now or timezone.now())

    def stuck(self, *, older_than):
        """Claimed for sending before `older_than` and never finished: the worker died mid-send."""
        return self.filter(status=MessageStatus.SENDING, claimed_at__lt=older_than)

    def claim(self, pk: int) -> bool:
        """Take the row for sending; False when another worker has it or it left the pending state."""
        return bool(
            self.filter(pk=pk, status=MessageStatus.PENDING).update(
                status=MessageStatus.SENDING, claimed_at=timezone.now()
            )
        )

    def about(self, topic: str):
        """The e-mails about `topic` and anything under it: "cycle:3" finds "cycle:3/contribution:8" too."""
        return self.filter(Q(topic=topic) | Q(topic__startswith=f"{topic}/"))


class Message(models.Model):
    """One e-mail to one address; see the module docstring for its life and what must stay true.

    `topic` says what the e-mail is about, as a path ("cycle:3/contribution:8", "structure:12"): the outbox
    sits below every other app and holds no foreign key to them, yet each can find its own e-mails
    (`Message.objects.about(...)`). `expires_at` is when the e-mail stops making sense (an invitation's
    link expires): a row still unsent then is cancelled rather than sent late.
    """

    key = models.CharField(_("clé"), max_length=200, unique=True)
    reason = models.CharField(_("motif"), max_length=40)
    topic = models.CharField(_("sujet"), max_length=100, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("destinataire"),
    )
    email = models.EmailField(_("adresse"))
    subject = models.CharField(_("objet"), max_length=250)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("tentatives au plus"), default=default_max_attempts)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    expires_at = models.DateTimeField(_("sans objet après le"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_message_due", condition=Q(status="attente"))
        ]

    def __str__(self):
        return f"{self.subject} → {self.email}"

    @property
    def can_resend(self) -> bool:
        return self.status == MessageStatus.FAILED

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def as_email(self, *, connection=None) -> EmailMultiAlternatives:
        email = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body_text,
            to=[self.email],
            headers=dict(self.headers),
            connection=connection,
        )
        if self.body_html:
            email.attach_alternative(self.body_html, "text/html")
        return email

    def record_sent(self) -> None:
        type(self).objects.filter(pk=self.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.SENT, sent_at=timezone.now(), attempts=self.attempts + 1, last_error=""
        )

    def record_failure(self, error: Exception) -> str:
        """Back to pending after `retry_delay(attempts)`, or failed for good; returns the new status."""
        attempts = self.attempts + 1
        status = (
            MessageStatus.FAILED
            if is_permanent(error) or attempts >= self.max_attempts
            else MessageStatus.PENDING
        )
        type(self).objects.filter(pk=self.pk, status=MessageStatus.SENDING).update(
            status=status,
            attempts=attempts,
            last_error=describe(error),
            next_attempt_at=timezone.now() + retry_delay(attempts),
        )
        return status

    def cancel(self, *, reason: str) -> bool:
        """Drop an e-mail not sent yet (pending, or claimed by this worker that decides not to send it)."""
        return bool(
            type(self)
            .objects.filter(pk=self.pk, status__in=[MessageStatus.PENDING, MessageStatus.SENDING])
            .update(status=MessageStatus.CANCELLED, last_error=reason[:500])
        )

    def resend(self, *, attempts: int | None = None) -> bool:
        """A failed e-mail goes back to pending, now, with `attempts` more tries (the default: a full set).

        False when it is not failed (sent, pending, being sent): « Renvoyer » never sends anything twice.
        """
        more = attempts if attempts is not None else settings.OUTBOX["MAX_ATTEMPTS"]
        updated = (
            type(self)
            .objects.filter(pk=self.pk, status=MessageStatus.FAILED)
            .update(
                status=MessageStatus.PENDING,
                next_attempt_at=timezone.now(),
                max_attempts=models.F("attempts") + more,
            )
        )
        if updated:
            self.refresh_from_db(fields=["status", "next_attempt_at", "max_attempts"])
        return bool(updated)
