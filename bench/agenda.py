"""Agenda benchmark: how fast the agenda pages and calendar feeds answer with a realistic volume.

    .venv/bin/python bench/agenda.py [--series 5000] [--repeat 30] [--structures 20] [--keep-cache]

Why: agendas and feeds read the materialised `Occurrence` table; this checks that a bassin's agenda, a
filtered regional agenda and a bassin's .ics stay fast with ~50,000 sessions over twelve months (target:
150 ms median; a conditional .ics request answered 304 in under 10 ms).

By default it works in a throwaway SQLite database in a temporary directory, deleted at the end. With
`DATABASE_URL` set it uses that database instead, and refuses one that already holds tables unless `--yes`
is given (the bench adds thousands of rows and never removes them there).

Data is built fast, the way no user ever would: ateliers are bulk-inserted, then their occurrences are
expanded with `events.occurrences.build_occurrences` and inserted with one `executemany` per batch (no
`save()` per atelier). Requests go through Django's test `Client`; each is timed after a warm-up, and its
SQL queries are counted. By default the cache is cleared before every timed request, so the figures are
those of a first visit. The .ics then reads each series' stored VEVENTs (`events.ical.stored`); a last line
measures it with none stored (every series written again, as after a migration), for information.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time as clock
from datetime import time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 150
TARGET_304_MS = 10


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark des agendas et flux iCal de Maillage.")
    parser.add_argument("--series", type=int, default=5000, help="nombre de séries d'ateliers (5000)")
    parser.add_argument("--repeat", type=int, default=30, help="requêtes mesurées par adresse (30)")
    parser.add_argument("--warmup", type=int, default=3, help="requêtes d'échauffement par adresse (3)")
    parser.add_argument("--structures", type=int, default=20, help="structures par bassin (20)")
    parser.add_argument("--keep-cache", action="store_true", help="ne vide pas le cache entre les requêtes")
    parser.add_argument("--yes", action="store_true", help="accepte une base DATABASE_URL non vide")
    parser.add_argument("--seed", type=int, default=2027)
    return parser.parse_args(argv)


def setup_django(args) -> Path | None:
    """Point Django at a throwaway database (or DATABASE_URL), then set it up. Returns the temp dir."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    tmp_dir = None
    if not os.environ.get("DATABASE_URL"):
        tmp_dir = Path(tempfile.mkdtemp(prefix="maillage-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp_dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    # Views still being written answer 500: the table shows the status, without a traceback per request.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    if tmp_dir is None:
        from django.db import connection

        tables = connection.introspection.table_names()
        if tables and not args.yes:
            sys.exit(
                f"Refus : la base DATABASE_URL n'est pas vide ({len(tables)} tables). "
                "Utilisez une base vide, ou --yes pour y ajouter les données du benchmark."
            )
    return tmp_dir


# ---- data -------------------------------------------------------------------------------------------


def build_territory(structures_per_bassin: int):
    from django.utils import timezone

    from home.models import HomePage
    from network import domain
    from network.models import StructurePage

    home = HomePage.objects.get()
    communes = [
        ("Bourges", 47.081, 2.3988),
        ("Vierzon", 47.222, 2.068),
        ("Issoudun", 46.948, 1.993),
        ("Tours", 47.394, 0.684),
        ("Le Blanc", 46.633, 1.063),
    ]
    bassins, structures = [], []
    now = timezone.now()
    for index, (commune, latitude, longitude) in enumerate(communes):
        bassin = domain.create_bassin(
            home=home,
            title=f"Bassin de {commune} (bench)",
            slug=f"bench-{index}",
            main_commune=commune,
            latitude=latitude,
            longitude=longitude,
        )
        bassins.append(bassin)
        for number in range(structures_per_bassin):
            # Published pages without editors' groups: the public side reads nothing else.
            structure = StructurePage(
                title=f"Espace numérique {commune} n° {number}",
                slug=f"bench-{index}-{number}",
                commune=commune,
                latitude=latitude,
                longitude=longitude,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
            )
            bassin.add_child(instance=structure)
            structures.append(structure)
    return bassins, structures


def _series_values(rng: random.Random, today, past_days: int = 0):
    """One series: mostly weekly or fortnightly with an end, some monthly without end, some one-offs.

    Its first session falls in the next 60 days, or from `past_days` ago: a series started months ago has
    its past sessions materialised (the window keeps a year back), as on an instance in use."""
    from events.recurrence import WEEKDAY_CODES

    start_date = today + timedelta(days=rng.randrange(-past_days, 60))
    day = WEEKDAY_CODES[start_date.weekday()]
    evening = rng.random() < 0.2
    start = time(18, 30) if evening else rng.choice([time(9, 30), time(10), time(14), time(14, 30)])
    end = time(20) if evening else time(start.hour + 2, start.minute)
    kind = rng.random()
    if kind < 0.4:
        until = start_date + timedelta(weeks=rng.randrange(6, 19))
        rrule = f"FREQ=WEEKLY;BYDAY={day};UNTIL={until:%Y%m%d}T235959"
    elif kind < 0.6:
        until = start_date + timedelta(weeks=26)
        rrule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day};UNTIL={until:%Y%m%d}T235959"
    elif kind < 0.85:
        # The n-th weekday of the month that the first session falls on (the fifth one: the last).
        position = (start_date.day - 1) // 7 + 1
        rrule = f"FREQ=MONTHLY;BYDAY={position if position < 5 else -1}{day}"
    else:
        rrule = ""
    return {"start_date": start_date, "start_time": start, "end_time": end, "rrule": rrule}


def insert_occurrences(model, rows) -> int:
    """`bulk_create` without its per-value preparation, which takes most of the build time at this volume.

    Values are adapted by the backend's own operations, so this works on SQLite and PostgreSQL alike.
    """
    from django.db import connection

    if not rows:
        return 0
    ops = connection.ops
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    adapt = {"DateTimeField": ops.adapt_datetimefield_value, "DateField": ops.adapt_datefield_value}
    converters = [adapt.get(field.get_internal_type(), lambda value: value) for field in fields]
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    values = [
        [convert(getattr(row, field.attname)) for field, convert in zip(fields, converters, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(rows)


def build_ateliers(structures, count: int, seed: int) -> tuple[int, int]:
    from django.db import transaction
    from django.db.models import Max, OuterRef, Subquery
    from django.utils import timezone

    from events import enums
    from events.models import Atelier, Occurrence
    from events.occurrences import HORIZON_MONTHS, build_occurrences
    from events.recurrence import next_window

    rng = random.Random(seed)
    today = timezone.localdate()
    themes = [value for value, _label in enums.Theme.choices]
    publics = [value for value, _label in enums.AtelierPublic.choices]
    levels = [value for value, _label in enums.Level.choices]
    with transaction.atomic():
        ateliers = []
        for number in range(count):
            values = _series_values(rng, today)
            ateliers.append(
                Atelier(
                    structure=rng.choice(structures),
                    title=f"Atelier numérique n° {number}",
                    summary="Apprendre à se servir d'un ordinateur, pas à pas.",
                    themes=rng.sample(themes, rng.randrange(1, 3)),
                    publics=rng.sample(publics, 1),
                    level=rng.choice(levels),
                    capacity=rng.choice([None, 8, 10, 12]),
                    **values,
                )
            )
        Atelier.objects.bulk_create(ateliers, batch_size=500)
        horizon = next_window(today, HORIZON_MONTHS)[1].date() - timedelta(days=1)
        occurrences = 0
        batch = []
        queryset = Atelier.objects.select_related("structure").prefetch_related("overrides")
        for atelier in queryset.iterator(chunk_size=1000):
            batch.extend(build_occurrences(atelier, today=today))
            if len(batch) >= 5000:
                occurrences += insert_occurrences(Occurrence, batch)
                batch = []
        occurrences += insert_occurrences(Occurrence, batch)
        Atelier.objects.update(occurrences_until=horizon)
        # What `events.domain.rebuild_sessions` records for each atelier: the day of its last session.
        last = (
            Occurrence.objects.filter(atelier=OuterRef("pk"))
            .values("atelier")
            .annotate(last=Max("local_date"))
            .values("last")
        )
        Atelier.objects.update(last_session_date=Subquery(last))
    return count, occurrences


# ---- measures ---------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(client, url: str, *, repeat: int, warmup: int, keep_cache: bool, headers=None, before=None):
    """Median and p95 of `repeat` GETs of `url`; `before()` runs ahead of each one, outside the timing."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}
    response = None
    for _ in range(warmup):
        if not keep_cache:
            cache.clear()
        if before:
            before()
        response = client.get(url, headers=headers)
    timings = []
    queries = 0
    slowest = None
    for index in range(repeat):
        if not keep_cache:
            cache.clear()
        if before:
            before()
        if index == 0:
            with CaptureQueriesContext(connection) as captured:
                started = clock.perf_counter()
                response = client.get(url, headers=headers)
                timings.append((clock.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
            slowest = max(captured.captured_queries, key=lambda query: float(query["time"]), default=None)
        else:
            started = clock.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((clock.perf_counter() - started) * 1000)
    size = len(response.content) if response is not None and not response.streaming else None
    return {
        "status": response.status_code if response is not None else None,
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": queries,
        "bytes": size,
        "etag": response.get("ETag") if response is not None else None,
        "slowest": slowest,
    }


def run_measures(args, bassin):
    from django.test import Client
    from django.urls import reverse

    from events import enums

    client = Client(raise_request_exception=False)
    theme = enums.Theme.OUTILS_QUOTIDIEN.value
    agenda = reverse("events:agenda")
    cases = [
        (
            "Agenda d'un bassin",
            reverse("events:bassin_agenda", kwargs={"slug": bassin.slug}),
        ),
        ("Agenda filtré (thème + soir)", f"{agenda}?theme={theme.replace(' ', '+')}&soir=on"),
        # « Près de … »: the distance of every session computed in SQL, then the radius (events.distance).
        ("Agenda près d'Issoudun (20 km)", f"{agenda}?pres=Issoudun"),
        (
            "Agenda autour d'une position (40 km), semaine",
            f"{agenda}?lat=47.08&lon=2.40&rayon=40&vue=semaine",
        ),
        (
            "Flux .ics d'un bassin",
            reverse("events:bassin_ics", kwargs={"slug": bassin.slug}),
        ),
    ]
    results = []
    for label, url in cases:
        results.append(
            (
                label,
                url,
                measure(client, url, repeat=args.repeat, warmup=args.warmup, keep_cache=args.keep_cache),
            )
        )
    ics_label, ics_url, ics = results[-1]
    etag = ics["etag"]
    if etag:
        conditional = measure(
            client,
            ics_url,
            repeat=args.repeat,
            warmup=args.warmup,
            keep_cache=args.keep_cache,
            headers={"If-None-Match": etag},
        )
        results.append(("Même .ics, If-None-Match (304)", ics_url, conditional))
    else:
        results.append(("Même .ics, If-None-Match (304)", ics_url, None))
    # The worst case: no series chunk stored yet (a fresh database, or every series just edited).
    from events.models import SeriesExport

    rewrite = measure(
        client,
        ics_url,
        repeat=max(3, args.repeat // 3),
        warmup=1,
        keep_cache=args.keep_cache,
        before=lambda: SeriesExport.objects.all().delete(),
    )
    results.append(("Même .ics, toutes séries à écrire", ics_url, rewrite))
    return results


def print_report(args, build_seconds, ateliers, occurrences, results):
    from django.db import connection

    print()
    print(
        f"Base : {connection.vendor} — {ateliers} séries, {occurrences} séances sur 12 mois "
        f"(construites en {build_seconds:.1f} s)"
    )
    cache_note = "cache conservé" if args.keep_cache else "cache vidé avant chaque requête"
    print(f"Mesures : {args.repeat} requêtes par adresse après {args.warmup} d'échauffement ; {cache_note}.")
    print()
    header = (
        f"{'Adresse':<34} {'HTTP':>4} {'médiane':>9} {'p95':>9} {'requêtes SQL':>12} {'taille':>10}  objectif"
    )
    print(header)
    print("-" * len(header))
    for label, _url_value, result in results:
        if result is None:
            print(f"{label:<34} {'—':>4} {'':>9} {'':>9} {'':>12} {'':>10}  pas d'ETag dans la réponse")
            continue
        target = TARGET_304_MS if "304" in label else TARGET_MEDIAN_MS
        expected = 304 if "304" in label else 200
        ok = result["status"] == expected and result["median"] < target
        verdict = ("OK" if ok else "NON") + f" (< {target} ms, HTTP {expected})"
        if "toutes séries" in label:
            verdict = "pour information : une fois, après une migration ou une modification de masse"
        size = f"{result['bytes'] / 1024:.0f} Kio" if result["bytes"] is not None else "flux"
        print(
            f"{label:<34} {result['status']:>4} {result['median']:>6.1f} ms {result['p95']:>6.1f} ms "
            f"{result['queries']:>12} {size:>10}  {verdict}"
        )
    print()
    for label, url, result in results:
        print(f"  {label} : {url}")
        if result and result["slowest"]:
            query = result["slowest"]
            milliseconds = float(query["time"]) * 1000
            print(f"      requête SQL la plus lente : {milliseconds:.0f} ms — {query['sql'][:300]}")


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp_dir = setup_django(args)
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = clock.perf_counter()
        bassins, structures = build_territory(args.structures)
        ateliers, occurrences = build_ateliers(structures, args.series, args.seed)
        build_seconds = clock.perf_counter() - started
        # The state autovacuum leaves a live database in after such a load: fresh planner statistics
        # (without them PostgreSQL guesses one row per table and picks slow join orders), and on PostgreSQL
        # the dead row versions of the load's updates removed (they tripled the heap pages a feed's 304
        # reads). SQLite has neither; ANALYZE is enough there.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        results = run_measures(args, bassins[0])
        print_report(args, build_seconds, ateliers, occurrences, results)
    finally:
        if tmp_dir is not None:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
