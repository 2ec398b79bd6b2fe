"""Reading a file of the national « lieux de médiation numérique » schema: rows, then a structure's values.

Why apart from the import (`opendata.importer`): what a cell means (its list values, its phone numbers, its
decimal comma) is decided here, row by row and without the database, so that the import's own module keeps
to matching places and writing them, and each rule of reading can be tried on a single row.
"""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network.models import StructurePage
from network.validators import normalize_phone, validate_phone

from .lieux import DEFAULT_SOURCE, LIST_FIELDS, PLAIN_FIELDS

# Header spellings seen in files of the standard (its own example included), mapped to the schema's names.
HEADER_ALIASES = {"modalite_acces": "modalites_acces", "itinérance": "itinerance"}
# List fields whose values may be written with `,` or `;` by older files (no value of theirs holds one).
LOOSE_SEPARATORS = re.compile(r"[|;,]")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, no header, no `nom` column…)."""


def decode(data: bytes) -> str:
    """UTF-8 as the standard asks (with or without BOM); a file saved by a spreadsheet in Windows-1252 is
    still read rather than refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs, header names normalised; `,` separated, or `;` if the header says so."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise ImportFileError(_("Le fichier est vide ou n'est pas un CSV lisible.")) from error
    names = [HEADER_ALIASES.get(name.strip().lower(), name.strip().lower()) for name in header]
    if "nom" not in names:
        raise ImportFileError(
            _("La première ligne du fichier doit nommer les colonnes du schéma national (id, pivot, nom…).")
        )
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            row = {
                name: (cells[index].strip() if index < len(cells) else "") for index, name in enumerate(names)
            }
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise ImportFileError(
            _("Le fichier CSV est mal formé vers la ligne %(line)s.") % {"line": reader.line_num}
        ) from error
    return rows


def _choices(name: str) -> list[str]:
    return StructurePage._meta.get_field(name).allowed_values


def _list_values(name: str, raw: str) -> tuple[list[str], list[str]]:
    """(kept values, values left out) of a list cell."""
    if not raw:
        return [], []
    if name in ("site_web",):
        return [part.strip() for part in raw.split("|") if part.strip()], []
    if name == "courriels":
        return [part.strip() for part in LOOSE_SEPARATORS.split(raw) if part.strip()], []
    allowed = _choices(name)
    parts = raw.split("|")
    if any(part.strip() not in allowed for part in parts):
        parts = LOOSE_SEPARATORS.split(raw)
    kept, dropped = [], []
    for part in (part.strip() for part in parts):
        if not part:
            continue
        # « Gratuit : Je peux accéder gratuitement… » (the value, then its explanation).
        value = part if part in allowed else part.split(" : ", 1)[0].strip()
        (kept if value in allowed else dropped).append(part if value not in allowed else value)
    return kept, dropped


def _phones(raw: str) -> tuple[list[str], list[str]]:
    kept, dropped = [], []
    for part in (part.strip() for part in LOOSE_SEPARATORS.split(raw or "")):
        if not part:
            continue
        number = normalize_phone(part)
        if re.fullmatch(r"33\d{9}", number):
            number = "+" + number
        try:
            validate_phone(number)
        except ValidationError:
            dropped.append(part)
        else:
            kept.append(number)
    return kept, dropped


def _float(raw: str):
    if not raw:
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError as error:
        raise ValidationError(_("« %(value)s » n'est pas un nombre.") % {"value": raw}) from error


def row_fields(row: dict[str, str]) -> tuple[dict, list[str]]:
    """The structure's field values read from a row, and the French notes on values left out."""
    values = {name: row.get(name, "") for name in PLAIN_FIELDS}
    values["title"] = row.get("nom", "")
    notes = []
    for name in LIST_FIELDS:
        kept, dropped = _list_values(name, row.get(name, ""))
        values[name] = kept
        if dropped:
            notes.append(
                ngettext(
                    "valeur ignorée dans %(field)s : %(values)s",
                    "valeurs ignorées dans %(field)s : %(values)s",
                    len(dropped),
                )
                % {"field": name, "values": ", ".join(dropped)}
            )
    values["telephone"], dropped = _phones(row.get("telephone", ""))
    if dropped:
        notes.append(
            ngettext(
                "téléphone non reconnu ignoré : %(values)s",
                "téléphones non reconnus ignorés : %(values)s",
                len(dropped),
            )
            % {"values": ", ".join(dropped)}
        )
    source = row.get("source", "")
    values["source"] = "" if source == DEFAULT_SOURCE else source
    values["latitude"] = _float(row.get("latitude", ""))
    values["longitude"] = _float(row.get("longitude", ""))
    return values, notes
