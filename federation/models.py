"""Instances this one follows (`Peer`), and which mirrored copy came from which of them (`Mirror`).

A mirrored bassin, structure or atelier carries its `origin` (the instance where it was created) on its own
row; `Mirror` records the peer it was read from, which may differ (a hub relays its territories). Only rows
listed in `Mirror` are ever changed or deleted by a sync: a local object is never touched.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeerStatus(models.TextChoices):
    NEW = "new", _("jamais synchronisée")
    OK = "ok", _("à jour")
    ERROR = "error", _("en erreur")


class PeerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


def normalise_base_url(url: str) -> str:
    """One spelling per instance: no trailing slash, so that origins compare equal."""
    return (url or "").strip().rstrip("/")


class Peer(models.Model):
    url = models.URLField(
        _("adresse de l'instance"),
        unique=True,
        help_text=_(
            "Adresse publique d'une autre instance Maillage, par exemple https://maillage.exemple.fr"
        ),
    )
    name = models.CharField(_("nom"), max_length=120, blank=True)
    active = models.BooleanField(_("suivie"), default=True)
    status = models.CharField(
        _("état"), max_length=10, choices=PeerStatus.choices, default=PeerStatus.NEW, editable=False
    )
    last_error = models.TextField(_("dernière erreur"), blank=True, editable=False)
    last_sync_at = models.DateTimeField(_("dernière synchronisation"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("dernière réussite"), null=True, blank=True, editable=False)
    last_report = models.CharField(_("bilan"), max_length=500, blank=True, editable=False)
    # Per listing: the ETag of its first page and the newest `updated_at` applied (the next `updated_since`).
    etags = models.JSONField(default=dict, blank=True, editable=False)
    cursors = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)

    objects = PeerQuerySet.as_manager()

    class Meta:
        verbose_name = _("instance suivie")
        verbose_name_plural = _("instances suivies")
        ordering = ["url"]

    def __str__(self):
        return self.name or self.url

    def save(self, *args, **kwargs):
        self.url = normalise_base_url(self.url)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if urlsplit(self.url).scheme not in ("http", "https"):
            raise ValidationError({"url": _("Indiquez une adresse web en http:// ou https://.")})

    @property
    def base_url(self) -> str:
        return normalise_base_url(self.url)


class MirrorKind(models.TextChoices):
    BASSIN = "bassin", _("bassin de vie")
    STRUCTURE = "structure", _("structure")
    ATELIER = "atelier", _("atelier")


class Mirror(models.Model):
    """One object copied from `peer`, by its global identity (`global_id` of a page, `uid` of an atelier)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="mirrors")
    kind = models.CharField(max_length=10, choices=MirrorKind.choices)
    remote_id = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "remote_id"], name="one_mirror_per_object")]

    def __str__(self):
        return f"{self.kind} {self.remote_id}"


class SkippedItemQuerySet(models.QuerySet):
    def retrying(self):
        """Tried at the next sync: they hold their listing's `updated_since` back to their own date.

        Those not given up yet, and the given-up ones last tried more than
        `MAILLAGE_PEER_GIVEN_UP_RETRY_HOURS` ago: one more try each, so that a fault upstream that outlasted
        every attempt does not leave the object missing until it happens to change there.
        """
        due = timezone.now() - timedelta(hours=settings.MAILLAGE_PEER_GIVEN_UP_RETRY_HOURS)
        return self.filter(Q(attempts__lt=settings.MAILLAGE_PEER_MAX_ATTEMPTS) | Q(last_attempt_at__lte=due))

    def given_up(self):
        return self.filter(attempts__gte=settings.MAILLAGE_PEER_MAX_ATTEMPTS)


class SkippedItem(models.Model):
    """An object of `peer` left out of a sync for a reason that may pass: its bassin or structure not copied
    yet, refused by this instance's checks (a value this version does not know), a write that failed.

    The incremental reading (`updated_since`) would never bring it again unless it changes upstream, so
    the next syncs read its listing from its own `updated_at` and try it again, up to
    `MAILLAGE_PEER_MAX_ATTEMPTS` times. Then it is given up: it holds the listing back no more, and is
    reported in the peer's error until it changes upstream (its attempts start over) or vanishes there. A
    given-up object is still tried once every `MAILLAGE_PEER_GIVEN_UP_RETRY_HOURS`, and an administrator
    may re-queue them all (`federation.sync.retry_given_up`, « Réessayer »).
    Objects left out for good on purpose (our own objects coming back, another peer's copy, a local
    object) are never recorded here.
    """

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="skipped_items")
    kind = models.CharField(_("type"), max_length=10, choices=MirrorKind.choices)
    remote_id = models.CharField(_("identifiant"), max_length=255)
    title = models.CharField(_("nom"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("modifié sur l'instance suivie le"))
    attempts = models.PositiveIntegerField(_("essais"), default=0)
    reason = models.TextField(_("raison"))
    last_attempt_at = models.DateTimeField(_("dernier essai"), auto_now=True)

    objects = SkippedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("objet non copié")
        verbose_name_plural = _("objets non copiés")
        ordering = ["kind", "updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "kind", "remote_id"], name="one_skip_per_peer_object")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} « {self.title or self.remote_id} »"
