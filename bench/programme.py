"""Event cycle benchmark: a regional cycle with hundreds of contributions, its public and coordinators' pages.

    .venv/bin/python bench/programme.py [--contributions 400] [--structures 16] [--repeat 20]

Why: the Human Tech Days label about 70 events a year; a cycle run by every bassin of the region may gather
several hundred. The public programme, its print version and feeds, the review list, the coverage dashboard
and its CSV must stay a fixed number of SQL queries (asserted in the tests) and answer in well under a
second; the morning reminders must queue their e-mails in seconds. This prints the figures.

The territory is bench/agenda.py's (5 bassins, `--structures` each). Contributions spread over the
structures and the cycle's six days, one to three dates each; two thirds accepted (so published as ateliers,
through `programmes.publishing`), the rest proposed, asked for changes or declined. By default everything
happens in a throwaway SQLite database; with `DATABASE_URL` set, in that database (empty, or `--yes`).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import shutil
import sys
import time as clock
from datetime import time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark des cycles d'événements de Maillage.")
    parser.add_argument("--contributions", type=int, default=400, help="contributions (400)")
    parser.add_argument("--structures", type=int, default=16, help="structures par bassin (16, 5 bassins)")
    parser.add_argument("--repeat", type=int, default=20, help="requêtes mesurées par adresse (20)")
    parser.add_argument("--warmup", type=int, default=2, help="requêtes d'échauffement par adresse (2)")
    parser.add_argument("--yes", action="store_true", help="accepte une base DATABASE_URL non vide")
    parser.add_argument("--seed", type=int, default=2027)
    return parser.parse_args(argv)


def agenda_bench():
    """bench/agenda.py's Django setup, territory and measuring loop (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_agenda", ROOT / "bench" / "agenda.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_cycle(structures, count: int, seed: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from home.models import HomePage
    from programmes.enums import ContributionState as S
    from programmes.models import Contribution, CycleCoordinator, CyclePage
    from programmes.publishing import publish_contribution

    rng = random.Random(seed)
    today = timezone.localdate()
    monday = today + timedelta(days=60 - today.weekday())
    cycle = CyclePage(
        title="Human Tech Days (bench)",
        slug="human-tech-days-bench",
        start_date=monday,
        end_date=monday + timedelta(days=5),
        call_opens=today - timedelta(days=10),
        call_closes=monday - timedelta(days=20),
        target_per_bassin=60,
    )
    HomePage.objects.get().add_child(instance=cycle)
    cycle.save_revision().publish()
    from network.models import Membership

    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-{n}", email=f"editeur{n}@bench.localhost")
        for n in range(len(structures))
    )
    # One editor per structure: the reminders' recipients.
    Membership.objects.bulk_create(
        Membership(user=user, structure=structure, role="editeur")
        for user, structure in zip(users, structures, strict=True)
    )
    coordinator = get_user_model().objects.create_user(
        username="bench-coordination", email="coordination@bench.localhost", password="x"
    )
    CycleCoordinator.objects.create(cycle=cycle, user=coordinator)
    themes = ["Maîtrise des outils numériques du quotidien", "Aide aux démarches administratives"]
    publics = ["Tous publics", "Seniors", "Jeunes"]
    states = [S.ACCEPTED] * 8 + [S.SUBMITTED, S.SUBMITTED, S.CHANGES_REQUESTED, S.DECLINED]
    accepted = 0
    for number in range(count):
        structure = structures[number % len(structures)]
        days = sorted(rng.sample(range(6), rng.randint(1, 3)))
        hour = rng.choice([9, 10, 14, 16, 18])
        state = rng.choice(states)
        contribution = Contribution.objects.create(
            cycle=cycle,
            structure=structure,
            title=f"Atelier du cycle n° {number}",
            summary="Découvrir un usage du numérique, en petit groupe, avec un médiateur.",
            themes=[rng.choice(themes)],
            publics=[rng.choice(publics)],
            dates=[(monday + timedelta(days=day)).isoformat() for day in days],
            start_time=time(hour),
            end_time=time(hour + 2),
            state=state,
            submitted_at=timezone.now() - timedelta(days=rng.randint(0, 9)),
        )
        if state == S.ACCEPTED:
            publish_contribution(contribution)
            accepted += 1
    return cycle, coordinator, accepted


def main(argv=None) -> int:
    args = parse_args(argv)
    agenda = agenda_bench()
    tmp_dir = agenda.setup_django(args)
    try:
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        # E-mails queued by the reminders are sent at once, to Django's test outbox: nothing reaches the
        # developer's Celery queue (var/celery) or any SMTP server.
        from celery_app import app

        app.conf.task_always_eager = True
        started = clock.perf_counter()
        _bassins, structures = agenda.build_territory(args.structures)
        cycle, coordinator, accepted = build_cycle(structures, args.contributions, args.seed)
        build_seconds = clock.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        public = Client()
        pro = Client()
        pro.force_login(coordinator)
        slug = cycle.slug
        urls = [
            ("Programme, par jour", public, cycle.url),
            ("Programme, par bassin", public, f"{cycle.url}?vue=bassins"),
            ("Programme imprimable", public, f"{cycle.url}imprimer/"),
            ("Flux iCal du cycle", public, f"{reverse('events:agenda_ics')}?cycle={slug}"),
            ("Flux JSON du cycle", public, f"{reverse('events:agenda_json')}?cycle={slug}"),
            ("Examen (coordination)", pro, reverse("programmes:review", kwargs={"slug": slug})),
            ("Couverture", pro, reverse("programmes:coverage", kwargs={"slug": slug})),
            ("Export CSV", pro, reverse("programmes:coverage_csv", kwargs={"slug": slug})),
        ]
        print(f"Cycle : {args.contributions} contributions, dont {accepted} acceptées (ateliers publiés) ;")
        print(f"{len(structures)} structures dans 5 bassins ; données créées en {build_seconds:.1f} s.\n")
        print(f"{'Adresse':<26}{'statut':>7}{'médiane':>11}{'p95':>11}{'requêtes SQL':>14}")
        for label, client, url in urls:
            result = agenda.measure(client, url, repeat=args.repeat, warmup=args.warmup, keep_cache=False)
            print(
                f"{label:<26}{result['status']:>7}{result['median']:>9.1f} ms{result['p95']:>8.1f} ms"
                f"{result['queries']:>14}"
            )

        from outbox.models import Message
        from programmes import reminders

        print()
        for label, day in (
            ("ouverture de l'appel", cycle.call_opens),
            ("clôture proche", cycle.call_closes - timedelta(days=cycle.reminder_days)),
            ("séances dans 7 jours", cycle.start_date - timedelta(days=3)),
        ):
            started = clock.perf_counter()
            outcome = reminders.send_reminders(today=day)
            first = clock.perf_counter() - started
            started = clock.perf_counter()
            reminders.send_reminders(today=day)
            second = clock.perf_counter() - started
            queued = sum(value for key, value in outcome.items() if key != "cycles")
            print(
                f"Rappels ({label}) : {queued} e-mails préparés en {first:.2f} s ; relancés : {second:.2f} s."
            )
        print(f"E-mails dans la file : {Message.objects.count()} (aucun en double : clés uniques).")
    finally:
        if tmp_dir is not None:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
