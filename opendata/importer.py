"""Import a file of the national « lieux de médiation numérique » schema: create or update structures.

Why this shape:
- A structure is found by the file's `id` (our `schema_id`, or our `global_id` when the id is one of ours, so
  that a Maillage export imports back onto the same pages), else by `pivot` when exactly one structure has it.
  A place missing from the file is never touched: a partial file must not delete anybody's page.
- Each row is judged alone and rejected with a French reason people can act on; the other rows go on. The
  model's own validation gives the reasons (its fields' validators for a new place, whose slug the import
  chooses free; `full_clean` for an update), so that an import accepts exactly what the edit form accepts.
- A national file holds some 20,000 places: rows are judged before anything is written, known places are
  read a few thousand per query, and new ones are created in batches (`network.domain.create_structures`,
  without a revision per page: see there why).
- Files in the wild are older than the schema (the standard's own example uses `,` inside cells and values
  off the lists): values that are not in a list are left out and reported, instead of rejecting the place.
- Importing the same file twice changes nothing the second time (no new revision when nothing differs).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from network import domain
from network.communes import distance_km, point_from_commune
from network.models import BassinPage, StructurePage

from .lieux import LIST_FIELDS, PLAIN_FIELDS
from .rows import read_rows, row_fields

UPDATABLE_FIELDS = (
    *PLAIN_FIELDS,
    *LIST_FIELDS,
    "title",
    "latitude",
    "longitude",
    "telephone",
    "source",
)


@dataclass
class RowProblem:
    line: int
    identifier: str
    reason: str

    def __str__(self) -> str:
        return _("Ligne %(line)s (%(id)s) : %(reason)s") % {
            "line": self.line,
            "id": self.identifier or _("sans identifiant"),
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    def summary(self) -> str:
        created, updated = len(self.created), len(self.updated)
        unchanged, rejected = len(self.unchanged), len(self.rejected)
        parts = [
            ngettext("%(count)s structure créée", "%(count)s structures créées", created)
            % {"count": created},
            ngettext("%(count)s mise à jour", "%(count)s mises à jour", updated) % {"count": updated},
            ngettext("%(count)s inchangée", "%(count)s inchangées", unchanged) % {"count": unchanged},
            ngettext("%(count)s ligne rejetée", "%(count)s lignes rejetées", rejected) % {"count": rejected},
        ]
        text = ", ".join(parts) + "."
        if self.dry_run:
            text = _("Simulation, rien n'a été enregistré : %(summary)s") % {"summary": text}
        return text


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ; ".join(
            f"{name} : {' '.join(str(message) for message in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(message) for message in error.messages)


class _Index:
    """Existing structures and bassins, read once, so that matching a row costs no query."""

    def __init__(self):
        rows = StructurePage.objects.values_list("pk", "schema_id", "global_id", "pivot", "slug", "bassin_id")
        self.by_schema_id, self.by_global_id, self.by_pivot, self.slugs = {}, {}, {}, set()
        self.bassin_of = {}
        for pk, schema_id, global_id, pivot, slug, bassin_id in rows:
            self.bassin_of[pk] = bassin_id
            if schema_id:
                self.by_schema_id[schema_id] = pk
            self.by_global_id[str(global_id)] = pk
            if pivot:
                self.by_pivot.setdefault(pivot, []).append(pk)
            self.slugs.add(slug)
        self.bassins = list(BassinPage.objects.all().only("pk", "title", "slug", "latitude", "longitude"))
        # A file lists many places of one commune: each commune is looked up once.
        self.commune_points = {}

    def match(self, identifier: str, pivot: str):
        """(pk or None, reason when the pivot is ambiguous)."""
        if identifier:
            pk = self.by_schema_id.get(identifier) or self.by_global_id.get(identifier.lower())
            if pk:
                return pk, None
        if pivot:
            found = self.by_pivot.get(pivot, [])
            if len(found) == 1:
                return found[0], None
            if len(found) > 1 and not identifier:
                return None, _(
                    "plusieurs structures ont ce SIRET ou RNA : donnez un identifiant (colonne id)."
                )
        return None, None

    def nearest_bassin(self, latitude, longitude, commune):
        if latitude is None or longitude is None:
            if commune not in self.commune_points:
                self.commune_points[commune] = point_from_commune(commune)
            point = self.commune_points[commune]
            if point is None:
                return None
            latitude, longitude = point.latitude, point.longitude
        placed = [b for b in self.bassins if b.latitude is not None and b.longitude is not None]
        if not placed:
            return None
        return min(placed, key=lambda b: distance_km(latitude, longitude, b.latitude, b.longitude))

    def free_slug(self, title: str) -> str:
        base = slugify(title)[:70] or "structure"
        slug, number = base, 2
        while slug in self.slugs:
            slug = f"{base}-{number}"
            number += 1
        self.slugs.add(slug)
        return slug


def _identity(identifier: str) -> dict:
    """On creation: an id that is a UUID becomes the global identity (a Maillage export importing back, or a
    peer's structure); any other id is the national one."""
    try:
        return {"global_id": uuid.UUID(identifier)}
    except ValueError:
        return {"schema_id": identifier}


# Structures created per transaction: big enough that the work done once per batch (rights, search index)
# is shared by many pages, small enough that a failing batch retried row by row costs little.
BATCH_SIZE = 200
# Structures read per query when comparing the file with what is stored.
READ_CHUNK = 2000
# Fields Wagtail sets when the page enters its tree, not validated on an unsaved structure.
NOT_VALIDATED = ["path", "depth", "url_path", "bassin", "global_id", "locale", "content_type"]


@dataclass
class _Pending:
    """A valid row waiting to be written: a creation (`bassin`) or an update (`pk`)."""

    line: int
    key: str
    values: dict
    identifier: str = ""
    pk: int | None = None
    bassin: BassinPage | None = None
    slug: str = ""


def import_lieux(
    *,
    text: str,
    bassin: BassinPage | None = None,
    dry_run: bool = False,
    user=None,
    allowed_bassin_ids=None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Create or update the structures of a schema file (see the module's docstring).

    `allowed_bassin_ids` (a coordinator's bassins, from the admin upload): a row matching a structure of
    another bassin is rejected, so that an upload never reaches beyond what its author may edit.

    The rows are judged first, without writing; then the updates are compared with what is stored, read a
    few thousand at a time; then the new structures are written bassin by bassin, in batches
    (`network.domain.create_structures`), so that a national file costs one tree insertion per new page and
    a handful of queries per batch rather than dozens of queries per row.

    `progress(step, done, total)` is called every `BATCH_SIZE` rows, with `step` "reading" (rows of the file
    judged) then "writing" (valid rows compared or written): the admin's run shows it, and it is the run's
    sign of life (`opendata.models.ImportRunQuerySet.stalled`).
    """
    report = ImportReport(dry_run=dry_run)
    index = _Index()
    progress = progress or _no_progress
    creations, updates = _judge_rows(
        text=text, index=index, bassin=bassin, report=report, allowed=allowed_bassin_ids, progress=progress
    )
    total = len(creations) + len(updates)
    progress("writing", 0, total)
    _apply_updates(
        updates,
        dry_run=dry_run,
        user=user,
        report=report,
        progress=lambda done: progress("writing", done, total),
    )
    _apply_creations(
        creations,
        dry_run=dry_run,
        report=report,
        progress=lambda done: progress("writing", len(updates) + done, total),
    )
    for problems in (report.rejected, report.warnings):
        problems.sort(key=lambda problem: problem.line)
    return report


def _no_progress(step: str, done: int, total: int) -> None:
    """`import_lieux` run without anyone watching (the command, the federation's bootstrap)."""


def _judge_rows(*, text, index, bassin, report, allowed, progress):
    """Read and check every row: (creations, updates) to write, rejections and warnings in `report`."""
    creations, updates = [], []
    seen = set()
    rows = read_rows(text)
    for number, (line, row) in enumerate(rows):
        if number % BATCH_SIZE == 0:
            progress("reading", number, len(rows))
        identifier = row.get("id", "")
        pivot = row.get("pivot", "")
        key = identifier or pivot
        if key and key in seen:
            report.rejected.append(RowProblem(line, key, _("identifiant en double dans le fichier.")))
            continue
        seen.add(key)
        try:
            values, notes = row_fields(row)
        except ValidationError as error:
            report.rejected.append(RowProblem(line, key, _messages(error)))
            continue
        if not values["title"]:
            report.rejected.append(RowProblem(line, key, _("le nom du lieu (colonne nom) est vide.")))
            continue
        if not key:
            report.rejected.append(RowProblem(line, key, _("ni identifiant (id) ni SIRET ou RNA (pivot).")))
            continue
        pk, ambiguity = index.match(identifier, pivot)
        if ambiguity:
            report.rejected.append(RowProblem(line, key, ambiguity))
            continue
        if pk is not None and allowed is not None and index.bassin_of[pk] not in allowed:
            report.rejected.append(
                RowProblem(line, key, _("ce lieu existe dans un bassin que vous ne coordonnez pas."))
            )
            continue
        pending = _Pending(line=line, key=key, values=values, identifier=identifier, pk=pk)
        if pk is None:
            pending.bassin = bassin or index.nearest_bassin(
                values["latitude"], values["longitude"], values["commune"]
            )
            if pending.bassin is None:
                report.rejected.append(RowProblem(line, key, _NO_BASSIN))
                continue
            try:
                _new_structure(pending, slug=index.free_slug(values["title"]))
            except ValidationError as error:
                report.rejected.append(RowProblem(line, key, _messages(error)))
                continue
        report.warnings.extend(RowProblem(line, key, note) for note in notes)
        (creations if pk is None else updates).append(pending)
    return creations, updates


_NO_BASSIN = gettext_lazy(
    "aucun bassin de vie trouvé pour ce lieu (ni coordonnées ni commune connue) : choisissez un bassin."
)


def _new_structure(pending: _Pending, *, slug: str = "") -> StructurePage:
    """The unsaved page of a creation, its fields validated as the edit form would (`ValidationError`)."""
    pending.slug = slug or pending.slug
    fields = dict(pending.values)
    title = fields.pop("title")
    identity = _identity(pending.identifier) if pending.identifier else {}
    structure = StructurePage(title=title, slug=pending.slug, **identity, **fields)
    structure.clean_fields(exclude=NOT_VALIDATED)
    return structure


def _apply_creations(creations, *, dry_run, report, progress):
    """Create the new structures, bassin by bassin, `BATCH_SIZE` per transaction.

    A batch that fails as a whole (a slug taken meanwhile by someone editing the admin…) is retried one row
    at a time, so that only the faulty row is rejected, with its reason.
    """
    if dry_run:
        report.created.extend(pending.slug for pending in creations)
        return
    # In name order, so that batches are the same from one run of a file to the next (image collections, which
    # Wagtail keeps sorted by name, are no longer created here: see `network.domain.create_structures`).
    by_bassin = {}
    for pending in sorted(creations, key=lambda pending: pending.values["title"]):
        by_bassin.setdefault(pending.bassin.pk, []).append(pending)
    created, done = [], 0
    for batch in (
        rows[start : start + BATCH_SIZE]
        for rows in by_bassin.values()
        for start in range(0, len(rows), BATCH_SIZE)
    ):
        try:
            _create_batch(batch)
        except (ValidationError, IntegrityError):
            for pending in batch:
                try:
                    _create_batch([pending])
                except (ValidationError, IntegrityError) as error:
                    reason = (
                        _messages(error)
                        if isinstance(error, ValidationError)
                        else _("enregistrement refusé par la base de données (%(error)s).") % {"error": error}
                    )
                    report.rejected.append(RowProblem(pending.line, pending.key, reason))
                else:
                    created.append(pending)
        else:
            created.extend(batch)
        done += len(batch)
        progress(done)
    created.sort(key=lambda pending: pending.line)
    report.created.extend(pending.slug for pending in created)


def _create_batch(batch):
    domain.create_structures(
        bassin=batch[0].bassin, structures=[_new_structure(pending) for pending in batch]
    )


def _as_stored(name, value):
    """A list as the field stores it (declaration order, no duplicates), so that a file listing the same
    values in another order counts as unchanged."""
    if name in LIST_FIELDS or name == "telephone":
        return StructurePage._meta.get_field(name)._ordered(value)
    return value


def _apply_updates(updates, *, dry_run, user, report, progress):
    """Compare each matched row with the stored structure (read `READ_CHUNK` at a time) and update what
    differs. An update keeps Wagtail's usual path, a revision then its publication: the page is somebody's,
    its history says what the import changed and lets them go back."""
    for start in range(0, len(updates), READ_CHUNK):
        chunk = updates[start : start + READ_CHUNK]
        stored = StructurePage.objects.in_bulk([pending.pk for pending in chunk])
        for number, pending in enumerate(chunk, start=start):
            try:
                _update(
                    structure=stored[pending.pk],
                    values=pending.values,
                    dry_run=dry_run,
                    user=user,
                    report=report,
                )
            except ValidationError as error:
                report.rejected.append(RowProblem(pending.line, pending.key, _messages(error)))
            # After each batch and after the last row: a file of known places only ends on « n sur n »,
            # as one of new places does (`_apply_creations`).
            if (number + 1) % BATCH_SIZE == 0 or number + 1 == len(updates):
                progress(number + 1)


def _update(*, structure, values, dry_run, user, report):
    changed = [
        name for name in UPDATABLE_FIELDS if getattr(structure, name) != _as_stored(name, values[name])
    ]
    if not changed:
        report.unchanged.append(structure.slug)
        return
    for name in changed:
        setattr(structure, name, values[name])
    structure.full_clean(exclude=["path", "depth", "url_path", "bassin"])
    if not dry_run:
        with transaction.atomic():
            revision = structure.save_revision(user=user, log_action=False)
            if structure.live:
                revision.publish(user=user, log_action=False)
    report.updated.append(structure.slug)
