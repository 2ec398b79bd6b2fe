"""`manage.py send_programme_reminders`: queue the day's reminders now (as Celery beat does at 08:00).

`--date` computes them as on another day (to catch up a day the beat missed); `--dry-run` counts what would
be queued and queues nothing (everything runs in a transaction that is rolled back, so no e-mail leaves).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programmes.reminders import send_reminders

LABELS = {
    "call_open": "ouverture de l'appel",
    "call_closing": "clôture prochaine de l'appel",
    "changes": "modifications attendues",
    "session_soon": "séance dans les 7 jours",
    "weekly_summary": "résumé de la semaine",
}


class Command(BaseCommand):
    help = (
        "Prépare les rappels des cycles d'événements du jour (comme Celery beat chaque matin à 8 h). "
        "Chaque rappel n'est envoyé qu'une fois : relancer la commande n'envoie rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="day",
            help="calculer les rappels comme le jour AAAA-MM-JJ (par défaut : aujourd'hui)",
        )
        parser.add_argument("--dry-run", action="store_true", help="compter les rappels sans rien envoyer")

    def handle(self, *args, day=None, dry_run=False, **options):
        today = self._parse(day) if day else None
        if dry_run:
            with transaction.atomic():
                counts = send_reminders(today=today)
                transaction.set_rollback(True)
        else:
            counts = send_reminders(today=today)
        total = sum(counts[name] for name in LABELS)
        for name, label in LABELS.items():
            self.stdout.write(f"{label} : {counts[name]} e-mail(s)")
        cycles = counts["cycles"]
        if dry_run:
            self.stdout.write(
                f"Essai, rien n'est envoyé : {total} rappel(s) pour {cycles} cycle(s) en cours."
            )
        else:
            self.stdout.write(f"{total} rappel(s) préparé(s) pour {cycles} cycle(s) en cours.")

    @staticmethod
    def _parse(value: str) -> date:
        try:
            return date.fromisoformat(value.strip())
        except ValueError as error:
            raise CommandError(
                f"Date invalide : « {value} ». Écrivez-la AAAA-MM-JJ, par exemple 2027-03-15."
            ) from error
