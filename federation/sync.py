"""One sync of one peer: read every listing first, then apply them all in one transaction.

Reading first means a peer that fails half-way (timeout, invalid JSON, error status, oversized body) changes
nothing here: the copies stay as they were, and the peer is marked in error with a French message, as
calendar feeds are. Each listing is read twice: its changes since the last sync (`updated_since`, with the
ETag of the last answer), and its ids only, which tell what vanished upstream (the API's contract: a full
listing, never a deletion log, is authoritative).
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from .client import PeerClient, PeerError
from .mirror import Mirroring, parse_updated_at
from .models import MirrorKind, Peer, PeerStatus

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
    try:
        fetched = _read(peer, client)
    except PeerError as error:
        logger.info("Peer %s failed: %s", peer.base_url, error.message)
        Peer.objects.filter(pk=peer.pk).update(
            status=PeerStatus.ERROR, last_error=error.message, last_sync_at=now
        )
        peer.refresh_from_db()
        return {}
    counts = _apply(peer, fetched)
    peer.status = PeerStatus.OK
    peer.last_error = ""
    peer.last_sync_at = peer.last_success_at = now
    peer.last_report = (
        _("%(created)s ajouté(s), %(updated)s mis à jour, %(deleted)s retiré(s), %(skipped)s ignoré(s)")
        % counts
    )
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


def _read(peer: Peer, client: PeerClient) -> dict:
    fetched = {}
    for kind, path in LISTINGS:
        params = {"updated_since": peer.cursors[kind]} if peer.cursors.get(kind) else {}
        changes = client.listing(path, params=params, etag=peer.etags.get(f"{kind}:changes", ""))
        ids = client.listing(path, params={"fields": "id"}, etag=peer.etags.get(f"{kind}:ids", ""))
        fetched[kind] = (changes, ids)
    return fetched


@transaction.atomic
def _apply(peer: Peer, fetched: dict) -> dict:
    Peer.objects.select_for_update().filter(pk=peer.pk).first()  # one sync of a peer applies at a time
    mirroring = Mirroring(peer)
    home = Site.objects.get(is_default_site=True).root_page
    for kind, _path in LISTINGS:
        changes, _ids = fetched[kind]
        if changes.not_modified:
            continue
        if kind == MirrorKind.BASSIN:
            mirroring.apply_bassins(changes.results, home)
        elif kind == MirrorKind.STRUCTURE:
            mirroring.apply_structures(changes.results)
        else:
            mirroring.apply_ateliers(changes.results)
        newest = max((d for d in map(parse_updated_at, changes.results) if d), default=None)
        if newest is not None:
            peer.cursors[kind] = newest.isoformat()
        peer.etags[f"{kind}:changes"] = changes.etag
    for kind, _path in reversed(LISTINGS):
        _changes, ids = fetched[kind]
        if ids.not_modified:
            continue
        mirroring.remove_missing(kind, {str(item.get("id")) for item in ids.results})
        peer.etags[f"{kind}:ids"] = ids.etag
    return mirroring.counts


@transaction.atomic
def unfollow(*, peer: Peer) -> int:
    """Stop following `peer`: delete every copy read from it (never a local object), then the peer itself."""
    mirroring = Mirroring(peer)
    for kind, _path in reversed(LISTINGS):
        mirroring.remove_missing(kind, set())
    peer.delete()
    return mirroring.counts["deleted"]
