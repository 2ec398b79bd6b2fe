"""How far a session is from a person (« près de Issoudun », « autour de moi »), computed in the database.

Why in SQL: the agenda pages and counts sessions in the database (one count, one page, whatever the number of
sessions); a radius applied in Python would need every session of the year in memory. Where each session
takes place is worked out in SQL (below); the radius is tested there with plain arithmetic, the flat-earth
distance with the longitude scaled at the person's latitude (within 0.5 % of the great-circle distance at
40 km: SQLite runs trigonometry as Python functions, several times slower on 10,000 sessions). The figure
shown (« à 4 km ») is the great-circle one of `network.communes.distance_km`, computed for the sessions on
the page only (`distance_from`).

Where a session takes place, best known first:
1. its own coordinates (the session's new place, the atelier's address);
2. for a session held in another commune than its structure's, with the structure's coordinates only (the
   atelier gave a commune but no coordinates), the stop of an itinerant structure in that commune, else the
   commune itself (the GeoNames table);
3. a session with no coordinates at all: the stop, else its commune;
4. the structure's coordinates.
A remote session (« à distance ») has no place: it is near everyone and passes any radius.

Cases 1 and 4 are resolved when the session is written (`Occurrence.place_latitude`, by
`events.occurrences.session_place`; `events.domain.follow_structure` moves those at their structure with
it): they are nearly every session, and their square around the circle is then a few ranges of one index
(`occurrence_place_band`: one per latitude band the square crosses). Only the sessions without a resolved
position (cases 2 and 3, and the remote ones) are placed here when read.
"""

import math

from django.db.models import Case, ExpressionWrapper, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from network.communes import EARTH_RADIUS_KM, Point
from network.models import Commune, ItinerantStop

from . import enums
from .models.occurrence import PLACE_BANDS_PER_DEGREE, place_band

# The radius choices of the agenda (km); the first one is what « près de » means when no radius is given.
RADII_KM = (20, 10, 40)


def _stop(field: str):
    stops = ItinerantStop.objects.filter(
        page_id=OuterRef("atelier__structure_id"),
        commune__iexact=OuterRef("commune"),
        latitude__isnull=False,
        longitude__isnull=False,
    ).order_by("sort_order", "pk")
    return Subquery(stops.values(field)[:1], output_field=FloatField())


def _commune(field: str):
    communes = Commune.objects.filter(name__iexact=OuterRef("commune")).order_by("-population", "pk")
    return Subquery(communes.values(field)[:1], output_field=FloatField())


def _borrowed_elsewhere() -> Q:
    """A session held in another commune than its structure's, placed at the structure (no coordinates of
    its own): its own `latitude`/`longitude` say nothing of where it is."""
    return Q(latitude=F("atelier__structure__latitude"), longitude=F("atelier__structure__longitude")) & ~Q(
        commune=F("atelier__structure__commune")
    )


def _coordinate(field: str):
    """The session's `field` ("latitude" or "longitude") by the order of the module docstring: its
    resolved position, else worked out here (COALESCE stops at the first value: the subqueries run only for
    the sessions without one)."""
    own = Case(When(_borrowed_elsewhere(), then=Value(None)), default=F(field), output_field=FloatField())
    return Coalesce(
        F(f"place_{field}"), own, _stop(field), _commune(field), F(field), output_field=FloatField()
    )


def with_place(occurrences):
    """`occurrences` annotated with `session_latitude` and `session_longitude` (None when the session cannot
    be placed), by the order of the module docstring."""
    return occurrences.annotate(
        session_latitude=_coordinate("latitude"), session_longitude=_coordinate("longitude")
    )


def distance_from(occurrence, point: Point | None) -> float | None:
    """The great-circle distance (km) from `point` to a session of `with_place`, or None."""
    if point is None:
        return None
    return point.distance_km(
        getattr(occurrence, "session_latitude", None), getattr(occurrence, "session_longitude", None)
    )


def _box(point: Point, radius_km: float) -> Q:
    """Sessions whose resolved position is in the latitude bands the square around the circle crosses and
    within its longitudes, with literal bounds that the planner estimates: for each band, one range of the
    `occurrence_place_band` index. No test of the exact latitudes here: the distance decides next, and
    PostgreSQL, taking such a test for independent of the band, expected a few rows where there were
    hundreds and chose its joins for those few."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    widest = math.radians(min(abs(point.latitude) + dlat, 89.0))
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(widest)))
    south, north = point.latitude - dlat, point.latitude + dlat
    # The same floor as the database's (`place_band`: IEEE products, floored): the bands of every latitude
    # between south and north.
    bands = range(math.floor(south * PLACE_BANDS_PER_DEGREE), math.floor(north * PLACE_BANDS_PER_DEGREE) + 1)
    return Q(
        place_band__in=list(bands),
        place_longitude__range=(point.longitude - dlon, point.longitude + dlon),
    )


def within(occurrences, point: Point, radius_km: float):
    """Sessions at most `radius_km` from `point`, and every remote one (see the module docstring).

    Only the sessions whose resolved position is in the square around the circle, and those without one
    (remote, or to be placed when read) can qualify: that test of the session's own indexed columns comes
    first; the flat-earth distance decides."""
    remote = Q(atelier__format=enums.Format.REMOTE)
    candidates = _box(point, radius_km) | Q(place_latitude__isnull=True)
    occurrences = occurrences.alias(place_band=place_band())
    km_per_degree = math.radians(EARTH_RADIUS_KM)
    north = (F("session_latitude") - Value(point.latitude)) * Value(km_per_degree)
    east = (F("session_longitude") - Value(point.longitude)) * Value(
        km_per_degree * math.cos(math.radians(point.latitude))
    )
    return (
        with_place(occurrences.filter(candidates))
        .alias(flat_km2=ExpressionWrapper(north * north + east * east, output_field=FloatField()))
        .filter(Q(flat_km2__lte=radius_km * radius_km) | remote)
    )


def distance_label(distance_km) -> str:
    """« à 4 km », « à moins d'1 km »: what a person reads; whole kilometres, as the crow flies."""
    if distance_km is None:
        return ""
    if distance_km < 1:
        return _("à moins d'1 km")
    return _("à %(km)s km") % {"km": round(distance_km)}
