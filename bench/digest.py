"""Weekly letter benchmark: build 10,000 letters and hand them to an SMTP server on 127.0.0.1.

    .venv/bin/python bench/digest.py [--subscribers 10000] [--series 5000] [--chunk 100] [--workers 1]

Why: on Monday at 07:30 every subscriber's letter is built from the same week's data and sent. This checks
that building stays a fixed number of SQL queries per chunk (never one more per subscriber), and that the
whole run — 10,000 letters, 5,000 ateliers — is built and handed to SMTP within 2 minutes on a 2-core
machine.

Territory like the demo's: 5 bassins and 80 structures, 5,000 series of ateliers (the same generator as
bench/agenda.py, ~56,000 sessions over twelve months), 2 % of them professionals' events, 5 % created this
week; 30 % of the subscribers are members of a structure, some with profiles, a few who joined this week.
Preferences vary: one bassin, two, or the whole region; some themes, some publics.

By default it works in a throwaway SQLite database in a temporary directory, deleted at the end. With
`DATABASE_URL` set it uses that database instead, and refuses one that already holds tables unless `--yes`.
The SMTP server (aiosmtpd) runs in another process (a relay is another machine), counts and drops messages.

Two passes are timed: building alone (letters rendered to e-mails, not sent: the queries per chunk), then
the real run as the workers do it (`digest.delivery.plan_week`, then `send_deliveries` chunk by chunk:
claim, build, SMTP, record), with `--workers` processes sharing the chunks like Celery workers would.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time as clock
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 120


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark de la lettre hebdomadaire de Maillage.")
    parser.add_argument("--subscribers", type=int, default=10_000, help="abonnés (10000)")
    parser.add_argument("--series", type=int, default=5000, help="séries d'ateliers (5000)")
    parser.add_argument("--structures", type=int, default=16, help="structures par bassin (16, 5 bassins)")
    parser.add_argument("--chunk", type=int, default=100, help="lettres par tâche (100)")
    parser.add_argument("--workers", type=int, default=1, help="processus d'envoi en parallèle (1)")
    parser.add_argument("--yes", action="store_true", help="accepte une base DATABASE_URL non vide")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--serve-smtp", action="store_true", help=argparse.SUPPRESS)  # the SMTP process
    return parser.parse_args(argv)


# ---- SMTP sink (its own process) ----------------------------------------------------------------------


def serve_smtp() -> None:
    """Accept every message, count them; print the port first, then the counts when told to stop."""
    from aiosmtpd.controller import Controller

    class Counter:
        messages = 0
        size = 0

        async def handle_DATA(self, server, session, envelope):
            Counter.messages += 1
            Counter.size += len(envelope.content)
            return "250 OK"

    with __import__("socket").socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    while not stop:
        clock.sleep(0.1)
    controller.stop()
    print(Counter.messages, Counter.size, flush=True)


def start_smtp() -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve-smtp"], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    return server, int(server.stdout.readline())


def stop_smtp(server: subprocess.Popen) -> tuple[int, int]:
    server.send_signal(signal.SIGTERM)
    messages, size = server.stdout.readline().split()
    server.wait(timeout=10)
    return int(messages), int(size)


# ---- Django and data ----------------------------------------------------------------------------------


def setup_django(args) -> Path | None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    tmp_dir = None
    if not os.environ.get("DATABASE_URL"):
        tmp_dir = Path(tempfile.mkdtemp(prefix="maillage-digest-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp_dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection

    if tmp_dir is None and connection.introspection.table_names() and not args.yes:
        sys.exit("Refus : la base DATABASE_URL contient déjà des tables. Utilisez une base vide, ou --yes.")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp_dir


def agenda_bench():
    """bench/agenda.py's territory and atelier generators (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_agenda", ROOT / "bench" / "agenda.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_data(args):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from digest.models import Subscription
    from events import enums
    from events.models import Atelier
    from network.models import Coordination, MemberProfile, Membership, ProfileVisibility, StructurePage

    rng = random.Random(args.seed)
    generators = agenda_bench()
    bassins, structures = generators.build_territory(args.structures)
    _count, occurrences = generators.build_ateliers(structures, args.series, args.seed)
    now = timezone.now()
    long_ago = now - timedelta(days=90)
    this_week = now - timedelta(days=2)
    with transaction.atomic():
        StructurePage.objects.update(first_published_at=long_ago)
        StructurePage.objects.filter(pk__in=[s.pk for s in rng.sample(structures, 3)]).update(
            first_published_at=this_week
        )
        ids = list(Atelier.objects.values_list("pk", flat=True))
        Atelier.objects.update(created_at=long_ago, updated_at=long_ago)
        Atelier.objects.filter(pk__in=rng.sample(ids, len(ids) // 20)).update(created_at=this_week)
        Atelier.objects.filter(pk__in=rng.sample(ids, len(ids) // 50)).update(updated_at=this_week)
        Atelier.objects.filter(pk__in=rng.sample(ids, len(ids) // 50)).update(kind=enums.Kind.FORMATION)

        users = get_user_model().objects.bulk_create(
            [
                get_user_model()(
                    username=f"abonne{n}@bench.maillage.localhost",
                    email=f"abonne{n}@bench.maillage.localhost",
                    first_name=rng.choice(["Camille", "Dominique", "Aïcha", "Léo", "Yasmine", "Jean"]),
                    last_name=f"Bench{n}",
                    password="!",
                )
                for n in range(args.subscribers)
            ],
            batch_size=1000,
        )
        members = rng.sample(users, int(len(users) * 0.3))
        Membership.objects.bulk_create(
            [Membership(user=user, structure=rng.choice(structures), role="mediateur") for user in members],
            batch_size=1000,
        )
        Membership.objects.update(created_at=long_ago)
        newcomers = rng.sample(members, min(60, len(members)))
        Membership.objects.filter(user__in=newcomers).update(created_at=this_week)
        visibilities = [ProfileVisibility.NETWORK, ProfileVisibility.BASSIN, ProfileVisibility.HIDDEN]
        MemberProfile.objects.bulk_create(
            [
                MemberProfile(
                    user=user, job_title="Conseiller·e numérique", visibility=rng.choice(visibilities)
                )
                for user in members[: len(members) // 2]
            ],
            batch_size=1000,
        )
        Coordination.objects.bulk_create([Coordination(user=members[n], bassin=bassins[n]) for n in range(5)])

        themes = [value for value, _label in enums.Theme.choices]
        subscriptions = Subscription.objects.bulk_create(
            [
                Subscription(
                    user=user,
                    themes=rng.sample(themes, 1) if rng.random() < 0.2 else [],
                    publics=["Seniors"] if rng.random() < 0.1 else [],
                )
                for user in users
            ],
            batch_size=1000,
        )
        through = Subscription.bassins.through
        rows = []
        for subscription in subscriptions:
            draw = rng.random()
            chosen = [] if draw < 0.2 else rng.sample(bassins, 2 if draw < 0.4 else 1)
            rows += [through(subscription_id=subscription.pk, bassinpage_id=b.pk) for b in chosen]
        through.objects.bulk_create(rows, batch_size=2000)
    return occurrences


# ---- measures -----------------------------------------------------------------------------------------


class QueryCounter:
    """Counts the SQL statements run on the connection (`CaptureQueriesContext` keeps at most 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def build_only(week: str, chunk: int) -> dict:
    """Every letter built and rendered to an e-mail, none sent: time and queries per chunk."""
    from django.db import connection

    from digest.content import build_digests
    from digest.models import Subscription
    from digest.render import build_message

    ids = list(Subscription.objects.receiving().order_by("pk").values_list("pk", flat=True))
    queries, empty, size = [], 0, 0
    started = clock.perf_counter()
    for offset in range(0, len(ids), chunk):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            subscriptions = list(
                Subscription.objects.filter(pk__in=ids[offset : offset + chunk]).select_related("user")
            )
            letters = build_digests(subscriptions=subscriptions, week=week)
        queries.append((len(subscriptions), counter.count))
        for _subscription, digest in letters:
            if digest.is_empty:
                empty += 1
            else:
                size += len(build_message(digest).message().as_bytes())
    return {
        "seconds": clock.perf_counter() - started,
        "letters": len(ids),
        "empty": empty,
        "bytes": size,
        "queries": queries,
    }


def send_chunks(week: str, chunks: list[list[int]]) -> tuple[int, int, int, int]:
    from django.db import connection

    from digest.delivery import Outcome, send_deliveries

    outcome = Outcome()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        for delivery_ids in chunks:
            outcome.merge(send_deliveries(week=week, delivery_ids=delivery_ids))
    return outcome.sent, outcome.empty, outcome.failed, counter.count


def send_all(week: str, chunk: int, workers: int) -> dict:
    """What Monday does: plan, then chunks sent (by `workers` processes taking turns, as Celery would)."""
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    from digest.delivery import chunks as split
    from digest.delivery import plan_week

    started = clock.perf_counter()
    plan = plan_week(week=week)
    planned = clock.perf_counter() - started
    parts = split(plan.delivery_ids, chunk)
    if workers <= 1:
        results = [send_chunks(week, parts)]
    else:
        connections.close_all()  # each forked worker opens its own connection
        with ProcessPoolExecutor(max_workers=workers) as pool:
            shares = [parts[index::workers] for index in range(workers)]
            results = list(pool.map(send_chunks, [week] * workers, shares))
    seconds = clock.perf_counter() - started
    sent, empty, failed, queries = (sum(values) for values in zip(*results, strict=True))
    return {
        "seconds": seconds,
        "plan_seconds": planned,
        "planned": len(plan.delivery_ids),
        "sent": sent,
        "empty": empty,
        "failed": failed,
        "queries": queries,
    }


def report(args, setup_seconds, occurrences, built, run, received) -> None:
    from django.db import connection

    print()
    print(
        f"Base : {connection.vendor} — {args.subscribers} abonnés, {args.series} séries d'ateliers "
        f"({occurrences} séances sur 12 mois), données prêtes en {setup_seconds:.1f} s"
    )
    print()
    per_chunk = sorted({count for _size, count in built["queries"]})
    sizes = sorted({size for size, _count in built["queries"]})
    letters = built["letters"]
    average_size = built["bytes"] / max(letters - built["empty"], 1)
    print(
        f"1. Construction seule : {letters} lettres en {built['seconds']:.1f} s "
        f"({built['seconds'] * 1000 / max(letters, 1):.2f} ms par lettre, rendu HTML + texte compris), "
        f"{built['empty']} sans contenu ; taille moyenne {average_size / 1024:.1f} Kio"
    )
    print(
        f"   Requêtes SQL par tranche de {max(sizes)} lettres : {', '.join(map(str, per_chunk))} "
        f"(tranches de {', '.join(map(str, sizes))} lettres) — soit "
        f"{max(per_chunk) / max(sizes):.2f} requête par lettre ; ne croît pas avec le nombre d'abonnés"
    )
    rate = run["sent"] / run["seconds"] if run["seconds"] else 0
    verdict = "OK" if run["seconds"] < TARGET_SECONDS and received == run["sent"] else "NON"
    print(
        f"2. Envoi réel ({args.workers} processus) : {run['planned']} lettres planifiées "
        f"(planification {run['plan_seconds']:.1f} s), {run['sent']} remises au serveur SMTP, "
        f"{run['empty']} sans contenu, {run['failed']} en échec, en {run['seconds']:.1f} s"
    )
    print(
        f"   Débit : {rate:.0f} messages/s ; requêtes SQL par lettre, envoi compris : "
        f"{run['queries'] / max(run['planned'], 1):.2f} (prise en charge + « envoyée » : 2 par lettre)"
    )
    print(f"   Reçus par le serveur SMTP : {received}")
    print(f"   Objectif : tout construit et remis en moins de {TARGET_SECONDS} s — {verdict}")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.serve_smtp:
        serve_smtp()
        return 0
    tmp_dir = setup_django(args)
    server = None
    try:
        from django.conf import settings

        from digest.weeks import current_week

        started = clock.perf_counter()
        occurrences = build_data(args)
        setup_seconds = clock.perf_counter() - started
        week = current_week()
        server, port = start_smtp()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        settings.DIGEST = {**settings.DIGEST, "CHUNK_SIZE": args.chunk}
        from digest.render import fragments

        fragments.clear()
        built = build_only(week, args.chunk)
        fragments.clear()  # the real run starts cold, as a fresh worker would
        run = send_all(week, args.chunk, args.workers)
        received, _size = stop_smtp(server)
        server = None
        report(args, setup_seconds, occurrences, built, run, received)
    finally:
        if server is not None:
            server.kill()
        if tmp_dir is not None:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
