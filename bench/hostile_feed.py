"""Public pages with one hostile calendar loaded: are they still bounded in size and time?

    .venv/bin/python bench/hostile_feed.py [--events 25000] [--days 0] [--series 500] [--repeat 5]

Why: a structure's calendar may hold tens of thousands of events (a 4 MB feed of 25,000 events is under the
download cap), and the public agenda shows every structure's sessions. Issue 17 measured, before the pages
were bounded, `/agenda/?vue=semaine` at 13 MB and 9.8 s, the month view at 5.9 s and `/agenda.ics` at
16.8 MB. This builds, in a throwaway SQLite database (or `DATABASE_URL`, as `bench/agenda.py`), a normal
region (`--series` series over 100 structures) plus one structure holding `--events` one-off events spread
over the next `--days` days (by default the rest of the current week, as in the issue's measure) — what a
sync of such a feed leaves in the tables — then measures the public agenda's views and exports: HTTP
status, median time, SQL queries and size.

The cache is cleared before each timed request (a first visit); stored iCal chunks are kept, as in
production between two requests.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time as clock
from datetime import time, timedelta

from agenda import build_ateliers, build_territory, insert_occurrences, measure, setup_django


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Pages publiques avec un calendrier hostile chargé.")
    parser.add_argument("--events", type=int, default=25_000, help="événements du calendrier hostile (25000)")
    parser.add_argument(
        "--days",
        type=int,
        default=0,
        help="jours sur lesquels ils sont répartis (0 : d'aujourd'hui à dimanche, toute la semaine en cours)",
    )
    parser.add_argument("--series", type=int, default=500, help="séries ordinaires de la région (500)")
    parser.add_argument("--repeat", type=int, default=5, help="requêtes mesurées par adresse (5)")
    parser.add_argument("--warmup", type=int, default=1, help="requêtes d'échauffement par adresse (1)")
    parser.add_argument("--yes", action="store_true", help="accepte une base DATABASE_URL non vide")
    parser.add_argument("--seed", type=int, default=2027)
    return parser.parse_args(argv)


def build_hostile_structure(structure, events: int, days: int, seed: int) -> int:
    """`events` one-off ateliers of `structure` over the next `days` days, with their sessions."""
    from django.db import transaction
    from django.db.models import Max, OuterRef, Subquery
    from django.utils import timezone

    from events.models import Atelier, Occurrence
    from events.occurrences import build_occurrences, horizon

    rng = random.Random(seed)
    today = timezone.localdate()
    days = days or 7 - today.weekday()
    with transaction.atomic():
        ateliers = []
        for number in range(events):
            start = time(rng.randrange(8, 20), rng.choice([0, 15, 30, 45]))
            ateliers.append(
                Atelier(
                    structure=structure,
                    uid=f"hostile-{number}@bench.invalid",
                    title=f"Événement importé n° {number}",
                    summary="Un événement parmi des milliers d'un même calendrier.",
                    start_date=today + timedelta(days=rng.randrange(0, days)),
                    start_time=start,
                    end_time=time(start.hour + 1, start.minute),
                )
            )
        Atelier.objects.bulk_create(ateliers, batch_size=1000)
        batch = []
        for atelier in (
            Atelier.objects.filter(structure=structure, uid__startswith="hostile-")
            .select_related("structure")
            .iterator(2000)
        ):
            batch.extend(build_occurrences(atelier, today=today, overrides=[]))
        insert_occurrences(Occurrence, batch)
        Atelier.objects.filter(structure=structure, uid__startswith="hostile-").update(
            occurrences_until=horizon(today)
        )
        last = (
            Occurrence.objects.filter(atelier=OuterRef("pk"))
            .values("atelier")
            .annotate(last=Max("local_date"))
            .values("last")
        )
        Atelier.objects.filter(structure=structure, uid__startswith="hostile-").update(
            last_session_date=Subquery(last)
        )
    return len(batch)


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp_dir = setup_django(args)
    try:
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        started = clock.perf_counter()
        bassins, structures = build_territory(20)
        series, sessions = build_ateliers(structures, args.series, args.seed)
        hostile = structures[0]
        hostile_sessions = build_hostile_structure(hostile, args.events, args.days, args.seed)
        build_seconds = clock.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

        today = timezone.localdate()
        agenda = reverse("events:agenda")
        cases = [
            ("Agenda, semaine", f"{agenda}?vue=semaine"),
            ("Agenda, mois", f"{agenda}?vue=mois"),
            ("Agenda, liste", agenda),
            ("Agenda, liste d'un jour (page 2)", f"{agenda}?du={today}&au={today}&page=2"),
            ("Agenda JSON (100 par page)", reverse("events:agenda_json")),
            ("Agenda .ics", reverse("events:agenda_ics")),
            ("Bassin .ics", reverse("events:bassin_ics", kwargs={"slug": bassins[0].slug})),
            ("Structure hostile .ics", reverse("events:structure_ics", kwargs={"slug": hostile.slug})),
            (
                "Structure hostile, semaine",
                reverse("events:structure_agenda", kwargs={"slug": hostile.slug}) + "?vue=semaine",
            ),
        ]
        client = Client(raise_request_exception=False)
        print()
        print(
            f"Base : {connection.vendor} — {series} séries ordinaires ({sessions} séances) et un "
            f"calendrier de {args.events} événements sur {args.days or 7 - today.weekday()} jours "
            f"({hostile_sessions} séances), "
            f"construits en {build_seconds:.0f} s"
        )
        print(f"{args.repeat} requêtes par adresse après {args.warmup} d'échauffement, cache vidé avant.")
        print()
        header = f"{'Adresse':<34} {'HTTP':>4} {'médiane':>10} {'p95':>10} {'SQL':>4} {'taille':>10}"
        print(header)
        print("-" * len(header))
        for label, url in cases:
            result = measure(client, url, repeat=args.repeat, warmup=args.warmup, keep_cache=False)
            size = result["bytes"] / 1024
            size_label = f"{size / 1024:.1f} Mio" if size >= 1024 else f"{size:.0f} Kio"
            print(
                f"{label:<34} {result['status']:>4} {result['median']:>7.0f} ms {result['p95']:>7.0f} ms "
                f"{result['queries']:>4} {size_label:>10}"
            )
        print()
        for label, url in cases:
            print(f"  {label} : {url}")
    finally:
        if tmp_dir is not None:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
