"""National-scale open data bench: a synthetic national file of the lieux schema, through import_lieux.

    .venv/bin/python bench/national.py [--structures 20000] [--bassins 100] [--write-only PATH]
                                       [--database-url postgres://…/maillage_bench] [--yes]
                                       [--series 200000] [--repeat 9]

Why: the national map lists about 20,000 places; a new territory (or a hub) bootstraps from that file, so
the import must hold that size, and the export of what was imported must stay one query. The file is
generated here (deterministic: seeded), with every column of the schema filled the way real files are
(SIRET or RNA pivots, several services, opening hours, `|` lists). `--bassins` bassins are created first,
spread over metropolitan France; each place goes to the nearest one (no `--bassin`), as a national import
would. The database is a throwaway SQLite file unless `--database-url` names one (use your own PostgreSQL
database: it is migrated, then filled, and left filled for other benches; it must hold no structure unless
`--yes`). Prints the import time (total, per structure, SQL queries per structure), a re-import of the same
file (idempotent: nothing changes) and the national CSV export, with the machine's load average before and
after (a shared machine: the figures depend on it), and the processor time of the bench's own process (what
Maillage's code costs, without the wait for a free processor nor PostgreSQL's own work). No timed asserts.

`--write-only PATH` writes the file and stops (to try `manage.py import_lieux PATH` by hand). `--series N`
then gives the imported places N atelier series with their sessions and measures the public reads at that
scale (directory, map data, agendas, a bassin's .ics: `bench/national_reads.py`, which can also fill and
measure a database on its own).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = [
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Accès internet et matériel informatique",
]
TYPES = ["BIB", "EPN", "RFS", "CCAS", "ASSO", "TIERS_LIEUX", "MUNI"]
NAMES = ["Médiathèque", "Espace France Services", "EPN", "Tiers-lieu numérique", "CCAS", "Maison de quartier"]


def synthetic_rows(count: int, columns: list[str], seed: int = 20):
    rng = random.Random(seed)
    for index in range(count):
        latitude = round(rng.uniform(42.5, 51.0), 5)
        longitude = round(rng.uniform(-4.5, 7.5), 5)
        department = rng.choice([number for number in range(1, 96) if number != 20])  # Corsica: 2A/2B
        postal = f"{department:02d}{rng.randint(0, 999):03d}"
        row = dict.fromkeys(columns, "")
        row |= {
            "id": f"lieu-{index:05d}",
            "pivot": f"{rng.randint(10**13, 10**14 - 1)}"
            if index % 3
            else f"W{rng.randint(10**8, 10**9 - 1)}",
            "nom": f"{rng.choice(NAMES)} n° {index}",
            "commune": f"Commune {department}-{index % 500}",
            "code_postal": postal,
            "code_insee": postal,
            "adresse": f"{rng.randint(1, 120)} rue de la République",
            "latitude": str(latitude),
            "longitude": str(longitude),
            "typologie": "|".join(rng.sample(TYPES, 2)),
            "telephone": f"+332{rng.randint(10**7, 10**8 - 1)}",
            "courriels": f"contact{index}@exemple.fr",
            "horaires": "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
            "presentation_resume": "Un lieu pour apprendre à se servir d'un ordinateur.",
            "date_maj": "2026-11-02",
            "services": "|".join(rng.sample(SERVICES, 2)),
            "frais_a_charge": "Gratuit",
            "modalites_acces": "Se présenter|Téléphoner",
        }
        yield row


def write_file(path: Path, count: int, columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(synthetic_rows(count, columns))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark de l'import national des lieux (import_lieux).")
    parser.add_argument("--structures", type=int, default=20_000)
    parser.add_argument("--bassins", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--write-only", default="")
    parser.add_argument("--yes", action="store_true", help="Accepte une base qui contient déjà des lieux.")
    parser.add_argument(
        "--series",
        type=int,
        default=0,
        help="ensuite, ajoute ce nombre de séries d'ateliers aux lieux importés et mesure les lectures "
        "publiques (bench/national_reads.py) ; 200000 pour l'échelle nationale",
    )
    parser.add_argument("--repeat", type=int, default=9, help="requêtes mesurées par adresse (9)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    tmp_dir = Path(tempfile.mkdtemp(prefix="maillage-national-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp_dir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from opendata import lieux

    path = Path(args.write_only) if args.write_only else tmp_dir / "national.csv"
    started = clock.perf_counter()
    write_file(path, args.structures, lieux.columns())
    size = path.stat().st_size / 1e6
    print(f"fichier : {args.structures} lieux, {size:.1f} Mo en {clock.perf_counter() - started:.1f} s")
    if args.write_only:
        return

    call_command("migrate", verbosity=0)
    from home.models import HomePage
    from network import domain
    from network.models import BassinPage, StructurePage
    from opendata.importer import import_lieux

    if StructurePage.objects.exists() and not args.yes:
        sys.exit("La base contient déjà des structures : donnez une base vide, ou --yes.")
    print(
        "charge de la machine avant (1, 5, 15 min) : " + ", ".join(f"{load:.2f}" for load in os.getloadavg())
    )
    rng = random.Random(100)
    home = HomePage.objects.get()
    for index in range(args.bassins):
        if BassinPage.objects.filter(slug=f"bassin-{index}").exists():
            continue
        domain.create_bassin(
            home=home,
            title=f"Bassin {index}",
            slug=f"bassin-{index}",
            latitude=round(rng.uniform(42.5, 51.0), 4),
            longitude=round(rng.uniform(-4.5, 7.5), 4),
        )
    text = path.read_text(encoding="utf-8")

    cpu_times = []

    def measured(action):
        """(result, seconds, SQL queries) of `action()`; queries counted, not kept (there are many)."""
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            started, cpu = clock.perf_counter(), clock.process_time()
            result = action()
            elapsed, cpu = clock.perf_counter() - started, clock.process_time() - cpu
        cpu_times.append(cpu)
        return result, elapsed, count[0]

    report, elapsed, queries = measured(lambda: import_lieux(text=text))
    created = max(len(report.created), 1)
    print(
        f"import : {elapsed:.1f} s ({elapsed / created * 1000:.1f} ms et {queries / created:.1f} requêtes "
        f"SQL par lieu créé, {queries} en tout) — {report.summary()}"
    )
    print(
        f"  dont temps processeur du banc : {cpu_times[-1]:.1f} s "
        f"({cpu_times[-1] / created * 1000:.1f} ms par lieu)"
    )

    report, elapsed, queries = measured(lambda: import_lieux(text=text))
    print(f"réimport du même fichier : {elapsed:.1f} s, {queries} requêtes SQL — {report.summary()}")

    body, elapsed, queries = measured(
        lambda: lieux.as_csv([lieux.structure_row(s) for s in lieux.exported_structures()])
    )
    print(
        f"export national CSV : {elapsed * 1000:.0f} ms, {queries} requêtes SQL, {len(body) / 1e6:.1f} Mo, "
        f"{body.count(chr(10)) - 1} lieux"
    )
    print(
        "charge de la machine après (1, 5, 15 min) : " + ", ".join(f"{load:.2f}" for load in os.getloadavg())
    )
    if args.series:
        # The same reads as bench/national_reads.py, on the places this import created.
        from bench.national_reads import fill_ateliers, measure

        started = clock.perf_counter()
        series, sessions = fill_ateliers(series=args.series, seed=20)
        print(f"ateliers : {series} séries, {sessions} séances en {clock.perf_counter() - started:.0f} s")
        measure(repeat=args.repeat, warmup=1)


if __name__ == "__main__":
    main()
