"""The map of places at any scale: markers embedded in the page while they are few, read by zoom and area
from `/structures/carte.json` beyond (clusters computed in the database, see `network.views.map_data`).

A territory's few hundred places keep the page self-contained (the map works as soon as the page is there);
a national directory of 20,000 places would weigh megabytes and freeze a phone, so the page only carries the
address of the map data, with its filters.
"""

from urllib.parse import urlencode

from django.urls import reverse

# The most markers a page embeds; beyond, the map reads them by area and zoom.
EMBED_LIMIT = 500
# Filters of the directory that the map data applies too (the page number is not one).
NOT_FILTERS = {"page"}


def map_data_url(query=None) -> str:
    """The address of the map data with the directory filters of `query` (a QueryDict or a dict)."""
    pairs = []
    if query:
        items = query.lists() if hasattr(query, "lists") else ((key, [value]) for key, value in query.items())
        pairs = [(key, value) for key, values in items if key not in NOT_FILTERS for value in values]
    url = reverse("network:map_data")
    return f"{url}?{urlencode(pairs)}" if pairs else url


def map_context(structures, *, count: int, query=None, order=None, request=None) -> dict:
    """`map_markers` and `map_data_url` for a page's map of `structures` (a StructurePage QuerySet, or a
    list the page loaded already, of `count` structures): the markers themselves when there are at most
    `EMBED_LIMIT`, else the data URL.

    `order`, a list of ids, sorts the markers like the page's list (a search ranks them); `request`, the
    page's, lets the markers' URLs share its site roots (`StructurePage.map_marker`)."""
    if count > EMBED_LIMIT:
        return {"map_markers": [], "map_data_url": map_data_url(query)}
    if isinstance(structures, list):  # Already loaded by the page: no query.
        markers = [structure.map_marker(request) for structure in structures if structure.on_public_map]
    else:
        markers = structures.map_markers(request=request)
    if order is not None:
        rank = {pk: position for position, pk in enumerate(order)}
        markers.sort(key=lambda marker: rank[marker["id"]])
    return {"map_markers": markers, "map_data_url": ""}
