"""API objects as a peer shows them (api_contract.md), for the fake peer's lists."""

import uuid
from datetime import timedelta

from django.utils import timezone

T0 = timezone.now().replace(microsecond=0) - timedelta(days=1)


def stamp(minutes: int = 0) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def bassin(base: str, *, nom="Bassin de Vierzon", origin=None, **fields) -> dict:
    gid = str(uuid.uuid4())
    return {
        "id": gid,
        "updated_at": stamp(),
        "url": f"{base}/bassin-{gid[:8]}/",
        "origin": origin or base,
        "nom": nom,
        "departements": ["Cher"],
        "latitude": 47.22,
        "longitude": 2.07,
    } | fields


def structure(base: str, bassin_id: str, *, nom="Médiathèque de Vierzon", origin=None, **fields) -> dict:
    gid = str(uuid.uuid4())
    return {
        "id": gid,
        "updated_at": stamp(),
        "url": f"{base}/structure-{gid[:8]}/",
        "origin": origin or base,
        "bassin": bassin_id,
        "nom": nom,
        "commune": "Vierzon",
        "code_postal": "18100",
        "adresse": "1 place de l'Hôtel de Ville",
        "latitude": 47.22,
        "longitude": 2.07,
        "services": ["Aide aux démarches administratives", "un service inconnu d'ici"],
        "telephone": ["+33248000000"],
        "presentation_resume": "Un lieu pour apprendre.",
    } | fields


def atelier(base: str, structure_id: str, *, title="Atelier tablette", origin=None, **fields) -> dict:
    uid = f"{uuid.uuid4()}@pair.test"
    start = timezone.localdate() + timedelta(days=3)
    return {
        "id": uid,
        "updated_at": stamp(),
        "url": f"{base}/agenda/{uid[:8]}/",
        "origin": origin or base,
        "structure": structure_id,
        "title": title,
        "summary": "Prendre en main sa tablette.",
        "description": "<p>Pas à pas.</p><script>alert(1)</script>",
        "themes": ["Maîtrise des outils numériques du quotidien"],
        "publics": ["Seniors"],
        "start_date": start.isoformat(),
        "start_time": "14:00:00",
        "end_time": "16:00:00",
        "rrule": "FREQ=WEEKLY;COUNT=4",
        "status": "programme",
    } | fields
