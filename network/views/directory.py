"""The public directory of structures (/structures/): filters, full-text search, list and map.

Filters, order and pagination run in the database: only the page's rows become `StructurePage` instances,
and the number of SQL queries does not depend on the number of structures (see the tests). « Ouvert
maintenant » is one of those filters (an indexed EXISTS on `OpeningInterval`, see
`StructurePageQuerySet.open_at`). The full-text search is one of those filters on PostgreSQL: the
structures' own GIN-indexed search column (`StructurePageQuerySet.matching`), every match counted and ranked
in the database. On SQLite, which has no such column, it ranks with Wagtail's search backend, whose
`SEARCH_LIMIT` best results are the candidates, which the filters then narrow (a broader search shows the
most relevant `SEARCH_LIMIT`).

The map embeds its markers when the result set is small (`network.map.EMBED_LIMIT`); beyond, it reads
`/structures/carte.json` with the same filters (clusters computed in the database, see `map_data`).
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from wagtail.models import Site

from ..forms import DirectoryFilterForm
from ..map import map_context
from ..models import BassinPage, StructurePage
from ..text import fold_accents

PAGE_SIZE = 20
# The most relevant search results considered: a search matches a few places, rarely thousands.
SEARCH_LIMIT = 1000
# Above this many communes (a national directory) only those of the chosen bassins become checkboxes.
COMMUNE_CHOICES_LIMIT = 300


def listing_sort_key(structure) -> tuple[int, str]:
    """Places that receive the public first, then networks and partners, then closed places
    (`StructurePage.listing_group`); in each, alphabetical order as a French reader expects it: "Écrivain"
    among the E, case ignored. The database orders on the same key (`StructurePage.sort_title`)."""
    return structure.listing_group, fold_accents(structure.title)


def search_ranks(terms: str) -> dict[int, int]:
    """{structure id: rank} of the `SEARCH_LIMIT` structures most relevant to `terms` (Wagtail search,
    where the database has no search column of ours: SQLite).

    The terms are folded: the index holds an accent-free copy of titles and communes (see network.text).
    The search runs on a `values_list` QuerySet: the backend returns ids in its order, and no page is built
    for them (a `StructurePage`, clusterable, costs ~0.5 ms to instantiate: 1,000 of them were most of a
    search's time). Only the page shown becomes instances (`page_rows`).
    """
    candidates = StructurePage.objects.live().values_list("pk", flat=True)
    results = candidates.search(fold_accents(terms), operator="and")
    return {pk: position for position, pk in enumerate(results[:SEARCH_LIMIT])}


def commune_choices(listed, bassin_slugs, requested) -> list[str]:
    """The communes offered as checkboxes: every commune of the directory while they are few; at national
    scale, those of the chosen bassins, plus any commune already chosen (so the address keeps working)."""
    names = listed.commune_names(limit=COMMUNE_CHOICES_LIMIT + 1)
    if len(names) <= COMMUNE_CHOICES_LIMIT:
        return names
    chosen = listed.filter(commune__in=requested) if requested else listed.none()
    if bassin_slugs:
        chosen = chosen | listed.filter(bassin__slug__in=bassin_slugs)
    return chosen.commune_names(limit=COMMUNE_CHOICES_LIMIT) if (requested or bassin_slugs) else []


def filtered_directory(request):
    """(form, bassins, structures): the directory's filters read from `request.GET`, and the filtered
    structures either as an ordered QuerySet or, with a search on SQLite, as an ordered list of ids (see
    the module docstring)."""
    bassins = list(BassinPage.objects.live().public().order_by("title"))
    listed = StructurePage.objects.for_listing().as_cards()
    communes = commune_choices(listed, request.GET.getlist("bassin"), request.GET.getlist("commune"))
    form = DirectoryFilterForm(request.GET, bassins=bassins, communes=communes)
    form.is_valid()  # Invalid values are dropped by the form; what remains is applied.

    structures = form.filter_structures(listed, now=timezone.now())
    if not form.search_terms:
        return form, bassins, structures
    if structures.has_search_vector():
        return form, bassins, structures.matching(form.search_terms)
    ranks = search_ranks(form.search_terms)
    structures = structures.filter(pk__in=list(ranks))
    # Most relevant first within each group: a partner never comes before a place to go.
    rows = structures.annotate(group=StructurePage.objects.listing_group_expression())
    rows = sorted(rows.values_list("pk", "group"), key=lambda row: (row[1], ranks[row[0]]))
    return form, bassins, [pk for pk, _group in rows]


def page_rows(structures, page_obj) -> list:
    """The page's structures as instances: the QuerySet's slice, or the page's ids loaded in one query."""
    if not isinstance(structures, list):
        return list(page_obj)
    by_id = StructurePage.objects.in_bulk(list(page_obj))
    return [by_id[pk] for pk in page_obj if pk in by_id]


def directory(request):
    # The links to the places (cards, markers) are built with the request, which keeps Wagtail's site roots
    # for all of them (one cache read, not one per place); its site is read once here, whatever is found.
    Site.find_for_request(request)
    form, bassins, structures = filtered_directory(request)
    page_obj = Paginator(structures, PAGE_SIZE).get_page(request.GET.get("page"))
    bassins_by_id = {bassin.pk: bassin for bassin in bassins}
    page_obj.object_list = page_rows(structures, page_obj)
    rows = [(structure, bassins_by_id.get(structure.bassin_id)) for structure in page_obj]
    result_count = page_obj.paginator.count
    order = structures if isinstance(structures, list) else None
    on_map = StructurePage.objects.filter(pk__in=order) if order is not None else structures
    return render(
        request,
        "network/directory.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": rows,
            "result_count": result_count,
            **map_context(on_map, count=result_count, query=request.GET, order=order),
            "elided_page_range": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1),
        },
    )
