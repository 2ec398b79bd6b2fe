"""`manage.py sync_feeds [--structure SLUG] [--feed ID]`: synchronise calendars now, in this process.

For support and first set-up: the same `sync_feed` as the scheduled task, but synchronous and talkative, so
that a person sees what each calendar gave (and why one failed). Exits with status 1 when any feed failed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calendars.fetch import FetchError
from calendars.models import Feed
from calendars.sync import sync_feed


def describe_report(report) -> list[str]:
    """The report in French, as the admin shows it: counts, then warnings."""
    if report.not_modified:
        return ["  " + _("calendrier inchangé depuis la dernière lecture : rien à faire")]
    counts = [
        ngettext("%(count)d créé", "%(count)d créés", report.created),
        ngettext("%(count)d mis à jour", "%(count)d mis à jour", report.updated),
        ngettext("%(count)d annulé", "%(count)d annulés", report.cancelled),
        ngettext("%(count)d inchangé", "%(count)d inchangés", report.unchanged),
        ngettext("%(count)d ignoré", "%(count)d ignorés", report.skipped),
    ]
    values = [report.created, report.updated, report.cancelled, report.unchanged, report.skipped]
    read = ngettext("%(count)d événement lu", "%(count)d événements lus", report.event_count) % {
        "count": report.event_count
    }
    detail = ", ".join(text % {"count": value} for text, value in zip(counts, values, strict=True))
    lines = [f"  {read} : {detail}"]
    lines += [
        "  " + _("attention : %(message)s") % {"message": warning["message"]} for warning in report.warnings
    ]
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
            raise CommandError(_("Aucun calendrier à synchroniser."))
        failures = 0
        for item in feeds:
            self.stdout.write(f"{item.structure.title} — {item} (n° {item.pk})")
            try:
                report = sync_feed(feed=item)
            except FetchError as error:
                failures += 1
                self.stdout.write(
                    self.style.ERROR("  " + _("échec : %(message)s") % {"message": error.message})
                )
                continue
            for line in describe_report(report):
                self.stdout.write(line)
        synced = len(feeds) - failures
        self.stdout.write(
            ngettext("%(count)d calendrier synchronisé", "%(count)d calendriers synchronisés", synced)
            % {"count": synced}
            + ", "
            + _("%(count)d en échec.") % {"count": failures}
        )
        if failures:
            raise CommandError(
                ngettext("%(count)d calendrier en échec.", "%(count)d calendriers en échec.", failures)
                % {"count": failures},
                returncode=1,
            )
