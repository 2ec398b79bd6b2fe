"""Set queries of the structures: the directory's filters, a bassin's structures, the communes of a set."""

from wagtail.query import PageQuerySet

from .. import enums
from ..fields import has_all, has_any


class StructurePageQuerySet(PageQuerySet):
    """Set queries of the directory.

    Multi-valued filters match "any of" within one field and "all" across fields.
    """

    def for_listing(self):
        """Live, public structures in name order, in one query (rows are already StructurePage instances)."""
        return self.live().public().order_by("title")

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
