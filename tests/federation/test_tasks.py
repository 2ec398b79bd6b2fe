"""Beat enqueues one sync per followed instance, on the feeds queue (federation.tasks)."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from federation import tasks
from federation.models import Peer, PeerStatus

from .test_sync import populate

pytestmark = pytest.mark.django_db


def test_the_dispatcher_enqueues_every_active_peer_only(monkeypatch):
    followed = Peer.objects.create(url="https://maillage.cher.test")
    Peer.objects.create(url="https://maillage.indre.test", active=False)
    enqueued = []
    monkeypatch.setattr(tasks.sync_peer_task, "delay", lambda **kwargs: enqueued.append(kwargs))

    assert tasks.dispatch_peer_syncs() == 1
    assert enqueued == [{"peer_id": followed.pk}]


def test_a_peer_no_longer_followed_is_not_synced(monkeypatch):
    peer = Peer.objects.create(url="https://maillage.indre.test", active=False)
    monkeypatch.setattr(tasks, "sync_peer", lambda **kwargs: pytest.fail("synced"))

    assert tasks.sync_peer_task(peer_id=peer.pk) == {}
    peer.refresh_from_db()
    assert peer.status == PeerStatus.NEW


def test_beat_runs_the_dispatcher_and_the_syncs_use_the_feeds_queue():
    assert settings.CELERY_BEAT_SCHEDULE["sync-peers"]["task"] == "federation.tasks.dispatch_peer_syncs"
    assert settings.CELERY_TASK_ROUTES["federation.tasks.sync_peer_task"] == {
        "queue": settings.MAILLAGE_FEEDS_QUEUE
    }


def test_the_command_syncs_now_and_reports_each_instance(fake_peer, peer, home_page):
    populate(fake_peer)
    out, err = StringIO(), StringIO()

    call_command("sync_peers", fake_peer.base, stdout=out, stderr=err)

    assert out.getvalue() == f"{peer.base_url} : 3 ajoutés, 0 mis à jour, 0 retiré, 0 ignoré\n"
    assert err.getvalue() == ""
