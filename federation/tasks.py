"""Celery tasks of federation: beat enqueues one sync per followed instance, on the feeds queue.

A peer is read like a calendar (same guarded fetch, same kind of slow remote server), so its syncs share the
feeds queue and never hold the workers of e-mails and digests. A sync is safe to run twice: it applies in one
transaction, under a lock on the peer row, and upserts by global identity.
"""

from celery import shared_task

from .models import Peer
from .sync import sync_peer

PEER_SYNC_SOFT_TIME_LIMIT = 240
PEER_SYNC_TIME_LIMIT = 270


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_peer_syncs() -> int:
    """Enqueue a sync of every followed instance; returns how many."""
    peer_ids = list(Peer.objects.active().values_list("pk", flat=True))
    for peer_id in peer_ids:
        sync_peer_task.delay(peer_id=peer_id)
    return len(peer_ids)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=PEER_SYNC_SOFT_TIME_LIMIT,
    time_limit=PEER_SYNC_TIME_LIMIT,
)
def sync_peer_task(*, peer_id: int) -> dict:
    peer = Peer.objects.active().filter(pk=peer_id).first()
    if peer is None:
        return {}
    return sync_peer(peer=peer)
