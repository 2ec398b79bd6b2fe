"""`CalendarToken`: the secret in a member's private agenda address (`/pro/agenda/<token>.ics`).

Calendar applications cannot log in, so the address itself is the credential: random (256 bits), unique,
one per person, and replaced at will ("Révoquer et créer une nouvelle adresse"), which makes the old address
answer 404 at once. The token only names the person: what the feed holds is decided at each request from
their current memberships, so leaving a structure also closes its professional events.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """One person's private agenda address; see the module for why the address is the credential."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("personne"),
    )
    token = models.CharField(
        _("jeton"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("adresse d'agenda privée")
        verbose_name_plural = _("adresses d'agenda privées")

    def __str__(self):
        return str(self.user)

    def renew(self) -> None:
        """Replace the secret: the previous address stops working immediately."""
        self.token = new_calendar_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])
