"""Enumerations of the national "lieux de médiation numérique" schema (v1.0.x) and Maillage's own.

The values are the exact strings of the standard: they are stored and exported as they are, so that an
export to the national cartography is lossless. Labels shown to people are the same French strings.
Keep this module the single place where these lists live.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    DEMARCHES = "Aide aux démarches administratives", _("Aide aux démarches administratives")
    OUTILS_QUOTIDIEN = (
        "Maîtrise des outils numériques du quotidien",
        _("Maîtrise des outils numériques du quotidien"),
    )
    INSERTION_PRO = (
        "Insertion professionnelle via le numérique",
        _("Insertion professionnelle via le numérique"),
    )
    SECURITE = "Utilisation sécurisée du numérique", _("Utilisation sécurisée du numérique")
    PARENTALITE = (
        "Parentalité et éducation avec le numérique",
        _("Parentalité et éducation avec le numérique"),
    )
    LOISIRS = "Loisirs et créations numériques", _("Loisirs et créations numériques")
    COMPREHENSION = "Compréhension du monde numérique", _("Compréhension du monde numérique")
    ACCES_MATERIEL = (
        "Accès internet et matériel informatique",
        _("Accès internet et matériel informatique"),
    )
    MATERIEL_SOLIDAIRE = (
        "Acquisition de matériel informatique à prix solidaire",
        _("Acquisition de matériel informatique à prix solidaire"),
    )


class Public(models.TextChoices):
    JEUNES = "Jeunes", _("Jeunes")
    ETUDIANTS = "Étudiants", _("Étudiants")
    FAMILLES = "Familles et/ou enfants", _("Familles et/ou enfants")
    SENIORS = "Seniors", _("Seniors")
    FEMMES = "Femmes", _("Femmes")


class PriseEnCharge(models.TextChoices):
    SURDITE = "Surdité", _("Surdité")
    HANDICAPS_MOTEURS = "Handicaps moteurs", _("Handicaps moteurs")
    HANDICAPS_MENTAUX = "Handicaps mentaux", _("Handicaps mentaux")
    ILLETTRISME = "Illettrisme", _("Illettrisme")
    ANGLAIS = "Langues étrangères (anglais)", _("Langues étrangères (anglais)")
    AUTRES_LANGUES = "Langues étrangères (autres)", _("Langues étrangères (autres)")
    DEFICIENCE_VISUELLE = "Déficience visuelle", _("Déficience visuelle")


class Frais(models.TextChoices):
    GRATUIT = "Gratuit", _("Gratuit")
    GRATUIT_SOUS_CONDITION = "Gratuit sous condition", _("Gratuit sous condition")
    PAYANT = "Payant", _("Payant")


class Itinerance(models.TextChoices):
    ITINERANT = "Itinérant", _("Itinérant")
    FIXE = "Fixe", _("Fixe")


class DispositifProgramme(models.TextChoices):
    AIDANTS_CONNECT = "Aidants Connect", _("Aidants Connect")
    BNR = "Bibliothèques numérique de référence", _("Bibliothèques numérique de référence")
    PIX = "Certification PIX", _("Certification PIX")
    CONSEILLERS_NUMERIQUES = "Conseillers numériques", _("Conseillers numériques")
    EMMAUS_CONNECT = "Emmaüs Connect", _("Emmaüs Connect")
    FRANCE_SERVICES = "France Services", _("France Services")
    GEN = "Grande école du numérique", _("Grande école du numérique")
    CROIX_ROUGE = "La Croix Rouge", _("La Croix Rouge")
    CAF = "Point d'accès numérique CAF", _("Point d'accès numérique CAF")
    PROMENEURS_DU_NET = "Promeneurs du net", _("Promeneurs du net")
    RELAIS_EMMAUS = "Relais numérique (Emmaüs Connect)", _("Relais numérique (Emmaüs Connect)")


class FormationLabel(models.TextChoices):
    MON_ESPACE_SANTE = "Formé à « Mon Espace Santé »", _("Formé à « Mon Espace Santé »")
    DUPLEX = "Formé à « DUPLEX » (illettrisme)", _("Formé à « DUPLEX » (illettrisme)")
    ARNIA = (
        "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
        _("Arnia/MedNum BFC (Bourgogne-Franche-Comté)"),
    )
    REEMPLOI_NORMANDIE = (
        "Collectif ressources et acteurs réemploi (Normandie)",
        _("Collectif ressources et acteurs réemploi (Normandie)"),
    )
    ETAPES_NUMERIQUES = "Étapes numériques (La Poste)", _("Étapes numériques (La Poste)")
    FABRIQUES_TERRITOIRE = "Fabriques de Territoire", _("Fabriques de Territoire")
    ECLAIREURS = (
        "Les Éclaireurs du numérique (Drôme)",
        _("Les Éclaireurs du numérique (Drôme)"),
    )
    MES_PAPIERS = "Mes Papiers (Métropole de Lyon)", _("Mes Papiers (Métropole de Lyon)")
    ORDI_3_0 = "ORDI 3.0", _("ORDI 3.0")
    SUD_LABS = "SUD LABS (PACA)", _("SUD LABS (PACA)")


# Schema v1.0.2 writes this label without the space before the parenthesis; read both spellings.
FORMATION_LABEL_ALIASES = {"Étapes numériques(La Poste)": FormationLabel.ETAPES_NUMERIQUES.value}


class ModaliteAcces(models.TextChoices):
    SE_PRESENTER = "Se présenter", _("Se présenter")
    TELEPHONER = "Téléphoner", _("Téléphoner")
    MAIL = "Contacter par mail", _("Contacter par mail")
    RDV_EN_LIGNE = "Prendre un RDV en ligne", _("Prendre un RDV en ligne")
    PAS_DE_PUBLIC = "Ce lieu n'accueille pas de public", _("Ce lieu n'accueille pas de public")
    FICHE_PRESCRIPTION = (
        "Envoyer un mail avec une fiche de prescription",
        _("Envoyer un mail avec une fiche de prescription"),
    )


class ModaliteAccompagnement(models.TextChoices):
    AUTONOMIE = "En autonomie", _("En autonomie")
    INDIVIDUEL = "Accompagnement individuel", _("Accompagnement individuel")
    ATELIER = "Dans un atelier collectif", _("Dans un atelier collectif")
    A_DISTANCE = "À distance", _("À distance")


class Typologie(models.TextChoices):
    """The data.inclusion typology codes that the MedNum `typologie` field points to.

    The full list has 92 codes; these are the ones the territory's structures use. Add codes from the
    data.inclusion list (never invented ones) when a structure needs one.
    """

    ASSO = "ASSO", _("Association")
    BIB = "BIB", _("Bibliothèque, médiathèque")
    CAF = "CAF", _("Caisse d'allocations familiales")
    CC = "CC", _("Communauté de communes")
    CCAS = "CCAS", _("Centre communal d'action sociale")
    CD = "CD", _("Conseil départemental")
    CIAS = "CIAS", _("Centre intercommunal d'action sociale")
    CS = "CS", _("Centre social")
    CSC = "CSC", _("Centre socioculturel")
    ENM = "ENM", _("Espace numérique mobile (bus)")
    EPCI = "EPCI", _("Intercommunalité")
    EPI = "EPI", _("Espace public internet")
    EPN = "EPN", _("Espace public numérique")
    ETABL_PUB = "ETABL_PUB", _("Établissement public")
    EVS = "EVS", _("Espace de vie sociale")
    FABLAB = "FABLAB", _("Fablab")
    FT = "FT", _("France Travail (ex-Pôle emploi)")
    MJC = "MJC", _("Maison des jeunes et de la culture")
    ML = "ML", _("Mission locale")
    MSAP = "MSAP", _("Maison de services au public")
    MUNI = "MUNI", _("Mairie, commune")
    OF = "OF", _("Organisme de formation")
    PIJ_BIJ = "PIJ_BIJ", _("Point / Bureau information jeunesse")
    RFS = "RFS", _("France Services")
    TIERS_LIEUX = "TIERS_LIEUX", _("Tiers-lieu")
    AUTRE = "Autre", _("Autre")


class StructureStatus(models.TextChoices):
    ACTIVE = "active", _("En activité")
    PROJECT = "project", _("En projet")
    CLOSED = "closed", _("Fermée")


class RegionalLabel(models.TextChoices):
    """Regional and network labels of Centre-Val de Loire, outside the national lists."""

    WEBOCENTRE = "WebOCentre", _("WebOCentre")
    CYBER_BASE = "Cyber-base", _("Cyber-base")
    CAMPUS_CONNECTE = "Campus connecté", _("Campus connecté")
    FABLAB_SOLIDAIRE = "FabLab solidaire (Fondation Orange)", _("FabLab solidaire (Fondation Orange)")


class Departement(models.TextChoices):
    CHER = "Cher", _("Cher (18)")
    EURE_ET_LOIR = "Eure-et-Loir", _("Eure-et-Loir (28)")
    INDRE = "Indre", _("Indre (36)")
    INDRE_ET_LOIRE = "Indre-et-Loire", _("Indre-et-Loire (37)")
    LOIR_ET_CHER = "Loir-et-Cher", _("Loir-et-Cher (41)")
    LOIRET = "Loiret", _("Loiret (45)")


class MemberRole(models.TextChoices):
    """What a person does in a structure. Editors ("responsable", "éditeur") may edit its page."""

    EDITOR = "editeur", _("Éditeur·rice de la fiche")
    RESPONSABLE = "responsable", _("Responsable")
    MEDIATEUR = "mediateur", _("Médiateur·rice")
    BENEVOLE = "benevole", _("Bénévole")
    SERVICE_CIVIQUE = "service_civique", _("Volontaire en service civique")


EDITING_ROLES = frozenset({MemberRole.EDITOR, MemberRole.RESPONSABLE})
# Volunteers (bénévoles, service civique) may propose changes to the structure's page, which an editor
# approves through the structure's moderation workflow (`network.permissions.grant_structure_permissions`).
SUBMITTING_ROLES = frozenset({MemberRole.BENEVOLE, MemberRole.SERVICE_CIVIQUE})

# What a person may ask to be when they request to join a structure. "Éditeur·rice de la fiche" is given by
# invitation only: it names a task on the site, not a job in the structure.
REQUESTABLE_ROLES = (
    MemberRole.MEDIATEUR,
    MemberRole.BENEVOLE,
    MemberRole.SERVICE_CIVIQUE,
    MemberRole.RESPONSABLE,
)
