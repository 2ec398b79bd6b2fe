"""Feed sync benchmark: many structures' calendars, first import, unchanged re-sync, a few changes.

    .venv/bin/python bench/feed_sync.py [--feeds 200] [--events 50] [--rounds 3] [--shape google|simple]
                                        [--changed 0.05] [--changed-feeds 1] [--change-steps 3]
                                        [--no-etag] [--cpu]
                                        [--database-url postgres://…/maillage_feedsync_bench]

Why: feeds are polled every hour and mostly unchanged, so a re-sync must cost next to nothing, and a first
import must not cost much more than reading the calendars at all. N calendars (French text, Europe/Paris TZID,
20 % weekly series) are served by a ThreadingHTTPServer on 127.0.0.1 in another process (a calendar host is
another machine), DTSTAMP rewritten on every request as Google does, with ETag / 304 (or without, `--no-etag`,
to measure the content-hash path). By default the events look like Google's exports (about 800 bytes each:
CREATED, LAST-MODIFIED, TRANSP, a folded description, a VTIMEZONE, EXDATEs), which icalendar reads at the
~1,000 events per second the targets were set on; `--shape simple` writes bare events (about 375 bytes) that
it reads twice as fast, which makes every ratio to the floor harder. The sync runs for real
(`calendars.sync.sync_feed`: fetch, parse, write, occurrences) in a throwaway SQLite database, one feed after
the other, or in the database `--database-url` names (production runs PostgreSQL: give it a throwaway database
of your own, which the bench migrates and empties; with `--cpu`, the server's own work is then in another
process and not counted, so read the wall-time run beside it). The floor is `icalendar.Calendar.from_ical`
on the same bytes (after a warm-up call), read feed by feed beside that feed's sync (`sync_all`), for the
first sync and for each re-sync after changes: on a shared machine the speed changes from one minute to the
next, and a floor measured in passes of its own, seconds to minutes away from the syncs, made the ratios
swing by a third from one round to the next. Each round starts
from an empty table and gives its own ratios; the verdicts are on their median over `--rounds` (3). `--cpu`
times everything in this process's CPU time instead of wall time. Before measuring, the bench does what a
feeds worker does when it starts (`celery_app.freeze_startup_objects`).
Targets (issue 16): first sync ≤ 2.5× the floor; unchanged re-sync ≤ 5 % of the first; re-sync after 5 %
of events changed ≤ 25 % of the floor. Ratios, not seconds, are what to compare between machines and runs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time as clock
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feed_calendars import RECURRING, SHAPE, SHAPES, calendar_text  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark de la synchronisation des calendriers iCal.")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--events", type=int, default=50, help="événements par calendrier (50)")
    parser.add_argument("--recurring", type=float, default=0.2, help="part des séries (0.2)")
    parser.add_argument("--changed", type=float, default=0.05, help="part des événements modifiés (0.05)")
    parser.add_argument(
        "--changed-feeds",
        type=float,
        default=1.0,
        help="part des calendriers où tombent les modifications (1 : tirées parmi tous, le pire cas)",
    )
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default="google",
        help="événements comme les exporte Google (≈ 800 octets, par défaut) ou réduits au minimum (≈ 375)",
    )
    parser.add_argument("--no-etag", action="store_true", help="le serveur n'envoie ni ETag ni 304")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--rounds", type=int, default=3, help="passages complets, plancher compris ; rapports médians (3)"
    )
    parser.add_argument(
        "--change-steps", type=int, default=3, help="re-synchros après changements par passage (3)"
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="mesurer en temps processeur de ce processus (plancher compris) plutôt qu'en temps mural",
    )
    parser.add_argument(
        "--database-url", default="", help="base jetable (par défaut : un fichier SQLite temporaire)"
    )
    parser.add_argument("--serve", metavar="DOSSIER", help=argparse.SUPPRESS)  # the server process
    args = parser.parse_args(argv)
    if round(args.feeds * args.changed_feeds) * args.events < int(args.feeds * args.events * args.changed):
        parser.error("--changed-feeds : ces calendriers n'ont pas assez d'événements pour --changed")
    return args


def setup_django(database_url: str = "") -> Path:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    tmp_dir = Path(tempfile.mkdtemp(prefix="maillage-feedsync-"))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp_dir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # MAILLAGE_FEED_ALLOW_LOOPBACK = True
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # What a feeds worker has done before its first task (`celery_app.freeze_startup_objects`, on
    # `worker_init`): every `tasks` module imported, then what the process holds frozen out of the
    # garbage collector's sight. Measured without it, a sync paid for walking Django's and this bench's
    # setup objects again and again, which the worker does not.
    from celery_app import app, freeze_startup_objects

    app.loader.import_default_modules()
    freeze_startup_objects()
    return tmp_dir


def serve(directory: Path, etag: bool) -> tuple[subprocess.Popen, str]:
    """Serve the .ics files of `directory` from another process, as a calendar host is another machine:
    served from a thread of this one, the server's work and the hand-overs of the GIL were timed as sync.
    The files are read on every request, so rewriting one changes what is served."""
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(directory), *(["--no-etag"] if not etag else [])],
        stdout=subprocess.PIPE,
        text=True,
    )
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}"


def serve_forever(directory: Path, etag: bool) -> None:
    """A lean calendar host: each file is read and hashed again only when it changed on disk, and each
    answer goes out in one write. Reading and hashing on every request, and writing the headers apart
    from the body, made the toy server's own work about two thirds of a download on 127.0.0.1."""
    files: dict[Path, tuple[tuple, str, str]] = {}  # path -> ((mtime_ns, size), text, ETag)

    def calendar(path: Path) -> tuple[str, str]:
        stat = path.stat()
        changed = (stat.st_mtime_ns, stat.st_size)
        if path not in files or files[path][0] != changed:
            text = path.read_text(encoding="utf-8")
            files[path] = (changed, text, '"' + hashlib.sha1(text.encode()).hexdigest() + '"')
        return files[path][1:]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            path = directory / self.path.lstrip("/")
            if not path.is_file():
                self.send_error(404)
                return
            text, tag = calendar(path)
            if etag and self.headers.get("If-None-Match") == tag:
                self.wfile.write(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n")
                return
            body = text.replace("{dtstamp}", clock.strftime("%Y%m%dT%H%M%SZ", clock.gmtime())).encode()
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: text/calendar; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\n" + (f"ETag: {tag}\r\n" if etag else "") + "\r\n"
            )
            self.wfile.write(head.encode() + body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


# The clock of every figure: wall time, or with `--cpu` this process's CPU time (`time.process_time`), floor
# included. On a machine shared with other work, the wall clock mostly measures the wait for a processor;
# the CPU time leaves out that wait and the calendar server's own work (another process), not the sync's.
TIMER = [clock.perf_counter]
PARSING = [0.0]  # seconds spent in `parse_calendar` (scan, hashes, reading the new blocks) during a sync


def time_parsing() -> None:
    """Count the time of the iCal reading inside the syncs, to tell it apart from fetching and writing."""
    from calendars import reconcile

    parse = reconcile.parse_calendar

    def timed(*args, **kwargs):
        began = TIMER[0]()
        try:
            return parse(*args, **kwargs)
        finally:
            PARSING[0] += TIMER[0]() - began

    reconcile.parse_calendar = timed


def sync_all(feeds, floor_bodies=None) -> tuple[float, dict, float]:
    """Sync every feed; return the time of the syncs, their counts and the time of the floor pieces.

    With `floor_bodies` (one per feed, the calendar as served), icalendar reads each feed's calendar right
    next to its sync, before it for one feed and after it for the next (so that neither side always finds
    the processor's caches warmed by the other): the floor and the syncs then share the same seconds of a
    machine whose speed changes from one minute to the next. Measured in separate passes a few seconds
    apart, the ratio of one round to the next varied by a third on a shared machine.
    """
    from icalendar import Calendar

    from calendars.sync import sync_feed

    totals: dict[str, int] = {}
    PARSING[0] = 0.0
    synced = floor = cpu = 0.0

    def read_floor(body: bytes) -> float:
        began = TIMER[0]()
        Calendar.from_ical(body)
        return TIMER[0]() - began

    for number, feed in enumerate(feeds):
        if floor_bodies is not None and number % 2 == 0:
            floor += read_floor(floor_bodies[number])
        began, began_cpu = TIMER[0](), clock.process_time()
        report = sync_feed(feed=feed)
        synced += TIMER[0]() - began
        cpu += clock.process_time() - began_cpu
        if floor_bodies is not None and number % 2 == 1:
            floor += read_floor(floor_bodies[number])
        for key, value in report.counts().items():
            totals[key] = totals.get(key, 0) + value
        totals["304/identique"] = totals.get("304/identique", 0) + int(report.not_modified)
    totals["lecture iCal (s)"] = round(PARSING[0], 2)
    # What this process computed, without the waits for the server and the disk.
    totals["CPU de Maillage (s)"] = round(cpu, 2)
    return synced, totals, floor


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.serve:
        serve_forever(Path(args.serve), etag=not args.no_etag)
        return 0
    SHAPE[0], RECURRING[0] = args.shape, args.recurring
    TIMER[0] = clock.process_time if args.cpu else clock.perf_counter
    tmp_dir = setup_django(args.database_url)
    try:
        return run(args)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


LAST_CHANGED_COUNTS = [{}]


def download_only(feeds, numbers: set[int]) -> float:
    """The time to only download the changed calendars again, unconditionally: the part of the re-sync
    after changes that no importer can skip, whatever it does with the bytes."""
    from calendars.fetch import fetch_feed

    began = TIMER[0]()
    for number in sorted(numbers):
        fetch_feed(feeds[number].url)
    return TIMER[0]() - began


def served_bodies(args, versions: dict[int, list[int]]) -> list[bytes]:
    """Each calendar as the server sends it now (its DTSTAMP fixed): what the floor reads."""
    return [
        calendar_text(feed, versions[feed], args.seed).replace("{dtstamp}", "20270101T000000Z").encode()
        for feed in sorted(versions)
    ]


def one_round(args, number: int, bassin, served: Path, base: str) -> dict[str, float]:
    """The first sync, the unchanged re-sync and the re-syncs after changes of fresh feeds on an empty atelier
    table, the first sync and each re-sync after changes with its floor read feed by feed beside it."""
    from calendars.models import Feed
    from events.models import Atelier, Occurrence
    from network import domain

    Occurrence.objects.all().delete()
    Atelier.objects.all().delete()
    Feed.objects.all().delete()
    rng = random.Random(args.seed)
    versions = {feed: [0] * args.events for feed in range(args.feeds)}
    for feed in versions:
        text = calendar_text(feed, versions[feed], args.seed)
        (served / f"agenda-{feed}.ics").write_text(text, encoding="utf-8")
    structure = domain.create_structure(
        bassin=bassin,
        title=f"Structure (bench {number + 1})",
        slug=f"bench-structure-{number + 1}",
        commune="Bourges",
        latitude=47.081,
        longitude=2.3988,
    )
    feeds = [
        Feed.objects.create(structure=structure, url=f"{base}/agenda-{feed}.ics", active=True)
        for feed in versions
    ]
    first, first_counts, floor = sync_all(feeds, served_bodies(args, versions))
    print(f"  ateliers : {Atelier.objects.count()} ; bilan : {first_counts}")
    unchanged, unchanged_counts, _none = sync_all(feeds)
    print(f"  re-synchro inchangée : {unchanged_counts}")
    # By default the changes fall anywhere (nearly every calendar gets one or two: the worst case for a
    # cost paid per calendar); `--changed-feeds 0.1` puts them all in a tenth of the calendars. Each of the
    # `--change-steps` steps changes other events and syncs again: the round keeps their median, as one
    # sync of about a second is easily caught by a burst of the machine's other work.
    steps, ratios = [], []
    for _step in range(args.change_steps):
        editing = rng.sample(sorted(versions), max(1, round(args.feeds * args.changed_feeds)))
        changes = rng.sample(
            [(f, n) for f in editing for n in range(args.events)],
            int(args.feeds * args.events * args.changed),
        )
        for feed, position in changes:
            versions[feed][position] += 1
        for feed in {feed for feed, _position in changes}:
            text = calendar_text(feed, versions[feed], args.seed)
            (served / f"agenda-{feed}.ics").write_text(text, encoding="utf-8")
        seconds, changed_counts, step_floor = sync_all(feeds, served_bodies(args, versions))
        steps.append(seconds)
        ratios.append(seconds / step_floor)
    changed, changed_ratio = statistics.median(steps), statistics.median(ratios)
    changed_counts["téléchargement seul (s)"] = round(download_only(feeds, {f for f, _p in changes}), 2)
    changed_counts["calendriers modifiés"] = len({feed for feed, _position in changes})
    print(f"  re-synchro après {len(changes)} changements : {changed_counts}")
    print(
        "  re-synchros après changements : "
        + ", ".join(f"{value:.2f} s ({ratio:.1%})" for value, ratio in zip(steps, ratios, strict=True))
    )
    print(
        f"  durées : plancher {floor:.2f} s, première {first:.2f} s ({first / floor:.2f} ×), inchangée "
        f"{unchanged:.2f} s ({unchanged / first:.1%}), après changements {changed:.2f} s "
        f"({changed_ratio:.1%} de son plancher), charge {os.getloadavg()[0]:.1f}"
    )
    LAST_CHANGED_COUNTS[0] = changed_counts
    return {
        "floor": floor,
        "first": first,
        "unchanged": unchanged,
        "changed": changed,
        "changed_ratio": changed_ratio,
        "last_step_floor": step_floor,
    }


def measure(args, served: Path, base: str) -> list[dict[str, float]]:
    """Each round's floors and syncs (`one_round`)."""
    from icalendar import Calendar

    from home.models import HomePage
    from network import domain
    from network.models import BassinPage

    # A database given with `--database-url` still holds the bassin of the previous run (and its structures,
    # ateliers and feeds): remove it, or the new one's slug is refused.
    for stale in BassinPage.objects.filter(slug="bench"):
        stale.delete()
    bassin = domain.create_bassin(
        home=HomePage.objects.get(), title="Bassin (bench)", slug="bench", main_commune="Bourges"
    )
    print(
        f"{args.feeds} calendriers × {args.events} événements ({args.shape}), "
        f"ETag {'non' if args.no_etag else 'oui'}, "
        f"{'temps processeur' if args.cpu else 'temps mural'}, charge {os.getloadavg()[0]:.1f}"
    )
    # icalendar's first call loads zones and compiles patterns: not part of any floor.
    Calendar.from_ical(served_bodies(args, {0: [0] * args.events})[0])
    time_parsing()
    measures = []
    for number in range(args.rounds):
        print(f"passage {number + 1} sur {args.rounds}")
        measures.append(one_round(args, number, bassin, served, base))
    return measures


def run(args) -> int:
    served = Path(tempfile.mkdtemp(prefix="maillage-feeds-"))
    server, base = serve(served, etag=not args.no_etag)
    try:
        measures = measure(args, served, base)
    finally:  # the server process must not outlive a failed run
        server.terminate()
        server.wait()
        shutil.rmtree(served, ignore_errors=True)
    ratios = {
        "first": statistics.median(m["first"] / m["floor"] for m in measures),
        "unchanged": statistics.median(m["unchanged"] / m["first"] for m in measures),
        "changed": statistics.median(m["changed_ratio"] for m in measures),
    }
    floor, first, unchanged, changed = (
        statistics.median(m[key] for m in measures) for key in ("floor", "first", "unchanged", "changed")
    )
    rows = [
        ("plancher (icalendar.from_ical)", floor, "", None),
        ("première synchro", first, f"{ratios['first']:.2f} × plancher ; ≤ 2,5 ×", ratios["first"] <= 2.5),
        (
            "re-synchro inchangée",
            unchanged,
            f"{ratios['unchanged']:.1%} ; ≤ 5 %",
            ratios["unchanged"] <= 0.05,
        ),
        (
            f"re-synchro, {args.changed:.0%} modifiés",
            changed,
            f"{ratios['changed']:.1%} du plancher ; ≤ 25 %",
            ratios["changed"] <= 0.25,
        ),
    ]
    print(f"\n{'médiane de ' + str(len(measures)) + ' passages':<32} {'durée':>9}  rapport médian ; objectif")
    for label, seconds, target, ok in rows:
        verdict = "" if ok is None else ("OK" if ok else "NON")
        print(f"{label:<32} {seconds:>8.2f}s  {target} {verdict}")
    counts = LAST_CHANGED_COUNTS[0]
    reading, cpu = counts["lecture iCal (s)"], counts["CPU de Maillage (s)"]
    download, touched = counts["téléchargement seul (s)"], counts["calendriers modifiés"]
    last_floor = measures[-1]["last_step_floor"]
    print(
        f"  dernière re-synchro après changements : lecture iCal {reading:.2f} s ({reading / last_floor:.0%} "
        f"du plancher), CPU de Maillage {cpu:.2f} s ({cpu / last_floor:.0%}) ; le reste est l'attente du "
        f"serveur et du disque"
    )
    print(
        f"  les {touched} calendriers modifiés, seulement téléchargés : {download:.2f} s "
        f"({download / last_floor:.0%} du plancher, {1000 * download / touched:.1f} ms chacun)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
