"""`manage.py grant_rights`: give every bassin and structure the groups, collections, volunteers group and
review workflow that `network.permissions` grants today (after an upgrade that adds a right, for instance the
volunteers' one). Idempotent: what exists is kept, what is missing is added."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext, gettext_lazy

from network.models import BassinPage, StructurePage
from network.permissions import grant_bassin_permissions, grant_structure_permissions


class Command(BaseCommand):
    help = gettext_lazy(
        "Réaccorde à chaque bassin et structure ses groupes, collections et droits (sans rien dupliquer)."
    )

    def handle(self, *args, **options):
        bassins = list(BassinPage.objects.order_by("pk"))
        for bassin in bassins:
            grant_bassin_permissions(bassin)
        structures = list(StructurePage.objects.select_related("bassin").order_by("pk"))
        for structure in structures:
            grant_structure_permissions(structure)
        self.stdout.write(
            gettext("Bassins à jour : %(bassins)d. Structures à jour : %(structures)d.")
            % {"bassins": len(bassins), "structures": len(structures)}
        )
