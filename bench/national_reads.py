"""National-scale reads: the directory, the map data, the regional agenda, the API's ateliers and a bassin
.ics at national size.

    .venv/bin/python bench/national_reads.py \\
        --database-url postgres://postgres@127.0.0.1:5432/maillage_scale20_bench \\
        [--bassins 100] [--structures 20000] [--series 200000] [--repeat 20] [--reuse] \\
        [--only Agenda]

Why: the national map lists about 20,000 places; with 200,000 atelier series (~2 M sessions over twelve
months) every public read must still answer in well under 200 ms with a number of SQL queries that does not
grow with the data. This fills the database named by `--database-url` (migrated here), then prints, for each
address, the median and p90 of `--repeat` requests through Django's test `Client` and the SQL query count.
No timed asserts.

Filling 20,000 Wagtail pages costs tens of milliseconds each (tree paths, search index): do it once, then
copy the database (`createdb -T maillage_scale20_bench maillage_scale20_copy`) and measure with `--reuse`,
which skips the fill and only measures. `fill(...)` and `measure(...)` are importable, so `bench/national.py`
(which makes its structures with `import_lieux`) can add ateliers and sessions to its own structures and
measure the same addresses.

Data: bassins on a grid over metropolitan France; structures around their bassin (most receive the public,
some are networks, a few are closed), with hours, services and publics so that every filter finds something;
series and their sessions are built the way `bench/agenda.py` does (its helpers are imported, not copied).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time as clock
from datetime import UTC, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.agenda import _series_values, insert_occurrences, percentile  # noqa: E402

NAMES = ["Médiathèque", "Espace France Services", "EPN", "Tiers-lieu numérique", "CCAS", "Maison de quartier"]
HOURS = ["Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00", "Tu,Th 14:00-18:00", "Mo-Sa 10:00-19:00", ""]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Mesure des lectures publiques de Maillage à l'échelle nationale."
    )
    parser.add_argument("--database-url", required=True, help="base PostgreSQL (migrée puis remplie ici)")
    parser.add_argument("--bassins", type=int, default=100)
    parser.add_argument("--structures", type=int, default=20000)
    parser.add_argument("--series", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=20, help="requêtes mesurées par adresse (20)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="base déjà remplie : mesurer seulement")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--past-days",
        type=int,
        default=0,
        help="premières séances des séries tirées aussi dans ces N jours passés (séances passées en base)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="mesurer seulement les adresses dont le libellé contient ce texte",
    )
    return parser.parse_args(argv)


def setup_django(database_url: str) -> None:
    os.chdir(ROOT)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


# ---- data -------------------------------------------------------------------------------------------


def bassin_centres(count: int) -> list[tuple[float, float]]:
    """`count` points on a grid over metropolitan France (lat 43–50.5, lon -3.5–7)."""
    columns = max(1, round(count**0.5))
    rows = -(-count // columns)
    return [
        (43 + 7.5 * (index // columns + 0.5) / rows, -3.5 + 10.5 * (index % columns + 0.5) / columns)
        for index in range(count)
    ]


def fill_structures(*, bassins: int, structures: int, seed: int, progress=print):
    """Create `bassins` bassins (the domain workflow) and `structures` published structures among them.

    Structures are added with `add_child` like `bench/agenda.py` does (no editors' groups: the public side
    reads nothing else); the search index is written by Wagtail's own signal handlers.
    """
    from django.db import transaction
    from django.utils import timezone

    from home.models import HomePage
    from network import domain, enums
    from network.models import BassinPage, StructurePage

    rng = random.Random(seed)
    home = HomePage.objects.get()
    now = timezone.now()
    services = [value for value, _label in enums.Service.choices]
    publics = [value for value, _label in enums.Public.choices]
    made = []
    for index, (latitude, longitude) in enumerate(bassin_centres(bassins)):
        slug = f"national-{index:03d}"
        bassin = BassinPage.objects.filter(slug=slug).first() or domain.create_bassin(
            home=home,
            title=f"Bassin national n° {index}",
            slug=slug,
            main_commune=f"Chef-lieu {index}",
            latitude=round(latitude, 4),
            longitude=round(longitude, 4),
        )
        made.append(bassin)
    per_bassin = -(-structures // bassins)
    started = clock.perf_counter()
    number = StructurePage.objects.filter(slug__startswith="national-s").count()
    while number < structures:
        bassin = made[number // per_bassin]
        with transaction.atomic():
            for _ in range(min(200, structures - number, per_bassin - number % per_bassin)):
                kind = rng.random()
                structure = StructurePage(
                    title=f"{rng.choice(NAMES)} n° {number}",
                    slug=f"national-s{number:05d}",
                    commune=f"Commune {bassin.pk}-{number % 40}",
                    code_postal=f"{10000 + number % 80000:05d}",
                    latitude=round(bassin.latitude + rng.uniform(-0.35, 0.35), 5),
                    longitude=round(bassin.longitude + rng.uniform(-0.5, 0.5), 5),
                    horaires=rng.choice(HOURS),
                    services=rng.sample(services, 2),
                    publics_specifiquement_adresses=rng.sample(publics, 1),
                    receives_public=kind > 0.1,
                    status=enums.StructureStatus.CLOSED if kind > 0.97 else enums.StructureStatus.ACTIVE,
                    presentation_resume="Un lieu pour apprendre à se servir d'un ordinateur.",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                )
                bassin.add_child(instance=structure)
                number += 1
        elapsed = clock.perf_counter() - started
        progress(f"  {number} structures ({elapsed:.0f} s)")
    return made


def fill_ateliers(*, series: int, seed: int, past_days: int = 0, progress=print) -> tuple[int, int]:
    """`series` ateliers spread over the structures that receive the public, with their sessions over twelve
    months (and from `past_days` ago), built in chunks (memory stays flat) by
    `events.occurrences.build_occurrences`."""
    from django.db import transaction
    from django.db.models import Max, OuterRef, Subquery
    from django.utils import timezone

    from events import enums
    from events.models import Atelier, Occurrence
    from events.occurrences import HORIZON_MONTHS, build_occurrences
    from events.recurrence import next_window
    from network.models import StructurePage

    rng = random.Random(seed)
    today = timezone.localdate()
    structure_ids = list(StructurePage.objects.filter(receives_public=True).values_list("pk", flat=True))
    themes = [value for value, _label in enums.Theme.choices]
    publics = [value for value, _label in enums.AtelierPublic.choices]
    levels = [value for value, _label in enums.Level.choices]
    horizon = next_window(today, HORIZON_MONTHS)[1].date() - timedelta(days=1)
    existing = Atelier.objects.count()
    occurrences = 0
    started = clock.perf_counter()
    chunk = 5000
    for first in range(existing, series, chunk):
        with transaction.atomic():
            ateliers = [
                Atelier(
                    structure_id=rng.choice(structure_ids),
                    title=f"Atelier numérique n° {number}",
                    summary="Apprendre à se servir d'un ordinateur, pas à pas.",
                    themes=rng.sample(themes, rng.randrange(1, 3)),
                    publics=rng.sample(publics, 1),
                    level=rng.choice(levels),
                    capacity=rng.choice([None, 8, 10, 12]),
                    occurrences_until=horizon,
                    **_series_values(rng, today, past_days),
                )
                for number in range(first, min(series, first + chunk))
            ]
            created = Atelier.objects.bulk_create(ateliers)
            ids = [atelier.pk for atelier in created]
            batch = []
            queryset = (
                Atelier.objects.filter(pk__in=ids).select_related("structure").prefetch_related("overrides")
            )
            for atelier in queryset.iterator(chunk_size=1000):
                batch.extend(build_occurrences(atelier, today=today))
            occurrences += insert_occurrences(Occurrence, batch)
            last = (
                Occurrence.objects.filter(atelier=OuterRef("pk"))
                .values("atelier")
                .annotate(last=Max("local_date"))
                .values("last")
            )
            Atelier.objects.filter(pk__in=ids).update(last_session_date=Subquery(last))
        progress(
            f"  {first + len(ids)} séries, +{occurrences} séances ({clock.perf_counter() - started:.0f} s)"
        )
    return series, occurrences


def fill(
    *,
    bassins: int = 100,
    structures: int = 20000,
    series: int = 200000,
    seed: int = 2020,
    past_days: int = 0,
    progress=print,
):
    """Fill the configured database (migrated first). Resumable: what exists already is kept and completed."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = clock.perf_counter()
    fill_structures(bassins=bassins, structures=structures, seed=seed, progress=progress)
    fill_ateliers(series=series, seed=seed, past_days=past_days, progress=progress)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return clock.perf_counter() - started


# ---- measures ---------------------------------------------------------------------------------------


def time_requests(client, url: str, *, repeat: int, warmup: int, headers=None) -> dict:
    """Median and p90 of `repeat` GETs (cache cleared before each: a first visit), and the SQL query count."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}
    for _ in range(warmup):
        cache.clear()
        client.get(url, headers=headers)
    timings = []
    queries = 0
    response = None
    for index in range(repeat):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = clock.perf_counter()
            response = client.get(url, headers=headers)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append((clock.perf_counter() - started) * 1000)
        if index == 0:
            queries = len(captured.captured_queries)
    return {
        "status": response.status_code,
        "median": statistics.median(timings),
        "p90": percentile(timings, 0.90),
        "queries": queries,
        "bytes": None if response.streaming else len(response.content),
        "etag": response.get("ETag"),
    }


def cases():
    """The addresses measured, with a label each."""
    from django.urls import reverse
    from django.utils import timezone

    from events import enums
    from events.models import Atelier
    from network.models import BassinPage, StructurePage

    bassin = BassinPage.objects.live().order_by("path").first()
    communes = StructurePage.objects.filter(bassin=bassin).order_by("path").values_list("commune", flat=True)
    commune = communes[0].replace(" ", "+")
    near = f"lat={bassin.latitude}&lon={bassin.longitude}&rayon=10"
    agenda = reverse("events:agenda")
    directory = reverse("network:directory")
    theme = enums.Theme.OUTILS_QUOTIDIEN.value.replace(" ", "+")
    service = "Maîtrise des outils numériques du quotidien"
    # What a peer that follows this instance asks every few minutes: the series changed since its last
    # visit, here the last hundred (`updated_at`, which every version of the code has).
    latest = Atelier.objects.order_by("-updated_at").values_list("updated_at", flat=True)[100:101]
    since = (latest[0] if latest else timezone.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return [
        ("Annuaire, sans filtre", directory),
        ("Annuaire, page 50", f"{directory}?page=50"),
        ("Annuaire, un filtre (bassin)", f"{directory}?bassin={bassin.slug}"),
        ("Annuaire, recherche « médiathèque »", f"{directory}?q=m%C3%A9diath%C3%A8que"),
        ("Annuaire, ouvert maintenant", f"{directory}?ouvert=on"),
        ("Carte, France entière (zoom 6)", f"{reverse('network:map_data')}?bbox=-5,41,9,52&zoom=6"),
        ("Carte, un département (zoom 10)", f"{reverse('network:map_data')}?bbox=1.8,46.8,2.6,47.3&zoom=10"),
        ("Carte, filtre service", f"{reverse('network:map_data')}?bbox=-5,41,9,52&zoom=6&service={service}"),
        ("Accueil", "/"),
        ("Page d'un bassin", bassin.url),
        ("Agenda régional", reverse("events:agenda")),
        ("Agenda régional filtré (thème + soir)", f"{agenda}?theme={theme}&soir=on"),
        ("Agenda régional, une commune", f"{agenda}?commune={commune}"),
        ("Agenda régional, près d'une position", f"{agenda}?{near}"),
        ("Agenda d'un bassin", reverse("events:bassin_agenda", kwargs={"slug": bassin.slug})),
        ("API, ateliers (100 par page)", "/api/v1/ateliers/"),
        ("API, ateliers, identifiants (500)", "/api/v1/ateliers/?page_size=500&fields=id"),
        ("API, ateliers modifiés (les 100 derniers)", f"/api/v1/ateliers/?updated_since={since}&fields=id"),
        ("Flux .ics d'un bassin", reverse("events:bassin_ics", kwargs={"slug": bassin.slug})),
    ]


def measure(*, repeat: int = 20, warmup: int = 2, only=(), out=print) -> list[tuple[str, str, dict]]:
    """Measure every address of `cases()` on the configured (filled) database and print a table."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from events.models import Atelier, Occurrence
    from network.models import BassinPage, StructurePage

    call_command("migrate", verbosity=0)  # A database filled by an older version gets the new columns.
    client = Client(raise_request_exception=False)
    results = []
    for label, url in cases():
        if only and not any(part.casefold() in label.casefold() for part in only):
            continue
        result = time_requests(client, url, repeat=repeat, warmup=warmup)
        results.append((label, url, result))
        out(f"  … {label} : médiane {result['median']:.1f} ms, {result['queries']} requêtes", flush=True)
    ics_label, ics_url, ics = results[-1] if results else ("", "", {"etag": None})
    if ics["etag"] and ics_label.startswith("Flux"):
        conditional = time_requests(
            client, ics_url, repeat=repeat, warmup=warmup, headers={"If-None-Match": ics["etag"]}
        )
        results.append(("Même .ics, If-None-Match (304)", ics_url, conditional))
    out()
    out(
        f"Base : {connection.vendor} — {BassinPage.objects.count()} bassins, {StructurePage.objects.count()} "
        f"structures, {Atelier.objects.count()} séries, {Occurrence.objects.count()} séances"
    )
    out(f"Mesures : {repeat} requêtes par adresse après {warmup} d'échauffement ; cache vidé avant chacune.")
    out(f"Charge de la machine : {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    out()
    header = f"{'Adresse':<40} {'HTTP':>4} {'médiane':>9} {'p90':>9} {'requêtes':>8} {'taille':>9}"
    out(header)
    out("-" * len(header))
    for label, _url, result in results:
        size = f"{result['bytes'] / 1024:.0f} Kio" if result["bytes"] is not None else "flux"
        out(
            f"{label:<40} {result['status']:>4} {result['median']:>6.1f} ms {result['p90']:>6.1f} ms "
            f"{result['queries']:>8} {size:>9}"
        )
    out()
    for label, url, _result in results:
        out(f"  {label} : {url}")
    return results


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django(args.database_url)
    if not args.reuse:
        seconds = fill(
            bassins=args.bassins,
            structures=args.structures,
            series=args.series,
            seed=args.seed,
            past_days=args.past_days,
        )
        print(f"Base remplie en {seconds:.0f} s")
    measure(repeat=args.repeat, warmup=args.warmup, only=args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
