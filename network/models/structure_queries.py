"""Set queries of the structures: the directory's filters, a bassin's structures, the communes of a set."""

from django.contrib.postgres.search import SearchRank
from django.db.models import Avg, Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Floor
from wagtail.query import PageQuerySet

from .. import enums
from ..enums import EDITING_ROLES
from ..fields import has_all, has_any
from ..map import MARKER_COLUMNS, markers
from ..search_index import has_search_vector, search_query
from .membership import Coordination, Membership
from .opening import OpeningInterval


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
        `StructurePage.listing_group`), each group in name order, folded (« Écrivain » among the E, on
        every backend: `StructurePage.sort_title`)."""
        return self.live().public().order_by(self.listing_group_expression(), "sort_title", "pk")

    def has_search_vector(self) -> bool:
        """Whether `matching` can run here: the search column exists on PostgreSQL only."""
        return has_search_vector(self.db)

    def matching(self, terms: str):
        """The structures whose search vector holds every word of `terms` (accents, case and French endings
        ignored), ordered as lists show them with the most relevant first in each group: listing group,
        then rank (`ts_rank`: weight and frequency of the words), then folded name. One query, served by
        the GIN index of `search_vector` (`network.search_index`); PostgreSQL only (`has_search_vector`)."""
        query = search_query(terms)
        return (
            self.filter(search_vector=query)
            .annotate(search_rank=SearchRank(F("search_vector"), query))
            .order_by(self.listing_group_expression(), "-search_rank", "sort_title", "pk")
        )

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

    def open_at(self, moment):
        """The structures open at `moment` (Paris wall-clock time), as `StructurePage.is_open_at` says, in
        the database: an indexed EXISTS on their opening intervals (`OpeningInterval`)."""
        return self.filter(OpeningInterval.objects.covers(moment))

    def commune_names(self, *, limit: int | None = None) -> list[str]:
        """The communes that have at least one structure in this set, once each, in name order; the first
        `limit` of them (the database stops there, along the `structure_commune` index)."""
        names = self.order_by("commune").values_list("commune", flat=True).distinct()
        return list(names if limit is None else names[:limit])

    # ---- the map ----

    # What a marker reads (`StructurePage.map_marker`, its `url` included): nothing else is loaded.
    def on_public_map(self):
        """The places a map shows: they receive the public and have coordinates."""
        return self.filter(receives_public=True, latitude__isnull=False, longitude__isnull=False)

    def in_bbox(self, *, west: float, south: float, east: float, north: float):
        return self.filter(latitude__range=(south, north), longitude__range=(west, east))

    # What a structure's card (`includes/structure_card.html`) and its marker (`network.map.page_markers`)
    # read: a list of hundreds of places loads these columns only, not the ~30 others (each list column is
    # converted row by row); `path` and `depth` are what Wagtail needs to build the card's link.
    CARD_FIELDS = (
        "title",
        "commune",
        "latitude",
        "longitude",
        "url_path",
        "path",
        "depth",
        "receives_public",
        "bassin",
        "status",
        "typologie",
        "services",
        "presentation_resume",
        "horaires_parsed",
        "waiting_list",
    )

    def as_cards(self):
        """The structures with only what their cards and markers show loaded (`CARD_FIELDS`)."""
        return self.only(*self.CARD_FIELDS)

    def map_markers(self, limit: int | None = None) -> list[dict]:
        """The markers of the places of this set that a map shows (the first `limit`), in the set's order,
        in one query of plain rows: no page is built (see `network.map.markers`)."""
        return markers(self.on_public_map().values(*MARKER_COLUMNS)[:limit])

    def grid_clusters(self, *, cell_lat: float, cell_lon: float, limit: int) -> list[dict]:
        """Group the places of this set by the grid cell (`cell_lat` × `cell_lon` degrees) they fall in,
        in the database (one GROUP BY): per cell, how many places and their mean position.

        The `limit` most populated cells are kept, so the answer stays bounded whatever the area asked.
        """
        cells = (
            self.on_public_map()
            .order_by()
            .annotate(cell_y=Floor(F("latitude") / cell_lat), cell_x=Floor(F("longitude") / cell_lon))
            .values("cell_y", "cell_x")
            .annotate(count=Count("pk"), lat=Avg("latitude"), lon=Avg("longitude"))
            .order_by("-count", "cell_y", "cell_x")[:limit]
        )
        return [
            {"lat": round(cell["lat"], 5), "lon": round(cell["lon"], 5), "count": cell["count"]}
            for cell in cells
        ]
