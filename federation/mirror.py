"""Turn a peer's API objects into read-only local copies, and remove the copies that vanished upstream.

Identity is global (`global_id` of bassins and structures, `uid` of ateliers): an object is copied only when
no local row already has its id, it is not already copied from another peer, and it was not created here
(its `origin` is not this instance). Following a hub that follows you back thus creates no duplicate and no
loop. Only rows recorded in `Mirror` for this peer are ever changed or deleted.

Every object read ends either `settled` (copied, or left out for good on purpose) or in `retry`, with a
French reason, when what kept it out may pass (its bassin or structure not copied yet, refused by this
instance's checks, a write that failed): `federation.sync` records those and reads them again next time.
Each object is written under its own savepoint, so that one failed write leaves the others applied.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events import enums as event_enums
from events.domain import rebuild_sessions
from events.models import Atelier
from network.fields import ChoiceListField, StringListField
from network.models import BassinPage, StructurePage

from .models import Mirror, MirrorKind, Peer, normalise_base_url
from .sessions import apply_session_changes

STRUCTURE_FIELDS = (
    "adresse",
    "complement_adresse",
    "commune",
    "code_postal",
    "code_insee",
    "latitude",
    "longitude",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "itinerance",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "typologie",
    "modalites_acces",
    "modalites_accompagnement",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "pivot",
)
ATELIER_FIELDS = (
    "title",
    "summary",
    "description",
    "themes",
    "publics",
    "level",
    "format",
    "online_url",
    "place_name",
    "address",
    "postal_code",
    "commune",
    "latitude",
    "longitude",
    "price",
    "price_amount",
    "price_details",
    "registration",
    "registration_details",
    "wheelchair_accessible",
    "kind",
    "status",
    "start_date",
    "start_time",
    "end_time",
    "all_day",
    "end_date",
    "rrule",
    "rdates",
    "exdates",
)
UUID_KINDS = {MirrorKind.BASSIN: BassinPage, MirrorKind.STRUCTURE: StructurePage}


def own_origin() -> str:
    return normalise_base_url(settings.WAGTAILADMIN_BASE_URL)


def parse_updated_at(item: dict) -> datetime | None:
    value = item.get("updated_at")
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def remote_id(kind: str, item: dict) -> str | None:
    """The object's global identity as stored here (a UUID's canonical spelling), or None if unusable."""
    value = item.get("id")
    if not isinstance(value, str) or not value:
        return None
    if kind == MirrorKind.ATELIER:
        return value[:255]
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def item_title(item: dict) -> str:
    return str(item.get("nom") or item.get("title") or "")[:255]


def invalid_reason(error: ValidationError) -> str:
    details = " ; ".join(error.messages)
    return (_("Refusé par les contrôles de cette instance : %(details)s") % {"details": details})[:500]


class Mirroring:
    """Applies the listings of one peer; counts what it did for the peer's report."""

    def __init__(self, peer: Peer):
        self.peer = peer
        self.own = own_origin()
        self.counts = {"created": 0, "updated": 0, "deleted": 0, "skipped": 0}
        # Per kind: ids copied or left out for good; (item, reason) of those to try again.
        self.settled: dict[str, set[str]] = {kind: set() for kind in MirrorKind.values}
        self.retry: dict[str, list[tuple[dict, str]]] = {kind: [] for kind in MirrorKind.values}

    def _done(self, kind: str, item: dict) -> None:
        self.settled[kind].add(remote_id(kind, item))

    def _skip(self, kind: str, item: dict, reason: str = "") -> None:
        """Leave `item` out: for good without a `reason`, else to be tried again (`federation.sync`)."""
        self.counts["skipped"] += 1
        key = remote_id(kind, item)
        if key is None:
            return
        if reason and parse_updated_at(item) is not None:
            self.retry[kind].append((item, reason))
        else:
            self.settled[kind].add(key)

    # -- which items are ours to copy ------------------------------------------------------------------

    def _copyable(self, kind: str, items: list[dict]) -> list[tuple[dict, object]]:
        """(item, existing mirrored copy or None) for the items this peer may bring; the rest are skipped.

        Two queries per listing, whatever its length: the `Mirror` rows and the local objects of those ids.
        """
        by_id = {}
        for item in items:
            key = remote_id(kind, item)
            origin = normalise_base_url(str(item.get("origin") or ""))
            if key is None or origin == self.own:
                self._skip(kind, item)
                continue
            by_id[key] = item
        mirrors = {
            mirror.remote_id: mirror.peer_id
            for mirror in Mirror.objects.filter(kind=kind, remote_id__in=list(by_id))
        }
        existing = self._objects(kind, list(by_id))
        copyable = []
        for key, item in by_id.items():
            mine = mirrors.get(key) == self.peer.pk
            current = existing.get(key)
            if (key in mirrors and not mine) or (current is not None and not mine):
                self._skip(kind, item)  # someone else's copy, or a local object: never touched
                continue
            copyable.append((item, current))
        return copyable

    def _objects(self, kind: str, ids: list[str]) -> dict:
        if kind == MirrorKind.ATELIER:
            return {atelier.uid: atelier for atelier in Atelier.objects.filter(uid__in=ids)}
        model = UUID_KINDS[kind]
        return {str(page.global_id): page for page in model.objects.filter(global_id__in=ids)}

    def _origin(self, item: dict) -> str:
        return normalise_base_url(str(item.get("origin") or "")) or self.peer.base_url

    # -- bassins and structures: pages of the tree ----------------------------------------------------

    def apply_bassins(self, items: list[dict], home) -> None:
        for item, current in self._copyable(MirrorKind.BASSIN, items):
            page = current or BassinPage(global_id=item["id"])
            page.title = item_title(item) or str(item["id"])
            page.departements = _known(BassinPage, "departements", item.get("departements"))
            page.latitude = _number(item.get("latitude"))
            page.longitude = _number(item.get("longitude"))
            self._save_page(MirrorKind.BASSIN, page, item, parent=home)

    def apply_structures(self, items: list[dict]) -> None:
        copyable = self._copyable(MirrorKind.STRUCTURE, items)
        bassin_ids = [str(item.get("bassin")) for item, _current in copyable]
        bassins = {str(b.global_id): b for b in BassinPage.objects.filter(global_id__in=_uuids(bassin_ids))}
        for item, current in copyable:
            bassin = bassins.get(str(item.get("bassin")))
            if bassin is None:  # nowhere to put it yet: its bassin may come later (another peer, a retry)
                self._skip(
                    MirrorKind.STRUCTURE,
                    item,
                    _("Son bassin de vie n'est ni ici ni copié d'une instance suivie (pas encore ?)."),
                )
                continue
            page = current or StructurePage(global_id=item["id"])
            page.title = str(item.get("nom") or "")[:255] or str(item["id"])
            for name in STRUCTURE_FIELDS:
                if name in item:
                    setattr(page, name, _value(StructurePage, name, item[name]))
            page.commune = page.commune or "-"
            self._save_page(MirrorKind.STRUCTURE, page, item, parent=bassin)

    def _save_page(self, kind: str, page, item: dict, *, parent) -> None:
        page.origin = self._origin(item)
        page.source_url = _url(item.get("url"))
        try:
            page.full_clean(exclude=["path", "depth", "url_path", "slug", "title"])
        except ValidationError as error:
            self._skip(kind, item, invalid_reason(error))
            return
        created = page.pk is None
        try:
            with transaction.atomic():
                if created:
                    page.slug = f"{slugify(page.title)[:60] or kind}-{str(item['id'])[:8]}"
                    page.live = True
                    parent.add_child(instance=page)
                    Mirror.objects.create(peer=self.peer, kind=kind, remote_id=str(page.global_id))
                page.save_revision(log_action=False).publish(log_action=False)
        except (ValidationError, DatabaseError):
            if created:
                page.pk = page.id = None  # rolled back with its savepoint
            self._skip(kind, item, write_failed())
            return
        self.counts["created" if created else "updated"] += 1
        self._done(kind, item)

    # -- ateliers and their sessions ------------------------------------------------------------------

    def apply_ateliers(self, items: list[dict]) -> None:
        copyable = self._copyable(MirrorKind.ATELIER, items)
        structure_ids = [str(item.get("structure")) for item, _current in copyable]
        structures = {
            str(s.global_id): s for s in StructurePage.objects.filter(global_id__in=_uuids(structure_ids))
        }
        for item, current in copyable:
            structure = structures.get(str(item.get("structure")))
            if structure is None:  # may come later (another peer, a retry of the structure)
                self._skip(
                    MirrorKind.ATELIER,
                    item,
                    _("Sa structure n'est ni ici ni copiée d'une instance suivie (pas encore ?)."),
                )
                continue
            if not structure.origin:  # a local page never gets another instance's ateliers
                self._skip(MirrorKind.ATELIER, item)
                continue
            atelier = current or Atelier(uid=item["id"][:255])
            atelier.structure = structure
            for name in ATELIER_FIELDS:
                if name in item and item[name] is not None:
                    setattr(atelier, name, _value(Atelier, name, item[name]))
            atelier.rdates, atelier.exdates = _wall_clock(atelier.rdates), _wall_clock(atelier.exdates)
            atelier.source = event_enums.Source.INSTANCE
            atelier.visibility = event_enums.Visibility.PUBLIC  # the API never lists pro-only ateliers
            atelier.origin = self._origin(item)
            atelier.source_url = _url(item.get("url"))
            try:
                atelier.full_clean(exclude=["structure", "uid", "feed"])
            except ValidationError as error:
                self._skip(MirrorKind.ATELIER, item, invalid_reason(error))
                continue
            created = atelier.pk is None
            try:
                with transaction.atomic():
                    atelier.save()
                    if "session_changes" in item:
                        apply_session_changes(atelier=atelier, items=item["session_changes"])
                    rebuild_sessions(atelier=atelier)
                    if created:
                        Mirror.objects.create(peer=self.peer, kind=MirrorKind.ATELIER, remote_id=atelier.uid)
            except (ValidationError, DatabaseError):
                self._skip(MirrorKind.ATELIER, item, write_failed())
                continue
            self.counts["created" if created else "updated"] += 1
            self._done(MirrorKind.ATELIER, item)

    # -- what vanished upstream -----------------------------------------------------------------------

    def remove_missing(self, kind: str, upstream_ids: set[str]) -> None:
        """Delete this peer's copies whose id the peer no longer lists (never a local object)."""
        upstream_ids = {remote_id(kind, {"id": value}) for value in upstream_ids}
        gone = self.peer.mirrors.filter(kind=kind).exclude(remote_id__in=upstream_ids - {None})
        gone_ids = list(gone.values_list("remote_id", flat=True))
        if not gone_ids:
            return
        if kind == MirrorKind.ATELIER:
            Atelier.objects.filter(uid__in=gone_ids).exclude(origin="").delete()
        else:
            pages = UUID_KINDS[kind].objects.filter(global_id__in=gone_ids).exclude(origin="")
            for page in pages:
                if page.get_children().exists():
                    page.unpublish(log_action=False)  # keeps what was put under it; gone from the public
                else:
                    page.delete()
        self.counts["deleted"] += len(gone_ids)
        self.peer.mirrors.filter(kind=kind, remote_id__in=gone_ids).delete()


def _wall_clock(values) -> list[str]:
    """Added or removed sessions as the schedule reads them (Paris wall-clock ISO strings): anything else
    a peer sends is left out, at most `MAILLAGE_FEED_MAX_DATES_PER_SERIES` of them."""
    kept = []
    for value in values if isinstance(values, list) else []:
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            continue
        if moment is not None and moment.tzinfo is None:
            kept.append(moment.isoformat())
    return kept[: settings.MAILLAGE_FEED_MAX_DATES_PER_SERIES]


def write_failed() -> str:
    return _("L'enregistrement ici a échoué ; nouvel essai à la prochaine synchronisation.")


def _uuids(values: list[str]) -> list[str]:
    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


def _url(value) -> str:
    value = str(value or "")
    return value if value.startswith(("https://", "http://")) and len(value) <= 200 else ""


def _number(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _known(model, name: str, values) -> list[str]:
    """Values of a choice list the peer may know and we may not (a newer version): unknown ones dropped."""
    if isinstance(values, str):
        values = [values]
    allowed = set(model._meta.get_field(name).allowed_values)
    return [value for value in (values or []) if value in allowed]


def _value(model, name: str, value):
    """The peer's JSON value as the local field wants it; validation (`full_clean`) then has the last word."""
    field = model._meta.get_field(name)
    if isinstance(field, ChoiceListField) and not isinstance(field, StringListField):
        return _known(model, name, value)
    try:
        return field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return field.get_default()
