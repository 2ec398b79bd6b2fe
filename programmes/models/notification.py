"""`Notification`: the outbox of the programmes' e-mails (workflow steps and reminders).

Each e-mail is first a row, written in the transaction of what caused it, under a unique `key` that names the
reason and the recipient ("accepted:<event>:<user>", "call-closing:<cycle>:<user>"): a reminder computed twice
is the same row, so it is sent once. Rows are then sent by a Celery task that claims each one (compare and
set on `status`) before talking to the SMTP server; a failure leaves the row pending with a later
`next_attempt_at`, so nothing is lost and nothing is sent twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import NotificationStatus

MAX_ATTEMPTS = 8


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)

    def stuck(self, *, older_than):
        """Claimed for sending but never finished (a worker killed mid-send): to be retried."""
        return self.filter(status=NotificationStatus.SENDING, claimed_at__lt=older_than)

    def claim(self, pk: int) -> bool:
        """Take the row for sending; False when another worker has it or it left the pending state."""
        return bool(
            self.filter(pk=pk, status=NotificationStatus.PENDING).update(
                status=NotificationStatus.SENDING, claimed_at=timezone.now()
            )
        )


class Notification(models.Model):
    key = models.CharField(_("clé"), max_length=200, unique=True)
    reason = models.CharField(_("motif"), max_length=40)
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
    cycle = models.ForeignKey(
        "programmes.CyclePage", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    contribution = models.ForeignKey(
        "programmes.Contribution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    status = models.CharField(
        _("état"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail des programmes")
        verbose_name_plural = _("e-mails des programmes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="notification_due", condition=Q(status="attente"))
        ]

    def __str__(self):
        return f"{self.subject} → {self.email}"
