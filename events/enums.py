"""Enumerations of ateliers. Themes, publics and support values reuse the national schema's lists.

Stored values are short codes where the standard has none, and the standard's own strings where it has some
(themes are its `services`, accessibility its `prise_en_charge_specifique`), so that exports stay lossless.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from network.enums import Frais, PriseEnCharge, Public, Service

TOUS_PUBLICS = "Tous publics"

Theme = Service


class AtelierPublic(models.TextChoices):
    """The standard's publics, plus « Tous publics » which it lacks and ateliers need."""

    TOUS = TOUS_PUBLICS, _("Tous publics")
    JEUNES = Public.JEUNES.value, Public.JEUNES.label
    ETUDIANTS = Public.ETUDIANTS.value, Public.ETUDIANTS.label
    FAMILLES = Public.FAMILLES.value, Public.FAMILLES.label
    SENIORS = Public.SENIORS.value, Public.SENIORS.label
    FEMMES = Public.FEMMES.value, Public.FEMMES.label


Accessibility = PriseEnCharge


class Level(models.TextChoices):
    DECOUVERTE = "decouverte", _("Découverte")
    DEBUTANT = "debutant", _("Débutant")
    INTERMEDIAIRE = "intermediaire", _("Intermédiaire")
    AVANCE = "avance", _("Avancé")


class Format(models.TextChoices):
    ON_SITE = "sur_place", _("Sur place")
    REMOTE = "a_distance", _("À distance")
    HYBRID = "hybride", _("Hybride")


# An atelier's price uses the structures' list (the national schema's `frais_a_charge`): one enumeration.
Price = Frais


class Registration(models.TextChoices):
    NONE = "sans", _("Sans inscription")
    PHONE = "telephone", _("Par téléphone")
    EMAIL = "email", _("Par e-mail")
    LINK = "lien", _("En ligne")
    ON_SITE = "sur_place", _("Sur place")


class Kind(models.TextChoices):
    """What the event is. Ateliers are for the public; the others are the network's own events, usually
    for professionals only ("interconnaissance")."""

    ATELIER = "atelier", _("Atelier")
    ECHANGE = "echange", _("Échange de pratiques")
    FORMATION = "formation", _("Formation")
    RESEAU = "reseau", _("Réunion de réseau")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PROFESSIONALS = "pro", _("Professionnels seulement")


class Status(models.TextChoices):
    SCHEDULED = "programme", _("Programmé")
    FULL = "complet", _("Complet")
    CANCELLED = "annule", _("Annulé")
    POSTPONED = "reporte", _("Reporté")


class Source(models.TextChoices):
    LOCAL = "local", _("Saisi dans Maillage")
    FEED = "flux", _("Calendrier synchronisé")
    INSTANCE = "instance", _("Autre instance")


class Frequency(models.TextChoices):
    ONCE = "", _("Une seule fois")
    WEEKLY = "WEEKLY", _("Chaque semaine")
    MONTHLY = "MONTHLY", _("Chaque mois")


class Weekday(models.TextChoices):
    """RFC 5545 weekday codes, Monday first as in France."""

    MO = "MO", _("lundi")
    TU = "TU", _("mardi")
    WE = "WE", _("mercredi")
    TH = "TH", _("jeudi")
    FR = "FR", _("vendredi")
    SA = "SA", _("samedi")
    SU = "SU", _("dimanche")


class MonthlyPosition(models.IntegerChoices):
    FIRST = 1, _("premier")
    SECOND = 2, _("deuxième")
    THIRD = 3, _("troisième")
    FOURTH = 4, _("quatrième")
    LAST = -1, _("dernier")


EVENING_HOUR = 18
