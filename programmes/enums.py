"""Enumerations of event cycles and their contributions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContributionState(models.TextChoices):
    """Where a proposal stands. Transitions are the workflow functions of `programmes.domain`."""

    DRAFT = "brouillon", _("Brouillon")
    SUBMITTED = "proposee", _("Proposée")
    CHANGES_REQUESTED = "a_modifier", _("Modifications demandées")
    ACCEPTED = "acceptee", _("Acceptée")
    DECLINED = "refusee", _("Refusée")
    WITHDRAWN = "retiree", _("Retirée")


# States whose contribution is still being discussed: coordinators have to act, or the structure.
OPEN_STATES = frozenset({ContributionState.SUBMITTED, ContributionState.CHANGES_REQUESTED})
# States counted in the programme's coverage as "offered" (proposed or accepted, not declined or withdrawn).
ACTIVE_STATES = frozenset(
    {ContributionState.SUBMITTED, ContributionState.CHANGES_REQUESTED, ContributionState.ACCEPTED}
)


class ContributionFormat(models.TextChoices):
    """What kind of moment the structure offers (the atelier's `kind` stays "atelier": all are public)."""

    ATELIER = "atelier", _("Atelier")
    DEMONSTRATION = "demonstration", _("Démonstration")
    CONFERENCE = "conference", _("Conférence ou table ronde")
    PERMANENCE = "permanence", _("Permanence d'aide")
    PORTES_OUVERTES = "portes_ouvertes", _("Portes ouvertes")
    JEU = "jeu", _("Jeu, escape game, défi")
    EXPOSITION = "exposition", _("Exposition")


class Need(models.TextChoices):
    EQUIPMENT = "materiel", _("Matériel")
    SPEAKER = "intervenant", _("Intervenant·e")
    COMMUNICATION = "communication", _("Communication")


class EventKind(models.TextChoices):
    """One line of a contribution's history: a step, an edit, a comment or a score."""

    CREATED = "creee", _("Créée")
    SUBMITTED = "proposee", _("Proposée")
    EDITED = "modifiee", _("Modifiée")
    CHANGES_REQUESTED = "a_modifier", _("Modifications demandées")
    ACCEPTED = "acceptee", _("Acceptée")
    DECLINED = "refusee", _("Refusée")
    WITHDRAWN = "retiree", _("Retirée")
    COMMENT = "commentaire", _("Commentaire")
    SCORED = "notee", _("Note")


class CallState(models.TextChoices):
    UPCOMING = "a_venir", _("Appel à contributions à venir")
    OPEN = "ouvert", _("Appel à contributions ouvert")
    CLOSED = "clos", _("Appel à contributions clos")
