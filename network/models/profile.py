"""`MemberProfile`: how a professional presents themself to the network, and to whom.

Only people with a membership (a structure) appear in the professional directory; the profile says what
they do and what they can help peers with, and `visibility` decides who sees it. The default is the
bassin: someone who never opens their profile is known to their neighbours, not to the whole region.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfileVisibility(models.TextChoices):
    NETWORK = "reseau", _("Tout le réseau (toute la région)")
    BASSIN = "bassin", _("Les membres de mes bassins")
    HIDDEN = "masque", _("Personne (je n'apparais pas dans l'annuaire)")


def member_name(user) -> str:
    """How the network names a person: the profile's chosen name, else the account's full name, else the
    address. People without a profile are named too (most members never open theirs)."""
    try:
        chosen = user.member_profile.display_name
    except ObjectDoesNotExist:
        chosen = ""
    return chosen or user.get_full_name() or user.email


class MemberProfile(models.Model):
    """What a member tells their peers about themself; who sees it is `visibility` (see the module)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member_profile",
        verbose_name=_("personne"),
    )
    display_name = models.CharField(_("nom affiché"), max_length=120, blank=True)
    job_title = models.CharField(_("fonction"), max_length=120, blank=True)
    topics = models.CharField(
        _("sujets"),
        max_length=500,
        blank=True,
        help_text=_("Ce sur quoi vous travaillez, séparé par des virgules."),
    )
    languages = models.CharField(
        _("langues parlées"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : français, arabe, anglais."),
    )
    can_help_with = models.TextField(_("je peux aider mes collègues sur…"), blank=True)
    phone = models.CharField(_("téléphone professionnel"), max_length=30, blank=True)
    visibility = models.CharField(
        _("qui voit mon profil"),
        max_length=10,
        choices=ProfileVisibility.choices,
        default=ProfileVisibility.BASSIN,
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil professionnel")
        verbose_name_plural = _("profils professionnels")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """What the directory shows: the chosen name, else the account's full name, else the address."""
        user = self.user
        return self.display_name or user.get_full_name() or user.email

    @staticmethod
    def split_list(text: str) -> list[str]:
        """Comma-separated free text ("numérique, seniors, ") as clean items, for tags."""
        return [item.strip() for item in text.split(",") if item.strip()]

    @property
    def topic_list(self) -> list[str]:
        return self.split_list(self.topics)

    @property
    def language_list(self) -> list[str]:
        return self.split_list(self.languages)
