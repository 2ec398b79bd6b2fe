"""The map's data at any zoom (/structures/carte.json): clusters at low zoom, places at high zoom.

The directory's filters apply (same query string). The answer is bounded whatever is asked: at most
`MARKER_LIMIT` places, else at most `CLUSTER_LIMIT` grid cells computed in the database (GROUP BY on the
floored coordinates: a count and a mean position per cell), so 20,000 places never reach the browser at
once. A cell is about `CELL_PIXELS` wide on screen at the zoom asked. Bad parameters answer 400.
"""

import math

from django import forms
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..models import StructurePage
from .directory import filtered_directory

MARKER_LIMIT = 300
CLUSTER_LIMIT = 400
CELL_PIXELS = 60
MAX_ZOOM = 18
# From this zoom on (a street), places are sent one by one, up to MARKER_LIMIT.
MARKERS_FROM_ZOOM = 15


class MapViewForm(forms.Form):
    """The visible area (`bbox=west,south,east,north` in degrees) and Leaflet's zoom level."""

    bbox = forms.CharField(required=False, max_length=120)
    zoom = forms.IntegerField(required=False, min_value=0, max_value=MAX_ZOOM)

    def clean_bbox(self):
        text = self.cleaned_data["bbox"]
        if not text:
            return (-180.0, -90.0, 180.0, 90.0)
        try:
            west, south, east, north = (float(part) for part in text.split(","))
        except ValueError:
            raise forms.ValidationError(
                _("bbox attend quatre nombres : ouest,sud,est,nord."), code="bbox_format"
            ) from None
        west, east = max(west, -180.0), min(east, 180.0)
        south, north = max(south, -90.0), min(north, 90.0)
        if (
            not all(math.isfinite(value) for value in (west, south, east, north))
            or west >= east
            or south >= north
        ):
            raise forms.ValidationError(_("bbox ne décrit pas une zone de la carte."), code="bbox_area")
        return (west, south, east, north)

    def clean_zoom(self):
        zoom = self.cleaned_data["zoom"]
        return 6 if zoom is None else zoom


def cell_size(zoom: int, latitude: float) -> tuple[float, float]:
    """(degrees of latitude, degrees of longitude) of a cell about CELL_PIXELS wide at `zoom` (Web
    Mercator: 256 pixels for 360° at zoom 0; a degree of latitude is longer on screen away from the
    equator, hence the cosine)."""
    cell_lon = 360 * CELL_PIXELS / (256 * 2**zoom)
    return cell_lon * max(math.cos(math.radians(latitude)), 0.1), cell_lon


@require_GET
@cache_control(public=True, max_age=300)
def map_data(request):
    view = MapViewForm(request.GET)
    if not view.is_valid():
        errors = {field: [str(error) for error in messages] for field, messages in view.errors.items()}
        return JsonResponse({"erreurs": errors}, status=400)
    west, south, east, north = view.cleaned_data["bbox"]
    zoom = view.cleaned_data["zoom"]
    _form, _bassins, structures = filtered_directory(request)
    if isinstance(structures, list):
        structures = StructurePage.objects.filter(pk__in=structures)
    visible = structures.on_public_map().in_bbox(west=west, south=south, east=east, north=north)
    count = visible.count()
    data = {"zoom": zoom, "count": count, "clusters": [], "markers": []}
    if count <= MARKER_LIMIT or zoom >= MARKERS_FROM_ZOOM:
        data["markers"] = visible.map_markers(limit=MARKER_LIMIT)
    else:
        cell_lat, cell_lon = cell_size(zoom, (south + north) / 2)
        data["clusters"] = visible.grid_clusters(cell_lat=cell_lat, cell_lon=cell_lon, limit=CLUSTER_LIMIT)
    data["truncated"] = len(data["markers"]) < count and not data["clusters"]
    return JsonResponse(data)
