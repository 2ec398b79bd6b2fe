"""One sync of one peer: read every listing first, then apply them all in one transaction.

Reading first means a peer that fails half-way (timeout, invalid JSON, error status, oversized body) changes
nothing here: the copies stay as they were, and the peer is marked in error with a French message, as
calendar feeds are. Each listing is read twice: its changes since the last sync (`updated_since`, with the
ETag of the last answer), and its ids only, which tell what vanished upstream (the API's contract: a full
listing, never a deletion log, is authoritative).

Objects left out for a reason that may pass (`SkippedItem`) are read again: while some of a listing's are
still tried, that listing is asked from the oldest one's `updated_at` (and without an ETag, so that the
peer's unchanged answer is still looked at), and of what comes back only the objects changed since the
cursor and the ones to retry are applied. After `MAILLAGE_PEER_MAX_ATTEMPTS` tries an object is given up,
holds nothing back, and the peer shows it in its error, in French, until it changes upstream.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Site

from .client import PeerClient, PeerError
from .mirror import Mirroring, item_title, parse_updated_at, remote_id
from .models import MirrorKind, Peer, PeerStatus, SkippedItem

logger = logging.getLogger(__name__)

# API listing of each kind, in the order they are applied (a structure needs its bassin, an atelier its
# structure); deletions run the other way.
LISTINGS = (
    (MirrorKind.BASSIN, "bassins"),
    (MirrorKind.STRUCTURE, "structures"),
    (MirrorKind.ATELIER, "ateliers"),
)


def sync_peer(*, peer: Peer) -> dict:
    """Mirror `peer` now; returns the counts. Never raises for a bad peer: the peer records the error."""
    now = timezone.now()
    client = PeerClient(peer.base_url)
    retrying = _retrying(peer)
    try:
        fetched = _read(peer, client, retrying)
    except PeerError as error:
        logger.info("Peer %s failed: %s", peer.base_url, error.message)
        Peer.objects.filter(pk=peer.pk).update(
            status=PeerStatus.ERROR, last_error=error.message, last_sync_at=now
        )
        peer.refresh_from_db()
        return {}
    counts, retried = _apply(peer, fetched, retrying)
    given_up = given_up_message(peer)
    peer.status = PeerStatus.ERROR if given_up else PeerStatus.OK
    peer.last_error = given_up
    peer.last_sync_at = peer.last_success_at = now
    peer.last_report = ", ".join(
        [
            ngettext("%(count)s ajouté", "%(count)s ajoutés", counts["created"])
            % {"count": counts["created"]},
            _("%(count)s mis à jour") % {"count": counts["updated"]},
            ngettext("%(count)s retiré", "%(count)s retirés", counts["deleted"])
            % {"count": counts["deleted"]},
            ngettext("%(count)s ignoré", "%(count)s ignorés", counts["skipped"])
            % {"count": counts["skipped"]},
        ]
    )
    if retried:
        peer.last_report += _(", dont %(count)s à réessayer") % {"count": retried}
    peer.save(
        update_fields=[
            "status",
            "last_error",
            "last_sync_at",
            "last_success_at",
            "last_report",
            "etags",
            "cursors",
        ]
    )
    return counts


def _retrying(peer: Peer) -> dict[str, dict[str, datetime]]:
    """{kind: {remote id: its `updated_at` upstream}} of the objects still to try again."""
    retrying = {kind: {} for kind, _path in LISTINGS}
    for kind, key, updated_at in peer.skipped_items.retrying().values_list("kind", "remote_id", "updated_at"):
        retrying[kind][key] = updated_at
    return retrying


def _cursor(peer: Peer, kind: str) -> datetime | None:
    value = peer.cursors.get(kind)
    return parse_datetime(value) if value else None


def _read(peer: Peer, client: PeerClient, retrying: dict) -> dict:
    fetched = {}
    for kind, path in LISTINGS:
        since = _cursor(peer, kind)
        held = retrying[kind]
        if held and since is not None:
            # `updated_since` is strict: just before the oldest object to retry, so that it comes back.
            since = min(since, min(held.values()) - timedelta(microseconds=1))
        params = {"updated_since": since.isoformat()} if since else {}
        etag = "" if held else peer.etags.get(f"{kind}:changes", "")
        changes = client.listing(path, params=params, etag=etag)
        ids = client.listing(path, params={"fields": "id"}, etag=peer.etags.get(f"{kind}:ids", ""))
        fetched[kind] = (changes, ids)
    return fetched


def _to_apply(kind: str, results: list[dict], cursor: datetime | None, held: dict) -> list[dict]:
    """What a listing read from before its cursor (to retry some objects) brings that is new: the objects
    changed since the cursor and those to retry; the others were applied at an earlier sync."""
    if cursor is None or not held:
        return results
    fresh = []
    for item in results:
        updated_at = parse_updated_at(item)
        if updated_at is None or updated_at > cursor or remote_id(kind, item) in held:
            fresh.append(item)
    return fresh


@transaction.atomic
def _apply(peer: Peer, fetched: dict, retrying: dict) -> tuple[dict, int]:
    """Apply the listings; returns the counts and how many objects are left to try again."""
    Peer.objects.select_for_update().filter(pk=peer.pk).first()  # one sync of a peer applies at a time
    mirroring = Mirroring(peer)
    home = Site.objects.get(is_default_site=True).root_page
    for kind, _path in LISTINGS:
        changes, _ids = fetched[kind]
        if changes.not_modified:
            continue
        cursor = _cursor(peer, kind)
        items = _to_apply(kind, changes.results, cursor, retrying[kind])
        if kind == MirrorKind.BASSIN:
            mirroring.apply_bassins(items, home)
        elif kind == MirrorKind.STRUCTURE:
            mirroring.apply_structures(items)
        else:
            mirroring.apply_ateliers(items)
        newest = max((d for d in map(parse_updated_at, changes.results) if d), default=None)
        if newest is not None and (cursor is None or newest > cursor):
            peer.cursors[kind] = newest.isoformat()
        peer.etags[f"{kind}:changes"] = changes.etag
    retried = _record_skips(peer, mirroring)
    for kind, _path in reversed(LISTINGS):
        _changes, ids = fetched[kind]
        if ids.not_modified:
            continue
        upstream = {str(item.get("id")) for item in ids.results}
        mirroring.remove_missing(kind, upstream)
        vanished = peer.skipped_items.filter(kind=kind).exclude(
            remote_id__in={remote_id(kind, {"id": value}) for value in upstream} - {None}
        )
        vanished.delete()
        peer.etags[f"{kind}:ids"] = ids.etag
    return mirroring.counts, retried


def _record_skips(peer: Peer, mirroring: Mirroring) -> int:
    """Forget the objects now copied (or left out for good); count one more try for the others, from
    scratch when they changed upstream since. Returns how many are still to be tried again."""
    settled = [(kind, ids) for kind, ids in mirroring.settled.items() if ids]
    for kind, ids in settled:
        peer.skipped_items.filter(kind=kind, remote_id__in=ids).delete()
    rows = []
    for kind, skipped in mirroring.retry.items():
        if not skipped:
            continue
        known = {
            row.remote_id: row
            for row in peer.skipped_items.filter(
                kind=kind, remote_id__in=[remote_id(kind, item) for item, _reason in skipped]
            )
        }
        for item, reason in skipped:
            key, updated_at = remote_id(kind, item), parse_updated_at(item)
            row = known.get(key)
            attempts = row.attempts + 1 if row is not None and row.updated_at == updated_at else 1
            rows.append(
                SkippedItem(
                    peer=peer,
                    kind=kind,
                    remote_id=key,
                    title=item_title(item),
                    updated_at=updated_at,
                    attempts=attempts,
                    reason=reason,
                    last_attempt_at=timezone.now(),
                )
            )
    if rows:
        SkippedItem.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["peer", "kind", "remote_id"],
            update_fields=["title", "updated_at", "attempts", "reason", "last_attempt_at"],
        )
    return sum(1 for row in rows if row.attempts < settings.MAILLAGE_PEER_MAX_ATTEMPTS)


def given_up_message(peer: Peer, *, shown: int = 5) -> str:
    """The objects of `peer` given up after every try, in French for the administrator; "" if none."""
    given_up = list(peer.skipped_items.given_up()[: shown + 1])
    if not given_up:
        return ""
    count = peer.skipped_items.given_up().count() if len(given_up) > shown else len(given_up)
    details = " ; ".join(f"{item} : {item.reason}" for item in given_up[:shown])
    if count > shown:
        details += " ; …"
    return ngettext(
        "%(count)s objet de l'instance suivie n'a pas pu être copié après %(attempts)s essais (il sera "
        "réessayé plus tard, ou dès qu'il change là-bas) : %(details)s",
        "%(count)s objets de l'instance suivie n'ont pas pu être copiés après %(attempts)s essais (ils "
        "seront réessayés plus tard, ou dès qu'ils changent là-bas) : %(details)s",
        count,
    ) % {"count": count, "attempts": settings.MAILLAGE_PEER_MAX_ATTEMPTS, "details": details}


def retry_given_up(*, peer: Peer) -> int:
    """Give the objects of `peer` given up after every try their full count of tries again, from the next
    sync; returns how many. For an administrator who fixed the cause (a value this version now knows, a
    bassin now copied) and does not want to wait for the periodic try (`MAILLAGE_PEER_GIVEN_UP_RETRY_HOURS`).
    """
    return peer.skipped_items.given_up().update(attempts=0)


@transaction.atomic
def unfollow(*, peer: Peer) -> int:
    """Stop following `peer`: delete every copy read from it (never a local object), then the peer itself."""
    mirroring = Mirroring(peer)
    for kind, _path in reversed(LISTINGS):
        mirroring.remove_missing(kind, set())
    peer.delete()
    return mirroring.counts["deleted"]
