"""Structures in the national « lieux de médiation numérique » schema: the columns, one row per structure, the
CSV and JSON bodies and the file name the standard prescribes.

The column list is read from the copied `schema/schema.json`, never retyped, so that the export and the
schema the tests validate it against cannot drift apart. Multi-valued fields are joined with `|` (v1.0.x).
"""

import csv
import io
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from network import enums
from network.models import StructurePage

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "schema.json"
EXAMPLE_PATH = Path(__file__).resolve().parent / "schema" / "exemple-valide.csv"
SEPARATOR = "|"
DEFAULT_SOURCE = "Maillage"

# Model fields that hold a list, exported joined with `SEPARATOR`.
LIST_FIELDS = (
    "typologie",
    "courriels",
    "site_web",
    "itinerance",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
)
# Model fields exported as they are, under the same name.
PLAIN_FIELDS = (
    "pivot",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "structure_parente",
    "autres_formations_labels",
    "fiche_acces_libre",
    "prise_rdv",
)


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def columns() -> list[str]:
    """The schema's field names, in the schema's order: the CSV header."""
    return [field["name"] for field in schema()["fields"]]


def exported_structures(bassin=None):
    """Live, public, not closed structures (of one bassin, or all), in a stable order, in one query."""
    structures = StructurePage.objects.live().public().exclude(status=enums.StructureStatus.CLOSED)
    if bassin is not None:
        structures = structures.filter(bassin=bassin)
    return structures.order_by("title", "pk")


def export_id(structure) -> str:
    """The national id if the place has one, else its Maillage identity (one across instances)."""
    return structure.schema_id or str(structure.global_id)


def date_maj(structure):
    """The last time someone vouched for the page: its last publication, or a later « Toujours à jour »."""
    moments = [m for m in (structure.last_published_at, structure.confirmed_at) if m]
    moment = max(moments) if moments else structure.first_published_at or timezone.now()
    return timezone.localdate(moment)


def _number(value) -> str:
    return "" if value is None else repr(float(value))


def structure_row(structure) -> dict[str, str]:
    """One structure as the schema's row: every column, strings only (the CSV cells).

    `telephone` holds one number in the schema (its pattern has no separator): the first one is exported.
    """
    row = {name: getattr(structure, name) or "" for name in PLAIN_FIELDS}
    row |= {name: SEPARATOR.join(getattr(structure, name)) for name in LIST_FIELDS}
    row |= {
        "id": export_id(structure),
        "nom": structure.title,
        "latitude": _number(structure.latitude),
        "longitude": _number(structure.longitude),
        "telephone": structure.telephone[0] if structure.telephone else "",
        "source": structure.source or DEFAULT_SOURCE,
        "date_maj": date_maj(structure).isoformat(),
    }
    return {name: row[name] for name in columns()}


def as_csv(rows) -> str:
    """UTF-8 text, `,` between cells, every column of the schema in its order, header first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def as_json_records(rows) -> list[dict]:
    """The same rows as JSON records: latitude/longitude as numbers, empty cells as null."""
    numbers = {"latitude", "longitude"}
    return [
        {
            name: (float(value) if name in numbers else value) if value != "" else None
            for name, value in row.items()
        }
        for row in rows
    ]


def file_name(*, territory: str, day=None, extension: str = "csv") -> str:
    """`YYYY-MM-DD_idProducteur_lieux-de-mediation-numerique_territoire.csv`, as the standard prescribes."""
    day = day or timezone.localdate()
    producer = settings.MAILLAGE_OPENDATA_PRODUCER
    return f"{day.isoformat()}_{producer}_lieux-de-mediation-numerique_{territory}.{extension}"
