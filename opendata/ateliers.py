"""Ateliers and their sessions as open data (CSV and JSON).

No national schema exists for workshops; columns reuse the names and values of the lieux standard where it
has some: `themes` are its `services` (the nine national values, stored as such), `publics` its
`publics_specifiquement_adresses` plus « Tous publics », `prise_en_charge_specifique` its list; the
structure is named by the same `id` as in the lieux export, so that both files join.

Only what the public sees leaves the site: public ateliers (never professionals-only ones, never the
network's own events) of live, public structures. Sessions are those still to come within a year.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from events import enums as event_enums
from events.models import Atelier, Occurrence
from network.models import StructurePage
from outbox.links import absolute_url

from .lieux import SEPARATOR, export_id

ATELIER_COLUMNS = [
    "id",
    "structure_id",
    "structure_nom",
    "titre",
    "resume",
    "themes",
    "publics",
    "niveau",
    "format",
    "lieu",
    "adresse",
    "code_postal",
    "commune",
    "latitude",
    "longitude",
    "tarif",
    "inscription",
    "prise_en_charge_specifique",
    "accessible_fauteuil",
    "url",
    "date_maj",
]
SESSION_COLUMNS = [
    "id",
    "atelier_id",
    "titre",
    "debut",
    "fin",
    "statut",
    "lieu",
    "adresse",
    "commune",
    "latitude",
    "longitude",
    "url",
]
SESSION_HORIZON_DAYS = 366


def _public_structures():
    return StructurePage.objects.live().public().values("pk")


def exported_ateliers(bassin=None):
    ateliers = (
        Atelier.objects.public()
        .filter(kind=event_enums.Kind.ATELIER, structure__in=_public_structures())
        .select_related("structure")
        .order_by("pk")
    )
    if bassin is not None:
        ateliers = ateliers.filter(structure__bassin=bassin)
    return ateliers


def exported_sessions(bassin=None, now=None):
    now = now or timezone.now()
    sessions = (
        Occurrence.objects.public()
        .filter(
            Q(atelier__kind=event_enums.Kind.ATELIER),
            atelier__structure__in=_public_structures(),
            end__gte=now,
            start__lte=now + timedelta(days=SESSION_HORIZON_DAYS),
        )
        .select_related("atelier")
        .order_by("start", "pk")
    )
    if bassin is not None:
        sessions = sessions.filter(atelier__structure__bassin=bassin)
    return sessions


def _text(value) -> str:
    return "" if value is None else str(value)


def atelier_row(atelier) -> dict[str, str]:
    structure = atelier.structure
    return {
        "id": atelier.uid,
        "structure_id": export_id(structure),
        "structure_nom": structure.title,
        "titre": atelier.title,
        "resume": atelier.summary,
        "themes": SEPARATOR.join(atelier.themes),
        "publics": SEPARATOR.join(atelier.publics),
        "niveau": str(atelier.get_level_display()) if atelier.level else "",
        "format": str(atelier.get_format_display()),
        "lieu": atelier.place_name,
        "adresse": atelier.address or structure.adresse,
        "code_postal": atelier.postal_code or structure.code_postal,
        "commune": atelier.commune or structure.commune,
        "latitude": _text(atelier.latitude if atelier.latitude is not None else structure.latitude),
        "longitude": _text(atelier.longitude if atelier.longitude is not None else structure.longitude),
        "tarif": str(atelier.get_price_display()),
        "inscription": str(atelier.get_registration_display()),
        "prise_en_charge_specifique": SEPARATOR.join(atelier.accessibility),
        "accessible_fauteuil": "oui" if atelier.wheelchair_accessible else "non",
        "url": absolute_url(atelier.get_absolute_url()),
        "date_maj": timezone.localdate(atelier.updated_at).isoformat(),
    }


def session_row(session) -> dict[str, str]:
    atelier = session.atelier
    return {
        "id": f"{atelier.uid}#{session.recurrence_id.isoformat()}",
        "atelier_id": atelier.uid,
        "titre": session.title or atelier.title,
        "debut": timezone.localtime(session.start).isoformat(),
        "fin": timezone.localtime(session.end).isoformat(),
        "statut": str(session.get_status_display()),
        "lieu": session.place_name,
        "adresse": session.address,
        "commune": session.commune,
        "latitude": _text(session.latitude),
        "longitude": _text(session.longitude),
        "url": absolute_url(atelier.get_absolute_url()),
    }
