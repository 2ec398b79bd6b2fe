"""`manage.py run_env`: first step of `make run`, choose the Celery broker and write `var/run.env`.

honcho reads that file for the preparation step (`prepare_run`) and for the web, worker and beat processes of
the `Procfile`, so the four agree on the broker and on the address links are made with.
"""

import os
import shlex
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from config.runenv import choose_broker, describe_broker, describe_database


class Command(BaseCommand):
    help = "Choisit le broker Celery (Redis s'il répond, sinon fichiers) et écrit l'environnement de run."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="adresse du serveur web")
        parser.add_argument(
            "--output", default=str(settings.VAR_DIR / "run.env"), help="fichier d'environnement à écrire"
        )

    def handle(self, *args, addr, output, **options):
        choice = choose_broker(os.environ)
        variables = {
            "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
            "CELERY_BROKER_URL": choice.url,
            # Links in e-mails, feeds and the widget snippet follow the address served here.
            "MAILLAGE_BASE_URL": os.environ.get("MAILLAGE_BASE_URL") or f"http://{addr}",
            "PYTHONUNBUFFERED": "1",
        }
        if choice.source == "filesystem" and os.environ.get("REDIS_URL"):
            # A Redis that does not answer is not used for the cache either: the database cache is.
            variables["REDIS_URL"] = ""
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{name}={shlex.quote(value)}\n" for name, value in variables.items()))
        if choice.url.startswith("filesystem://"):
            for folder in ("queue", "processed", "control"):
                (settings.CELERY_FILESYSTEM_DIR / folder).mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Réglages Django : {variables['DJANGO_SETTINGS_MODULE']}")
        self.stdout.write(describe_database(settings.DATABASES["default"]))
        self.stdout.write(describe_broker(choice, settings.CELERY_FILESYSTEM_DIR))
