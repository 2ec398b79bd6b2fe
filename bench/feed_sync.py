"""Feed sync benchmark: many structures' calendars, first import, unchanged re-sync, a few changes.

    .venv/bin/python bench/feed_sync.py [--feeds 200] [--events 50] [--rounds 2] [--shape google|simple]
                                        [--changed 0.05] [--changed-feeds 1] [--no-etag] [--cpu]
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
process and not counted, so read the wall-time run beside it). The floor is `icalendar.Calendar.from_ical` on
the same bytes, the best of three rounds after a warm-up call; the syncs are run `--rounds` times from an
empty table, and each keeps its best too (this machine's timings vary up to twofold from one minute to the
next); `--cpu` times everything in this process's CPU time instead of wall time. Before measuring, the bench
does what a feeds worker does when it starts (`celery_app.freeze_startup_objects`).
Targets (issue 16): first sync ≤ 2.5× the floor; unchanged re-sync ≤ 5 % of the first; re-sync after 5 %
of events changed ≤ 25 % of the floor. Ratios, not seconds, are what to compare between machines and runs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time as clock
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "Atelier tablette",
    "Café numérique",
    "Démarches en ligne",
    "Premiers pas sur ordinateur",
    "Sécurité sur Internet",
    "Photos du smartphone",
    "Messagerie électronique",
    "France Connect",
]
PLACES = ["Médiathèque, 2 rue des Écoles, 18100 Vierzon", "Mairie, place du Marché, 18000 Bourges", ""]


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
        "--rounds", type=int, default=2, help="passages complets ; chaque mesure garde le meilleur (2)"
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


def simple_vevent(feed: int, number: int, version: int, rng: random.Random, first: date) -> str:
    """A bare event (~375 bytes): the lightest a calendar app writes, for `--shape simple`."""
    day = first + timedelta(days=rng.randrange(0, 300))
    hour = rng.choice([9, 10, 14, 16, 18])
    lines = [
        "BEGIN:VEVENT",
        f"UID:bench-{feed}-{number}@exemple.fr",
        "DTSTAMP:{dtstamp}",
        f"SEQUENCE:{version}",
        f"DTSTART;TZID=Europe/Paris:{day:%Y%m%d}T{hour:02d}0000",
        f"DTEND;TZID=Europe/Paris:{day:%Y%m%d}T{hour + 2:02d}0000",
        f"SUMMARY:{rng.choice(WORDS)} n° {number}" + (" (modifié)" if version else ""),
        "DESCRIPTION:Venez avec votre appareil : nous répondons à vos questions\\, pas à pas. Gratuit\\, "
        "sans inscription.",
    ]
    if place := rng.choice(PLACES):
        lines.append("LOCATION:" + place.replace(",", "\\,"))
    if rng.random() < RECURRING[0]:
        lines.append(f"RRULE:FREQ=WEEKLY;COUNT={rng.randrange(4, 20)}")
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


SENTENCES = [
    "Venez avec votre smartphone\\, votre tablette ou votre ordinateur portable : un médiateur numérique "
    "répond à vos questions\\, pas à pas.",
    "Au programme : créer une adresse électronique\\, envoyer une photo\\, prendre rendez-vous en ligne chez "
    "le médecin ou à la préfecture.",
    "Gratuit\\, sans inscription\\, ouvert à tous. Des ordinateurs sont prêtés sur place si vous n'en avez "
    "pas.",
    "Accès en fauteuil roulant par l'entrée côté parking. Pensez à apporter vos identifiants (France "
    "Connect\\, Ameli\\, impots.gouv.fr).",
    "Renseignements à l'accueil ou au 02 48 00 00 00.\\nAtelier animé par l'équipe de l'espace public "
    "numérique.",
]


def fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, as Google writes it, never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def google_vevent(feed: int, number: int, version: int, rng: random.Random, first: date) -> str:
    """An event as Google Calendar exports it (~800 bytes, near the 10,000-event feed the iCal research
    measured at ~1,000 events per second): CREATED, LAST-MODIFIED, STATUS, TRANSP, a folded French
    description, TZID on every time; weekly series end by UNTIL (half), COUNT or never, with 1-4 EXDATE."""
    day = first + timedelta(days=rng.randrange(0, 300))
    hour = rng.choice([9, 10, 14, 16, 18])
    created = f"2026{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}T{rng.randrange(8, 18):02d}1502Z"
    modified = f"2026{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}T{rng.randrange(8, 18):02d}3011Z"
    lines = [
        "BEGIN:VEVENT",
        f"DTSTART;TZID=Europe/Paris:{day:%Y%m%d}T{hour:02d}0000",
        f"DTEND;TZID=Europe/Paris:{day:%Y%m%d}T{hour + 2:02d}0000",
    ]
    if rng.random() < RECURRING[0]:
        weeks = rng.randrange(4, 20)
        ending = rng.random()
        if ending < 0.5:
            until = day + timedelta(weeks=weeks - 1)
            lines.append(
                f"RRULE:FREQ=WEEKLY;WKST=MO;UNTIL={until:%Y%m%d}T215959Z;BYDAY={WEEKDAYS[day.weekday()]}"
            )
        elif ending < 0.75:
            lines.append(f"RRULE:FREQ=WEEKLY;COUNT={weeks}")
        else:
            lines.append(f"RRULE:FREQ=WEEKLY;BYDAY={WEEKDAYS[day.weekday()]}")
        for skipped in sorted(rng.sample(range(1, weeks), min(rng.randrange(1, 5), weeks - 1))):
            lines.append(f"EXDATE;TZID=Europe/Paris:{day + timedelta(weeks=skipped):%Y%m%d}T{hour:02d}0000")
    lines += [
        "DTSTAMP:{dtstamp}",
        f"UID:{feed:04d}{number:04d}bench{rng.randrange(10**12):012d}@google.com",
        f"CREATED:{created}",
        fold("DESCRIPTION:" + " ".join(rng.sample(SENTENCES, 3))),
        f"LAST-MODIFIED:{modified}" if not version else f"LAST-MODIFIED:20270101T0{version % 10}0000Z",
    ]
    if place := rng.choice(PLACES):
        lines.append(fold("LOCATION:" + place.replace(",", "\\,")))
    lines += [
        f"SEQUENCE:{version}",
        "STATUS:CONFIRMED",
        fold(f"SUMMARY:{rng.choice(WORDS)} n° {number}" + (" (modifié)" if version else "")),
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return "\r\n".join(lines)


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
RECURRING = [0.2]  # share of weekly series, set from --recurring
# Google writes this block for Europe/Paris in every export that uses the zone.
PARIS_VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nX-LIC-LOCATION:Europe/Paris\r\nBEGIN:DAYLIGHT\r\n"
    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\nEND:VTIMEZONE\r\n"
)
SHAPES = {"google": google_vevent, "simple": simple_vevent}
SHAPE = ["google"]  # set from --shape


def calendar_text(feed: int, versions: list[int], seed: int) -> str:
    rng = random.Random(seed * 100_003 + feed)
    first = date.today() + timedelta(days=1)
    vevent = SHAPES[SHAPE[0]]
    events = [vevent(feed, number, version, rng, first) for number, version in enumerate(versions)]
    zone = PARIS_VTIMEZONE if SHAPE[0] == "google" else ""
    return (
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        f"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Structure {feed}\r\n"
        f"X-WR-TIMEZONE:Europe/Paris\r\n{zone}" + "\r\n".join(events) + "\r\nEND:VCALENDAR\r\n"
    )


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


FLOOR_ROUNDS = 3
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


def sync_all(feeds) -> tuple[float, dict]:
    from calendars.sync import sync_feed

    totals: dict[str, int] = {}
    PARSING[0] = 0.0
    began, cpu = TIMER[0](), clock.process_time()
    for feed in feeds:
        report = sync_feed(feed=feed)
        for key, value in report.counts().items():
            totals[key] = totals.get(key, 0) + value
        totals["304/identique"] = totals.get("304/identique", 0) + int(report.not_modified)
    totals["lecture iCal (s)"] = round(PARSING[0], 2)
    # What this process computed, without the waits for the server and the disk.
    totals["CPU de Maillage (s)"] = round(clock.process_time() - cpu, 2)
    return TIMER[0]() - began, totals


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


def one_round(args, number: int, bassin, served: Path, base: str) -> tuple[float, float, float]:
    """First sync, unchanged re-sync and re-sync after changes, of fresh feeds on an empty atelier table."""
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
    first, first_counts = sync_all(feeds)
    print(f"  ateliers : {Atelier.objects.count()} ; bilan : {first_counts}")
    unchanged, unchanged_counts = sync_all(feeds)
    print(f"  re-synchro inchangée : {unchanged_counts}")
    # By default the changes fall anywhere (nearly every calendar gets one or two: the worst case for a
    # cost paid per calendar); `--changed-feeds 0.1` puts them all in a tenth of the calendars.
    editing = rng.sample(sorted(versions), max(1, round(args.feeds * args.changed_feeds)))
    changes = rng.sample(
        [(f, n) for f in editing for n in range(args.events)], int(args.feeds * args.events * args.changed)
    )
    for feed, position in changes:
        versions[feed][position] += 1
    for feed in {feed for feed, _position in changes}:
        text = calendar_text(feed, versions[feed], args.seed)
        (served / f"agenda-{feed}.ics").write_text(text, encoding="utf-8")
    changed, changed_counts = sync_all(feeds)
    changed_counts["téléchargement seul (s)"] = round(download_only(feeds, {f for f, _p in changes}), 2)
    changed_counts["calendriers modifiés"] = len({feed for feed, _position in changes})
    print(f"  re-synchro après {len(changes)} changements : {changed_counts}")
    print(f"  durées : {first:.2f} s, {unchanged:.2f} s, {changed:.2f} s")
    LAST_CHANGED_COUNTS[0] = changed_counts
    return first, unchanged, changed


def measure(args, served: Path, base: str) -> tuple[float, list[float], list[tuple]]:
    """The floor (best of FLOOR_ROUNDS, and each), and (first, unchanged, changed) of each round."""
    from icalendar import Calendar

    from home.models import HomePage
    from network import domain

    bassin = domain.create_bassin(
        home=HomePage.objects.get(), title="Bassin (bench)", slug="bench", main_commune="Bourges"
    )
    print(
        f"{args.feeds} calendriers × {args.events} événements ({args.shape}), "
        f"ETag {'non' if args.no_etag else 'oui'}, "
        f"{'temps processeur' if args.cpu else 'temps mural'}"
    )

    bodies = [
        calendar_text(feed, [0] * args.events, args.seed).replace("{dtstamp}", "20270101T000000Z").encode()
        for feed in range(args.feeds)
    ]
    Calendar.from_ical(bodies[0])  # icalendar's first call loads zones and compiles patterns
    floors = []
    for _round in range(FLOOR_ROUNDS):  # the best of a few: the floor is what parsing costs at least
        began = TIMER[0]()
        for body in bodies:
            Calendar.from_ical(body)
        floors.append(TIMER[0]() - began)
    floor = min(floors)

    time_parsing()
    measures = []
    for number in range(args.rounds):
        print(f"passage {number + 1} sur {args.rounds}")
        measures.append(one_round(args, number, bassin, served, base))
    return floor, floors, measures


def run(args) -> int:
    served = Path(tempfile.mkdtemp(prefix="maillage-feeds-"))
    server, base = serve(served, etag=not args.no_etag)
    try:
        floor, floors, measures = measure(args, served, base)
    finally:  # the server process must not outlive a failed run
        server.terminate()
        server.wait()
        shutil.rmtree(served, ignore_errors=True)
    first, unchanged, changed = (min(values) for values in zip(*measures, strict=True))
    changed_counts = LAST_CHANGED_COUNTS[0]

    rows = [
        ("plancher (icalendar.from_ical)", floor, "", None),
        ("première synchro", first, f"≤ 2,5 × plancher = {2.5 * floor:.2f} s", first <= 2.5 * floor),
        (
            "re-synchro inchangée",
            unchanged,
            f"≤ 5 % de la première = {0.05 * first:.2f} s",
            unchanged <= 0.05 * first,
        ),
        (
            f"re-synchro, {args.changed:.0%} modifiés",
            changed,
            f"≤ 25 % du plancher = {0.25 * floor:.2f} s",
            changed <= 0.25 * floor,
        ),
    ]
    print(f"\n{'mesure':<32} {'durée':>9}  objectif")
    for label, seconds, target, ok in rows:
        verdict = "" if ok is None else ("OK" if ok else "NON")
        print(f"{label:<32} {seconds:>8.2f}s  {target} {verdict}")
    reading, cpu = changed_counts["lecture iCal (s)"], changed_counts["CPU de Maillage (s)"]
    download, touched = changed_counts["téléchargement seul (s)"], changed_counts["calendriers modifiés"]
    print(
        f"  re-synchro après changements : lecture iCal {reading:.2f} s ({reading / floor:.0%} du plancher), "
        f"CPU de Maillage {cpu:.2f} s ({cpu / floor:.0%}) ; le reste est l'attente du serveur et du disque"
    )
    print(
        f"  les {touched} calendriers modifiés, seulement téléchargés : {download:.2f} s "
        f"({download / floor:.0%} du plancher, {1000 * download / touched:.1f} ms chacun)"
    )
    print(
        f"  rapports : première synchro {first / floor:.2f} × plancher ; inchangée "
        f"{unchanged / first:.1%} de la première ; après changements {changed / floor:.1%} du plancher"
    )
    print(f"  plancher mesuré {FLOOR_ROUNDS} fois : " + ", ".join(f"{value:.2f} s" for value in floors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
