"""Set queries of the structures: the directory's filters, a bassin's structures, the communes of a set."""

from django.db.models import Case, IntegerField, Q, Value, When
from wagtail.query import PageQuerySet

from .. import enums
from ..enums import EDITING_ROLES
from ..fields import has_all, has_any
from .membership import Coordination, Membership


class StructurePageQuerySet(PageQuerySet):
    """Set queries of the directory.

    Multi-valued filters match "any of" within one field and "all" across fields.
    """

    def managed_by(self, user):
        """The structures whose page and members `user` manages: superusers all, coordinators their bassins',
        editors their own (`network.permissions` builds every right on this one query). Copies mirrored from
        another instance (`origin` set) are managed by nobody here: their source is the only place to edit."""
        local = self.filter(origin="")
        if user.is_superuser:
            return local
        return local.filter(
            Q(pk__in=Membership.objects.filter(user=user, role__in=EDITING_ROLES).values("structure"))
            | Q(bassin__in=Coordination.objects.filter(user=user).values("bassin"))
        )

    def for_listing(self):
        """Live, public structures in one query (rows are already StructurePage instances): places that
        receive the public first, then networks and partners, then closed places (the order of
        `StructurePage.listing_group`), each group in name order."""
        return self.live().public().order_by(self.listing_group_expression(), "title")

    @staticmethod
    def listing_group_expression():
        """`StructurePage.listing_group` in SQL, for ordering a query the way lists show it."""
        return Case(
            When(status=enums.StructureStatus.CLOSED, then=Value(2)),
            When(Q(receives_public=False), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )

    def receiving_public(self):
        """Places a person can go to (networks and partners left out, whatever their status)."""
        return self.filter(receives_public=True)

    def in_bassins(self, bassins):
        return self.filter(bassin__in=bassins) if bassins else self

    def in_communes(self, communes):
        return self.filter(commune__in=communes) if communes else self

    def offering(self, services):
        return self.filter(has_any("services", services))

    def for_publics(self, publics):
        return self.filter(has_any("publics_specifiquement_adresses", publics))

    def with_support(self, supports):
        return self.filter(has_any("prise_en_charge_specifique", supports))

    def with_fees(self, fees):
        return self.filter(has_any("frais_a_charge", fees))

    def with_access(self, modes):
        return self.filter(has_any("modalites_acces", modes))

    def with_accompaniment(self, modes):
        return self.filter(has_any("modalites_accompagnement", modes))

    def itinerant(self):
        return self.filter(has_all("itinerance", [enums.Itinerance.ITINERANT]))

    def with_labels(self, labels):
        """National programmes and regional labels as one list: people look for "a label", not its source."""
        return self.filter(
            has_any("dispositif_programmes_nationaux", labels) | has_any("labels_regionaux", labels)
        )

    def commune_names(self) -> list[str]:
        """The communes that have at least one structure in this set, once each, in name order."""
        return list(self.order_by("commune").values_list("commune", flat=True).distinct())
