"""What a person may say about their situation when looking for help (`/recherche/`, `/aide/`, kiosk).

Values are short ASCII codes: they travel in links (`?critere=soir`), QR codes and printed slips.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from network.enums import Public


class Constraint(models.TextChoices):
    GRATUIT = "gratuit", _("Gratuit")
    FAUTEUIL = "fauteuil", _("Accessible en fauteuil")
    LANGUE = "langue", _("Dans une autre langue")
    SURDITE = "surdite", _("Je suis sourd ou malentendant")
    SOIR = "soir", _("Le soir (après 18 h)")
    SAMEDI = "samedi", _("Le samedi")
    SANS_DEPLACEMENT = "sans-deplacement", _("Je ne peux pas me déplacer")


class Who(models.TextChoices):
    SENIOR = "senior", _("Je suis senior")
    JEUNE = "jeune", _("Je suis jeune")
    PARENT = "parent", _("Je suis parent")
    EMPLOI = "emploi", _("Je cherche un emploi")


# The national standard's public each answer stands for (« Je cherche un emploi » has none: it is a need).
WHO_PUBLICS = {
    Who.SENIOR: Public.SENIORS,
    Who.JEUNE: Public.JEUNES,
    Who.PARENT: Public.FAMILLES,
}


class Pictogram(models.TextChoices):
    """The pictograms the app ships (`templates/orientation/pictograms/<value>.svg`), simple shapes drawn
    for the buttons of the lexicon's needs."""

    DEMARCHES = "demarches", _("Dossier (démarches)")
    TELEPHONE = "telephone", _("Téléphone")
    TABLETTE = "tablette", _("Tablette")
    ORDINATEUR = "ordinateur", _("Ordinateur")
    COURRIEL = "courriel", _("Enveloppe (e-mail)")
    EMPLOI = "emploi", _("Mallette (emploi)")
    SECURITE = "securite", _("Bouclier (sécurité)")
    FAMILLE = "famille", _("Famille")
    LOISIRS = "loisirs", _("Étoile (loisirs)")
    MATERIEL = "materiel", _("Étiquette de prix (matériel)")
    IMPRIMANTE = "imprimante", _("Imprimante")
    WIFI = "wifi", _("Wifi")
    SANTE = "sante", _("Croix (santé)")
    VOITURE = "voiture", _("Voiture")
    ARGENT = "argent", _("Pièce (argent)")
    PERSONNE = "personne", _("Personne")


class Equipment(models.TextChoices):
    """Equipment a place lists (`StructurePage` fields) that a need may call for."""

    PRINTER = "imprimante", _("Imprimante en accès public")
    WIFI = "wifi", _("Wifi gratuit")
    COMPUTERS = "ordinateurs", _("Ordinateurs en accès libre")
