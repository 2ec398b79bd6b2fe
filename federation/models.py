"""Instances this one follows (`Peer`), and which mirrored copy came from which of them (`Mirror`).

A mirrored bassin, structure or atelier carries its `origin` (the instance where it was created) on its own
row; `Mirror` records the peer it was read from, which may differ (a hub relays its territories). Only rows
listed in `Mirror` are ever changed or deleted by a sync: a local object is never touched.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
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
