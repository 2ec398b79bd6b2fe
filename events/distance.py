"""How far a session is from a person (« près de Issoudun », « autour de moi »), computed in the database.

Why in SQL: the agenda pages and counts sessions in the database (one count, one page, whatever the number of
sessions); a radius applied in Python would need every session of the year in memory. The distance is the
great-circle one of `network.communes.distance_km`, written with Django's math functions (SQLite and
PostgreSQL alike), so the figure shown (« à 4 km ») is the one the filter used.

Where a session takes place, best known first:
1. its own coordinates (the session's new place, the atelier's address);
2. for a session held in another commune than its structure's, with the structure's coordinates only (the
   atelier gave a commune but no coordinates), the stop of an itinerant structure in that commune, else the
   commune itself (the GeoNames table);
3. a session with no coordinates at all: the stop, else its commune;
4. the structure's coordinates.
A remote session (« à distance ») has no place: it is near everyone and passes any radius.
"""

from django.db.models import Case, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import ASin, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext as _

from network.communes import EARTH_RADIUS_KM, Point
from network.models import Commune, ItinerantStop

from . import enums

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


def _coordinate(field: str):
    """The session's `field` ("latitude" or "longitude") by the order of the module docstring."""
    borrowed_elsewhere = Q(
        latitude=F("atelier__structure__latitude"), longitude=F("atelier__structure__longitude")
    ) & ~Q(commune=F("atelier__structure__commune"))
    own = Case(When(borrowed_elsewhere, then=Value(None)), default=F(field), output_field=FloatField())
    return Coalesce(own, _stop(field), _commune(field), F(field), output_field=FloatField())


def with_distance(occurrences, point: Point):
    """`occurrences` annotated with `session_latitude`, `session_longitude` and `distance_km` (None when
    the session cannot be placed) from `point`."""
    lat1, lon1 = Value(point.latitude), Value(point.longitude)
    occurrences = occurrences.annotate(
        session_latitude=_coordinate("latitude"), session_longitude=_coordinate("longitude")
    )
    lat2, lon2 = Radians(F("session_latitude")), Radians(F("session_longitude"))
    half_dlat = (lat2 - Radians(lat1)) / Value(2.0)
    half_dlon = (lon2 - Radians(lon1)) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Cos(Radians(lat1)) * Cos(lat2) * Power(Sin(half_dlon), 2)
    distance = Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(a, Value(1.0))))
    return occurrences.annotate(distance_km=distance)


def within(occurrences, point: Point, radius_km: float):
    """Sessions at most `radius_km` from `point`, and every remote one (see the module docstring)."""
    return with_distance(occurrences, point).filter(
        Q(distance_km__lte=radius_km) | Q(atelier__format=enums.Format.REMOTE)
    )


def distance_label(distance_km) -> str:
    """« à 4 km », « à moins d'1 km »: what a person reads; whole kilometres, as the crow flies."""
    if distance_km is None:
        return ""
    if distance_km < 1:
        return _("à moins d'1 km")
    return _("à %(km)s km") % {"km": round(distance_km)}
