"""`manage.py prepare_run`: second step of `make run`, make the database ready, then say where to go.

Migrates, creates the database cache's table, loads the demo territory and ensures the administrator
account (all idempotent), collects the static files when DEBUG is off (WhiteNoise serves them then), and
prints the site's address and the demo accounts. Run by `honcho run`, so it sees the broker chosen by
`run_env` like the processes it precedes.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from network.demo import DEMO_COORDINATOR, DEMO_EDITOR, DEMO_EDITOR_OTHER, DEMO_PASSWORD_DEFAULT
from programmes.demo import DEMO_REGION_COORDINATOR

DEMO_ACCOUNTS = (
    (DEMO_EDITOR, "édite une structure"),
    (DEMO_EDITOR_OTHER, "édite une structure d'un autre bassin"),
    (DEMO_COORDINATOR, "coordonne un bassin"),
    (DEMO_REGION_COORDINATOR, "coordonne le cycle « Human Tech Days »"),
)


class Command(BaseCommand):
    help = "Prépare la base pour make run (migrations, démo, administrateur) et affiche les accès."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False)
        # The database cache's table, when REDIS_URL is not set (config/settings/base.py); else nothing.
        call_command("createcachetable")
        call_command("load_demo")
        call_command("ensure_admin")
        if not settings.DEBUG:
            # With DEBUG, runserver serves static files from the apps; without it, WhiteNoise needs them.
            call_command("collectstatic", interactive=False)
        base_url = settings.WAGTAILADMIN_BASE_URL
        existing = set(
            get_user_model()
            .objects.filter(email__in=[account["email"] for account, _role in DEMO_ACCOUNTS])
            .values_list("email", flat=True)
        )
        if existing:
            password = (
                "celui de MAILLAGE_DEMO_PASSWORD"
                if os.environ.get("MAILLAGE_DEMO_PASSWORD")
                else f"« {DEMO_PASSWORD_DEFAULT} »"
            )
            self.stdout.write(f"Comptes de démo (mot de passe : {password}) :")
            for account, role in DEMO_ACCOUNTS:
                if account["email"] in existing:
                    self.stdout.write(f"  - {account['email']} ({role})")
        self.stdout.write(
            f"Site : {base_url}/ — administration : {base_url}/admin/ — "
            "Ctrl-C arrête web, les deux workers (e-mails, calendriers) et beat."
        )
