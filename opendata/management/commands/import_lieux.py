"""`manage.py import_lieux PATH_OR_URL [--bassin SLUG] [--dry-run]`: see `opendata.importer`."""

from django.core.management.base import BaseCommand, CommandError

from network.models import BassinPage
from opendata.importer import import_lieux
from opendata.rows import ImportFileError, decode
from opendata.sources import SourceError, read_source


class Command(BaseCommand):
    help = (
        "Crée ou met à jour des structures depuis un fichier du schéma national des lieux de médiation "
        "numérique (chemin ou URL). Ne supprime jamais une structure absente du fichier."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", help="Chemin du fichier CSV ou URL http(s).")
        parser.add_argument("--bassin", help="Slug du bassin de vie des nouvelles structures.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifie le fichier sans rien enregistrer."
        )

    def handle(self, *args, location, bassin=None, dry_run=False, **options):
        target = None
        if bassin:
            target = BassinPage.objects.filter(slug=bassin).first()
            if target is None:
                raise CommandError(f"Bassin de vie inconnu : {bassin}")
        try:
            report = import_lieux(text=decode(read_source(location)), bassin=target, dry_run=dry_run)
        except (SourceError, ImportFileError) as error:
            raise CommandError(str(error)) from error
        for problem in report.rejected:
            self.stderr.write(f"Rejetée — {problem}")
        for problem in report.warnings:
            self.stdout.write(f"Avertissement — {problem}")
        self.stdout.write(report.summary())
