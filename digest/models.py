"""The weekly digest's two tables: what each person asked for (`Subscription`) and what was sent (`Delivery`).

A subscription is created lazily (first visit of the preferences, or the first planning run for members of
the network); a delivery row exists once per subscription and ISO week, so that "sent exactly once a week"
is a database constraint, not a hope.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import enums as event_enums
from network.fields import ChoiceListField


class Frequency(models.TextChoices):
    WEEKLY = "hebdomadaire", _("Chaque semaine, le lundi matin")
    NONE = "aucune", _("Jamais (je ne reçois pas la lettre)")


class DeliveryStatus(models.TextChoices):
    PLANNED = "prevue", _("Prévue")
    SENDING = "envoi", _("En cours d'envoi")
    SENT = "envoyee", _("Envoyée")
    EMPTY = "vide", _("Rien à envoyer")
    FAILED = "echec", _("En échec")


CLAIMABLE = (DeliveryStatus.PLANNED, DeliveryStatus.FAILED)


class SubscriptionQuerySet(models.QuerySet):
    def receiving(self):
        """Who gets a letter this week: weekly, not paused, an active account with an address."""
        return self.filter(frequency=Frequency.WEEKLY, paused_at__isnull=True, user__is_active=True).exclude(
            user__email=""
        )


class Subscription(models.Model):
    """One person's choices for the weekly letter, plus the state of their address.

    Empty `bassins`, `themes` or `publics` mean "all": a person who unticks everything still gets the
    region's agenda rather than an empty letter. `include_pro` only matters for members of the network:
    professionals-only events are never put in a letter to anyone else, whatever this field says.
    `consecutive_failures` counts the weeks whose letter the recipient's server refused; it goes back to 0
    on the next letter accepted, and pauses the subscription at `DIGEST["PAUSE_AFTER_FAILURES"]`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_subscription",
        verbose_name=_("personne"),
    )
    frequency = models.CharField(
        _("fréquence"), max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    bassins = models.ManyToManyField(
        "network.BassinPage",
        blank=True,
        related_name="+",
        verbose_name=_("bassins de vie"),
        help_text=_("Aucun bassin coché : toute la région."),
    )
    themes = ChoiceListField(
        _("thèmes"), choices=event_enums.Theme.choices, help_text=_("Aucun thème coché : tous les thèmes.")
    )
    publics = ChoiceListField(
        _("publics"),
        choices=event_enums.AtelierPublic.choices,
        help_text=_("Aucun public coché : tous les publics."),
    )
    include_pro = models.BooleanField(
        _("événements du réseau"),
        default=True,
        help_text=_("Formations, échanges de pratiques et réunions réservés aux professionnels."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    unsubscribed_at = models.DateTimeField(_("désabonné le"), null=True, blank=True)

    consecutive_failures = models.PositiveIntegerField(_("échecs d'affilée"), default=0)
    failing_since = models.DateTimeField(_("refusée depuis le"), null=True, blank=True)
    paused_at = models.DateTimeField(_("suspendu le"), null=True, blank=True)
    pause_reason = models.CharField(_("raison de la suspension"), max_length=500, blank=True)
    paused_email = models.EmailField(_("adresse refusée"), blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement à la lettre")
        verbose_name_plural = _("abonnements à la lettre")

    def __str__(self):
        return f"{self.user} ({self.get_frequency_display()})"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def is_receiving(self) -> bool:
        return self.frequency == Frequency.WEEKLY and not self.is_paused

    def unsubscribe(self) -> None:
        """Stop the letter now. Saved with an UPDATE so that a concurrent preferences save cannot undo it."""
        now = timezone.now()
        type(self).objects.filter(pk=self.pk).update(
            frequency=Frequency.NONE, unsubscribed_at=now, updated_at=now
        )
        self.frequency, self.unsubscribed_at = Frequency.NONE, now

    def pause(self, *, reason: str) -> None:
        """Stop sending to an address that refuses our letters, and keep why, to tell its owner."""
        now = timezone.now()
        email = self.user.email
        type(self).objects.filter(pk=self.pk, paused_at__isnull=True).update(
            paused_at=now, pause_reason=reason[:500], paused_email=email
        )
        self.paused_at, self.pause_reason, self.paused_email = now, reason[:500], email

    def reactivate(self) -> None:
        """Lift a pause: the person says their address works again; failures start again from zero."""
        type(self).objects.filter(pk=self.pk).update(
            paused_at=None, pause_reason="", paused_email="", consecutive_failures=0, failing_since=None
        )
        self.paused_at, self.pause_reason, self.paused_email = None, "", ""
        self.consecutive_failures, self.failing_since = 0, None


class DeliveryQuerySet(models.QuerySet):
    def of_week(self, week: str):
        return self.filter(week=week)

    def claimable(self):
        return self.filter(status__in=CLAIMABLE)

    def stuck(self, *, older_than):
        """Claimed by a worker that never told how it ended (`digest.delivery`): reported, not resent."""
        return self.filter(status=DeliveryStatus.SENDING, claimed_at__lt=older_than)

    def claim(self, pk: int) -> bool:
        """Take one delivery for sending, atomically: of two workers, exactly one gets True."""
        now = timezone.now()
        return bool(
            self.filter(pk=pk, status__in=CLAIMABLE).update(
                status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now
            )
        )


class Delivery(models.Model):
    """The letter of one ISO week ("2027-W12") for one subscription.

    Life: planned → sending (claimed by one worker) → sent | empty (nothing to read: recorded, not sent,
    not retried) | failed (retried, back to sending). A delivery stuck in "sending" means a worker died
    between its claim and its outcome; it is never taken again automatically (see `digest.delivery`).
    `address_refused` marks a week already counted in the subscription's `consecutive_failures`.
    """

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("abonnement")
    )
    week = models.CharField(_("semaine"), max_length=8)
    status = models.CharField(
        _("état"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PLANNED
    )
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    address_refused = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("prévue le"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    message_id = models.CharField(_("identifiant du message"), max_length=255, blank=True)
    email = models.ForeignKey(
        "outbox.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("courriel"),
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("envoi de la lettre")
        verbose_name_plural = _("envois de la lettre")
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "week"], name="one_delivery_per_week"),
        ]
        indexes = [
            models.Index(fields=["week", "status"]),
            models.Index(
                fields=["subscription", "sent_at"],
                condition=Q(status="envoyee"),
                name="digest_delivery_last_sent",
            ),
        ]

    def __str__(self):
        return f"{self.subscription.user} — {self.week} ({self.get_status_display()})"
