"""`SessionOverride`: what changes for one session of a series (cancelled, moved, full, another place).

Keyed by the session's original start (its RECURRENCE-ID in iCal), so that the change survives edits of the
series as long as that session still exists; an override whose session no longer exists is kept but ignored.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import enums


class SessionOverride(models.Model):
    atelier = models.ForeignKey(
        "events.Atelier", on_delete=models.CASCADE, related_name="overrides", verbose_name=_("atelier")
    )
    original_start = models.DateTimeField(_("séance concernée (date et heure prévues)"))
    status = models.CharField(
        _("statut"), max_length=10, choices=enums.Status.choices, default=enums.Status.SCHEDULED
    )
    new_start = models.DateTimeField(_("nouvelle date et heure de début"), null=True, blank=True)
    new_end = models.DateTimeField(_("nouvelle heure de fin"), null=True, blank=True)
    place_name = models.CharField(_("autre lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    seats_taken = models.PositiveIntegerField(_("places réservées"), default=0)
    note = models.CharField(_("message pour le public"), max_length=255, blank=True)
    # A calendar may give one instance its own SUMMARY (RECURRENCE-ID): shown instead of the atelier's.
    title = models.CharField(
        _("titre de cette séance"),
        max_length=200,
        blank=True,
        help_text=_("Vide : le titre de l'atelier."),
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Changes that come from the structure's calendar (RECURRENCE-ID) are replaced at each sync; others stay.
    from_feed = models.BooleanField(default=False, editable=False)
    remote_sequence = models.IntegerField(null=True, blank=True, editable=False)
    block_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("changement de séance")
        verbose_name_plural = _("changements de séance")
        constraints = [
            models.UniqueConstraint(fields=["atelier", "original_start"], name="one_override_per_session")
        ]

    def __str__(self):
        return f"{self.atelier} — {self.original_start:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        """Raise SEQUENCE on change. The sessions follow through `events.domain` (`update_session`…)."""
        if self.pk:
            self.sequence += 1
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.new_start and self.new_end and self.new_end <= self.new_start:
            raise ValidationError(
                {"new_end": ValidationError(_("La fin doit être après le début."), code="end_before_start")}
            )

    @property
    def is_cancelled(self) -> bool:
        return self.status == enums.Status.CANCELLED
