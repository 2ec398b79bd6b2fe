"""`manage.py load_demo`: build the demo territory (idempotent)."""

from django.core.management.base import BaseCommand

from events.demo import load_demo_ateliers
from network.demo import DEMO_PASSWORD_DEFAULT, describe, load_demo_territory
from programmes.demo import load_demo_cycle


class Command(BaseCommand):
    help = (
        "Charge le territoire de démonstration (5 bassins, 85 structures, comptes de démo), "
        "ses ateliers des huit prochaines semaines et le cycle « Human Tech Days ». Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts", action="store_true", help="Ne crée pas les comptes de démonstration."
        )

    def handle(self, *args, no_accounts=False, **options):
        report = load_demo_territory(accounts=not no_accounts)
        self.stdout.write(describe(report))
        if report.accounts_created:
            self.stdout.write(
                "Comptes de démo (mot de passe : MAILLAGE_DEMO_PASSWORD, "
                f"par défaut « {DEMO_PASSWORD_DEFAULT} ») :"
            )
            for email in report.accounts_created:
                self.stdout.write(f"  - {email}")
        self.stdout.write(load_demo_ateliers().describe())
        cycle_report = load_demo_cycle(accounts=not no_accounts)
        self.stdout.write(cycle_report.describe())
        for email in cycle_report.accounts_created:
            self.stdout.write(f"  - {email} (coordination du cycle)")
