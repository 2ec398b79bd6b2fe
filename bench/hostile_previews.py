"""Two hostile calendar previews against `gunicorn -w 2`: does the public site keep answering?

    .venv/bin/python bench/hostile_previews.py [--requests 20] [--deadline 30] [--keep DOSSIER]

Why: before issue 17 the admin « Aperçu » fetched the calendar inside the web request, so two previews of
a host that sends its headers one byte per second held both gunicorn workers and `/agenda/` waited for
them. Now the preview is a Celery task on the `feeds` queue. This bench builds the demo in a throwaway
SQLite database, serves a calendar host on 127.0.0.1 that trickles its headers, starts `gunicorn -w 2`,
a Celery worker for `feeds` (filesystem broker), logs the demo editor in (a session made by Django's
`SessionStore`), asks for two previews of two such calendars at once, and meanwhile times anonymous
`GET /agenda/` requests. It prints the preview pages' answer times, the agenda's median and maximum, and
how long each reading took to end (at the fetch deadline, with the French timeout message).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time as clock
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.http_server import LoopbackServer, trickle_headers  # noqa: E402

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from calendars.models import Feed
from network.demo import DEMO_EDITOR
from network.models import StructurePage

user = get_user_model().objects.get(email=DEMO_EDITOR["email"])
structure = StructurePage.objects.get(slug=DEMO_EDITOR["structure"])
feeds = [
    Feed.objects.create(structure=structure, name=f"Lent {n}", url=f"{URL}/lent-{n}.ics").pk for n in (1, 2)
]
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "feeds": feeds}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, capture=False):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    ).stdout


def last_line(output: str):
    """The JSON that a `manage.py shell -c` script printed last (the shell may print a line before it)."""
    return json.loads(output.strip().splitlines()[-1])


def get(url: str, cookie: str = "") -> tuple[float, int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    started = clock.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
        return clock.perf_counter() - started, response.status, body


def wait_for(url: str, seconds: float = 60) -> None:
    end = clock.monotonic() + seconds
    while clock.monotonic() < end:
        try:
            get(url)
            return
        except OSError:
            clock.sleep(0.3)
    raise SystemExit(f"{url} ne répond pas")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="requêtes GET /agenda/ pendant les aperçus")
    parser.add_argument("--deadline", type=float, default=30, help="MAILLAGE_FETCH_DEADLINE_SECONDS (30)")
    parser.add_argument("--keep", metavar="DOSSIER", help="garder la base et les journaux dans ce dossier")
    args = parser.parse_args(argv)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="maillage-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "MAILLAGE_VAR_DIR": str(folder),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "filesystem://",
        "MAILLAGE_FEED_ALLOW_LOOPBACK": "1",
        "MAILLAGE_FETCH_DEADLINE_SECONDS": str(args.deadline),
        "MAILLAGE_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    host = LoopbackServer({f"/lent-{n}.ics": trickle_headers(every=1.0) for n in (1, 2)}).start()
    processes = []
    try:
        print(f"Base jetable : {folder}")
        manage(env, "migrate", "--verbosity=0")
        manage(env, "createcachetable")
        manage(env, "load_demo")
        setup = last_line(manage(env, "shell", "-c", f"URL = {host.base!r}\n{SETUP}", capture=True))
        cookie = f"sessionid={setup['session']}"
        logs = open(folder / "processus.log", "w")  # noqa: SIM115 (closed with the processes)
        processes.append(
            subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "config.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=logs,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        processes.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/celery"),
                    "-A",
                    "celery_app",
                    "worker",
                    "--queues=feeds",
                    "--pool=threads",
                    "--concurrency=2",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=WARNING",
                ],
                cwd=ROOT,
                env=env,
                stdout=logs,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        site = f"http://127.0.0.1:{port}"
        wait_for(f"{site}/agenda/")
        baseline = [get(f"{site}/agenda/")[0] for _ in range(5)]

        previews = {}

        def preview(feed_id):
            elapsed, status, _ = get(f"{site}/admin/calendriers/{feed_id}/apercu/", cookie)
            previews[feed_id] = (elapsed, status)

        started = clock.monotonic()
        threads = [threading.Thread(target=preview, args=(feed_id,)) for feed_id in setup["feeds"]]
        for thread in threads:
            thread.start()
        agenda = []
        for _ in range(args.requests):
            elapsed, status, body = get(f"{site}/agenda/")
            agenda.append(elapsed)
            assert status == 200, status
        for thread in threads:
            thread.join()
        ended = {}
        while len(ended) < len(setup["feeds"]) and clock.monotonic() - started < args.deadline + 90:
            for feed_id in setup["feeds"]:
                if feed_id not in ended:
                    state = json.loads(get(f"{site}/admin/calendriers/{feed_id}/apercu/etat/", cookie)[2])
                    if state.get("finished"):
                        ended[feed_id] = clock.monotonic() - started
            clock.sleep(0.5)
        errors = last_line(
            manage(
                env,
                "shell",
                "-c",
                "import json\nfrom calendars.models import FeedPreview\n"
                "print(json.dumps(list(FeedPreview.objects.values_list('error', flat=True))))",
                capture=True,
            )
        )
        print(f"GET /agenda/ seul : médiane {statistics.median(baseline) * 1000:.0f} ms")
        for feed_id, (elapsed, status) in previews.items():
            print(f"Page d'aperçu du calendrier {feed_id} : HTTP {status} en {elapsed * 1000:.0f} ms")
        print(
            f"{len(agenda)} GET /agenda/ pendant les deux aperçus : médiane "
            f"{statistics.median(agenda) * 1000:.0f} ms, maximum {max(agenda) * 1000:.0f} ms"
        )
        for feed_id in setup["feeds"]:
            took = ended.get(feed_id)
            print(
                f"Lecture du calendrier {feed_id} terminée après {took:.1f} s"
                if took
                else "Lecture non terminée"
            )
        for error in errors:
            print(f"Message montré : {error}")
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        host.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
