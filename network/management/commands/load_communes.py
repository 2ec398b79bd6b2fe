"""`manage.py load_communes [--region CODE …]`: (re)load the communes of a territory from GeoNames."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from network.communes import load_communes


class Command(BaseCommand):
    help = _("Charge les communes (GeoNames) des régions indiquées, pour « près de … » et les distances.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--region",
            action="append",
            dest="regions",
            help=_(
                "Code INSEE de région (24 = Centre-Val de Loire) ; répétable. "
                "Défaut : MAILLAGE_COMMUNES_REGIONS."
            ),
        )

    def handle(self, *args, regions=None, **options):
        count = load_communes(regions=regions)
        self.stdout.write(_("%(count)d communes chargées.") % {"count": count})
