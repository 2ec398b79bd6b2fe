"""`manage.py send_programme_reminders`: queue the day's reminders now (as Celery beat does at 08:00).

`--date` computes them as on another day (to catch up a day the beat missed); `--dry-run` counts what would
be queued and queues nothing (everything runs in a transaction that is rolled back, so no e-mail leaves).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programmes.reminders import send_reminders

LABELS = {
    "call_open": gettext_lazy("ouverture de l'appel"),
    "call_closing": gettext_lazy("clôture prochaine de l'appel"),
    "changes": gettext_lazy("modifications attendues"),
    "session_soon": gettext_lazy("séance dans les 7 jours"),
    "weekly_summary": gettext_lazy("résumé de la semaine"),
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
            emails = ngettext("%(count)d e-mail", "%(count)d e-mails", counts[name]) % {"count": counts[name]}
            self.stdout.write(f"{label} : {emails}")
        cycles = counts["cycles"]
        in_progress = ngettext("%(count)d cycle en cours", "%(count)d cycles en cours", cycles) % {
            "count": cycles
        }
        if dry_run:
            reminders = ngettext("%(count)d rappel", "%(count)d rappels", total) % {"count": total}
            self.stdout.write(
                _("Essai, rien n'est envoyé : %(reminders)s pour %(cycles)s.")
                % {"reminders": reminders, "cycles": in_progress}
            )
        else:
            reminders = ngettext("%(count)d rappel préparé", "%(count)d rappels préparés", total) % {
                "count": total
            }
            self.stdout.write(
                _("%(reminders)s pour %(cycles)s.") % {"reminders": reminders, "cycles": in_progress}
            )

    @staticmethod
    def _parse(value: str) -> date:
        try:
            return date.fromisoformat(value.strip())
        except ValueError as error:
            raise CommandError(
                f"Date invalide : « {value} ». Écrivez-la AAAA-MM-JJ, par exemple 2027-03-15."
            ) from error
