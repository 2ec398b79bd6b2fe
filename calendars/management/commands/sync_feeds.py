"""`manage.py sync_feeds [--structure SLUG] [--feed ID]`: synchronise calendars now, in this process.

For support and first set-up: the same `sync_feed` as the scheduled task, but synchronous and talkative, so
that a person sees what each calendar gave (and why one failed). Exits with status 1 when any feed failed.
"""

from django.core.management.base import BaseCommand, CommandError

from calendars.fetch import FetchError
from calendars.models import Feed
from calendars.sync import sync_feed


def describe_report(report) -> list[str]:
    """The report in French, as the admin shows it: counts, then warnings."""
    if report.not_modified:
        return ["  calendrier inchangé depuis la dernière lecture : rien à faire"]
    lines = [
        f"  {report.event_count} événement(s) lu(s) : {report.created} créé(s), {report.updated} mis à jour, "
        f"{report.cancelled} annulé(s), {report.unchanged} inchangé(s), {report.skipped} ignoré(s)"
    ]
    lines += [f"  attention : {warning['message']}" for warning in report.warnings]
    return lines


class Command(BaseCommand):
    help = "Synchronise maintenant les calendriers iCal actifs (ou ceux indiqués)."

    def add_arguments(self, parser):
        parser.add_argument("--structure", help="seulement les calendriers de cette structure (slug)")
        parser.add_argument("--feed", type=int, help="ce calendrier seulement (identifiant), même inactif")

    def handle(self, *args, structure=None, feed=None, **options):
        feeds = Feed.objects.select_related("structure").order_by("pk")
        feeds = feeds.filter(pk=feed) if feed is not None else feeds.filter(active=True)
        if structure:
            feeds = feeds.filter(structure__slug=structure)
        feeds = list(feeds)
        if not feeds:
            raise CommandError("Aucun calendrier à synchroniser.")
        failures = 0
        for item in feeds:
            self.stdout.write(f"{item.structure.title} — {item} (n° {item.pk})")
            try:
                report = sync_feed(feed=item)
            except FetchError as error:
                failures += 1
                self.stdout.write(self.style.ERROR(f"  échec : {error.message}"))
                continue
            for line in describe_report(report):
                self.stdout.write(line)
        self.stdout.write(f"{len(feeds) - failures} calendrier(s) synchronisé(s), {failures} en échec.")
        if failures:
            raise CommandError(f"{failures} calendrier(s) en échec.", returncode=1)
