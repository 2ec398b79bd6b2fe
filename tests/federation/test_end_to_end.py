"""Two real Maillage instances on 127.0.0.1, each with its own database, following each other: creation,
session changes (cancelled, moved), update and deletion propagate; mutual following makes no loop.

The other instance is this project run by `manage.py runserver` in a subprocess, on a SQLite file of its
own (migrated once per module, about a minute); this instance is the test database behind `live_server`.
Its content is written through `manage.py shell`, with the project's own workflows. Nothing leaves loopback:
both base URLs are 127.0.0.1/localhost, which the test settings let the SSRF guard reach.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from events.models import Atelier
from federation.models import Peer, PeerStatus
from federation.sync import sync_peer
from network import domain
from network.models import BassinPage, StructurePage

ROOT = Path(__file__).resolve().parents[2]

CREATE = """
import json
from datetime import time, timedelta
from django.utils import timezone
from events.domain import save_atelier
from events.models import Atelier
from home.models import HomePage
from network import domain
bassin = domain.create_bassin(home=HomePage.objects.get(), title="Bassin de Vierzon", slug="bassin-vierzon")
structure = domain.create_structure(
    bassin=bassin, title="Médiathèque de Vierzon", slug="mediatheque-vierzon", commune="Vierzon",
    latitude=47.22, longitude=2.07,
)
atelier = save_atelier(atelier=Atelier(
    structure=structure, title="Atelier tablette", summary="Pas à pas.",
    themes=["Maîtrise des outils numériques du quotidien"], publics=["Seniors"],
    start_date=timezone.localdate() + timedelta(days=3), start_time=time(14), end_time=time(16),
    rrule="FREQ=WEEKLY;COUNT=4",
))
ids = {"bassin": str(bassin.global_id), "structure": str(structure.global_id), "atelier": atelier.uid}
print(json.dumps(ids))
"""

SESSIONS = """
import json
from datetime import timedelta
from events.domain import cancel_session, update_session
from events.models import Atelier
atelier = Atelier.objects.get()
first, second = atelier.occurrences.order_by("recurrence_id").values_list("recurrence_id", flat=True)[:2]
cancel_session(atelier=atelier, original_start=first)
moved = second + timedelta(days=1, hours=2)
update_session(
    atelier=atelier, original_start=second, new_start=moved, new_end=moved + timedelta(hours=2),
    title="Séance déplacée",
)
print(json.dumps({"first": first.isoformat(), "second": second.isoformat(), "moved": moved.isoformat()}))
"""

CHANGE = """
from events.models import Atelier
from network.models import StructurePage
structure = StructurePage.objects.get(slug="mediatheque-vierzon")
structure.title = "Médiathèque Paul-Eluard"
structure.save_revision().publish()
Atelier.objects.all().delete()
"""

FOLLOW_BACK = """
import json
from federation.models import Peer
from federation.sync import sync_peer
from network.models import BassinPage
peer, _ = Peer.objects.get_or_create(url="{url}")
counts = sync_peer(peer=peer)
peer.refresh_from_db()
bassins = [str(bassin.global_id) for bassin in BassinPage.objects.all()]
print(json.dumps({{"counts": counts, "error": peer.last_error, "bassins": bassins}}))
"""


class Instance:
    def __init__(self, base: str, env: dict):
        self.base = base
        self.env = env

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def shell(self, code: str) -> dict | None:
        lines = [
            line for line in self.manage("shell", "-v", "0", "-c", code).splitlines() if line.startswith("{")
        ]
        return json.loads(lines[-1]) if lines else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """The other instance, served until the module ends."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('autre') / 'autre.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MAILLAGE_BASE_URL": base,
    }
    instance = Instance(base, env)
    instance.manage("migrate", "-v0")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(300):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield instance
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_two_instances_follow_each_other_without_duplicates_or_loops(
    other, live_server, django_db_serialized_rollback, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    ids = other.shell(CREATE)
    peer = Peer.objects.create(url=other.base, name="Autre territoire")

    # Creation propagates, sessions included.
    assert sync_peer(peer=peer) == {"created": 3, "updated": 0, "deleted": 0, "skipped": 0}
    copy = StructurePage.objects.get(global_id=ids["structure"])
    assert (copy.title, copy.origin, copy.live) == ("Médiathèque de Vierzon", other.base, True)
    assert copy.source_url.startswith(other.base)
    assert Atelier.objects.get(uid=ids["atelier"]).occurrences.count() == 4

    # A session cancelled and another moved and renamed there, the series itself unchanged: same here.
    changed = other.shell(SESSIONS)
    counts = sync_peer(peer=peer)
    copies = {
        row.recurrence_id.isoformat(): row
        for row in Atelier.objects.get(uid=ids["atelier"]).occurrences.all()
    }
    first, second = copies[changed["first"]], copies[changed["second"]]
    assert counts == {"created": 0, "updated": 1, "deleted": 0, "skipped": 0}
    assert (len(copies), first.status, second.status) == (4, "annule", "programme")
    assert (second.start.isoformat(), second.is_moved, second.title) == (
        changed["moved"],
        True,
        "Séance déplacée",
    )

    # Update and deletion propagate.
    other.shell(CHANGE)
    counts = sync_peer(peer=peer)
    assert (counts["updated"], counts["deleted"]) == (1, 1)
    assert StructurePage.objects.get(global_id=ids["structure"]).title == "Médiathèque Paul-Eluard"
    assert not Atelier.objects.filter(uid=ids["atelier"]).exists()

    # The other instance follows us back: it takes our own bassin, never its own objects coming back.
    ours = domain.create_bassin(
        home=BassinPage.objects.get(global_id=ids["bassin"]).get_parent(),
        title="Bassin de Tours",
        slug="tours",
    )
    result = other.shell(FOLLOW_BACK.format(url=live_server.url))
    assert result["error"] == ""
    assert result["counts"]["created"] == 1
    assert sorted(result["bassins"]) == sorted([ids["bassin"], str(ours.global_id)])

    # And we sync it again: our bassin comes back from it, and is skipped; nothing is copied twice.
    again = sync_peer(peer=peer)
    peer.refresh_from_db()
    assert (peer.status, again["created"]) == (PeerStatus.OK, 0)
    assert BassinPage.objects.filter(global_id=ours.global_id).count() == 1
    assert (BassinPage.objects.get(global_id=ours.global_id).origin) == ""
    assert sorted(str(b.global_id) for b in BassinPage.objects.all()) == sorted(
        [ids["bassin"], str(ours.global_id)]
    )
