"""`manage.py import_ical --structure SLUG PATH_OR_URL [--dry-run]`: import one calendar file by hand.

Re-imports match: the ateliers are keyed by an inactive feed named « Import manuel » whose address is the
absolute path of the file (or the URL), created on the first import. Importing the same file again updates
its ateliers instead of duplicating them, and cancels those removed from it (if still to come); importing
another file does not touch them. A URL already set up as a feed of the structure reuses that feed.
A file is capped like a download (`MAILLAGE_FEED_MAX_BYTES`): a bigger one is refused, never read whole.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from calendars.fetch import FetchError, fetch_feed, too_large
from calendars.models import FeedStatus, normalise_feed_url
from calendars.parse import NotICalendar
from calendars.sync import get_manual_feed, import_calendar
from network.models import StructurePage

from .sync_feeds import describe_report


def read_capped(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refused with the downloads' French message beyond `max_bytes`.

    Read at most one byte past the cap, whatever its announced size: a file may grow while it is read.
    """
    with path.open("rb") as file:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise CommandError(too_large(max_bytes).message)
    return data


class Command(BaseCommand):
    help = "Importe un fichier ou une adresse iCal dans les ateliers d'une structure."

    def add_arguments(self, parser):
        parser.add_argument("source", help="chemin d'un fichier .ics, ou adresse http(s):// ou webcal://")
        parser.add_argument("--structure", required=True, help="slug de la structure")
        parser.add_argument("--dry-run", action="store_true", help="affiche le bilan sans rien enregistrer")

    def handle(self, *args, source, structure, dry_run=False, **options):
        page = StructurePage.objects.filter(slug=structure).first()
        if page is None:
            raise CommandError(f"Structure inconnue : « {structure} ».")
        if source.lower().startswith(("http://", "https://", "webcal://", "webcals://")):
            key = normalise_feed_url(source)
            try:
                data = fetch_feed(key).body or b""
            except FetchError as error:
                raise CommandError(error.message) from error
        else:
            path = Path(source).expanduser().resolve()
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : {source}")
            key, data = str(path), read_capped(path, settings.MAILLAGE_FEED_MAX_BYTES)
        try:
            with transaction.atomic():
                feed = get_manual_feed(structure=page, source=key)
                report = import_calendar(structure=page, data=data, feed=feed, dry_run=dry_run)
                if dry_run:
                    transaction.set_rollback(True)
                else:
                    # The admin lists this feed: it shows when the file was imported and what it gave.
                    feed.status, feed.last_fetch_at = FeedStatus.OK, timezone.now()
                    feed.last_success_at, feed.last_counts = feed.last_fetch_at, report.counts()
                    feed.warnings = report.warnings[:50]
                    feed.save(
                        update_fields=[
                            "status",
                            "last_fetch_at",
                            "last_success_at",
                            "last_counts",
                            "warnings",
                        ]
                    )
        except NotICalendar as error:
            raise CommandError(str(error)) from error
        self.stdout.write(("Essai, rien n'est enregistré — " if dry_run else "") + f"{page.title} ← {source}")
        for line in describe_report(report):
            self.stdout.write(line)
        if dry_run:
            for item in report.preview:
                self.stdout.write(f"  {item['start']:%d/%m/%Y %H:%M}  {item['title']}")
