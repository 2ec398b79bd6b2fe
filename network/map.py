"""The map of places at any scale: markers embedded in the page while they are few, read by zoom and area
from `/structures/carte.json` beyond (clusters computed in the database, see `network.views.map_data`).

A territory's few hundred places keep the page self-contained (the map works as soon as the page is there);
a national directory of 20,000 places would weigh megabytes and freeze a phone, so the page only carries the
address of the map data, with its filters.
"""

from urllib.parse import urlencode

from django.urls import reverse
from wagtail.models import Site

# The most markers a page embeds; beyond, the map reads them by area and zoom.
EMBED_LIMIT = 500
# Filters of the directory that the map data applies too (the page number is not one).
NOT_FILTERS = {"page"}
# What a marker is made of: `StructurePageQuerySet.map_markers` reads these columns only.
MARKER_COLUMNS = ("pk", "title", "commune", "latitude", "longitude", "url_path")


def page_url_finder():
    """A function from a page's `url_path` to the address `Page.url` gives (relative on a single site, with
    the site's root URL when there are several), without the page itself.

    Why: a marker needs a structure's address, and building a `StructurePage` for each of hundreds of
    markers (then its `url`) cost more than the query that reads them. The sites' root paths are read once
    (Wagtail's own cached list, most specific first, as `Page.get_url_parts` reads it)."""
    roots = Site.get_site_root_paths()
    several_sites = len({root.site_id for root in roots}) > 1

    def url(url_path: str) -> str | None:
        for root in roots:
            if url_path.startswith(root.root_path):
                path = reverse("wagtail_serve", args=(url_path[len(root.root_path) :],))
                return root.root_url + path if several_sites else path
        return None

    return url


def markers(rows) -> list[dict]:
    """The markers of a map from rows of `MARKER_COLUMNS` (dicts): the embedded map of a page and
    `/structures/carte.json` alike."""
    url = page_url_finder()
    return [
        {
            "id": row["pk"],
            "name": row["title"],
            "url": url(row["url_path"]),
            "commune": row["commune"],
            "lat": row["latitude"],
            "lon": row["longitude"],
        }
        for row in rows
    ]


def map_data_url(query=None) -> str:
    """The address of the map data with the directory filters of `query` (a QueryDict or a dict)."""
    pairs = []
    if query:
        items = query.lists() if hasattr(query, "lists") else ((key, [value]) for key, value in query.items())
        pairs = [(key, value) for key, values in items if key not in NOT_FILTERS for value in values]
    url = reverse("network:map_data")
    return f"{url}?{urlencode(pairs)}" if pairs else url


def page_markers(structures) -> list[dict]:
    """The markers of structures already loaded as pages (those a map shows), made like the others."""
    return markers(
        {column: getattr(structure, column) for column in MARKER_COLUMNS}
        for structure in structures
        if structure.on_public_map
    )


def map_context(structures, *, count: int, query=None, order=None) -> dict:
    """`map_markers` and `map_data_url` for a page's map of `structures` (a StructurePage QuerySet, or a
    list the page loaded already, of `count` structures): the markers themselves when there are at most
    `EMBED_LIMIT` (read as plain rows, like `/structures/carte.json`), else the data URL.

    `order`, a list of ids, sorts the markers like the page's list (a search ranks them)."""
    if count > EMBED_LIMIT:
        return {"map_markers": [], "map_data_url": map_data_url(query)}
    # A list was loaded by the page already: no query.
    shown = page_markers(structures) if isinstance(structures, list) else structures.map_markers()
    if order is not None:
        rank = {pk: position for position, pk in enumerate(order)}
        shown.sort(key=lambda marker: rank[marker["id"]])
    return {"map_markers": shown, "map_data_url": ""}
