"""The public directory of structures (/structures/): filters, full-text search, list and map.

The whole filtered set is loaded once: the map shows every result (not only the current page), "ouvert
maintenant" is read from the cached parsed hours, and the list is paginated in memory. The number of SQL
queries therefore does not depend on the number of structures (see the tests).
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ..forms import DirectoryFilterForm
from ..models import BassinPage, StructurePage
from ..text import fold_accents

PAGE_SIZE = 20


def listing_sort_key(structure) -> tuple[int, str]:
    """Places that receive the public first, then networks and partners, then closed places
    (`StructurePage.listing_group`); in each, alphabetical order as a French reader expects it: "Écrivain"
    among the E, case ignored."""
    return structure.listing_group, fold_accents(structure.title)


def rank_by_search(structures, terms: str) -> list:
    """Keep the structures that match `terms`, most relevant first (Wagtail search, one query).

    The terms are folded: the index holds an accent-free copy of titles and communes (see network.text).
    """
    results = StructurePage.objects.live().search(fold_accents(terms), operator="and")
    rank = {result.pk: position for position, result in enumerate(results)}
    return sorted((structure for structure in structures if structure.pk in rank), key=lambda s: rank[s.pk])


def directory(request):
    bassins = list(BassinPage.objects.live().public().order_by("title"))
    listed = StructurePage.objects.for_listing()
    form = DirectoryFilterForm(request.GET, bassins=bassins, communes=listed.commune_names())
    form.is_valid()  # Invalid values are dropped by the form; what remains is applied.

    structures = list(form.filter_structures(listed))
    if form.search_terms:
        # Most relevant first within each group: a partner never comes before a place to go.
        structures = sorted(
            rank_by_search(structures, form.search_terms), key=lambda structure: structure.listing_group
        )
    else:
        structures.sort(key=listing_sort_key)
    if form.wants_open_now:
        now = timezone.now()
        structures = [structure for structure in structures if structure.is_open_at(now)]

    page_obj = Paginator(structures, PAGE_SIZE).get_page(request.GET.get("page"))
    bassins_by_id = {bassin.pk: bassin for bassin in bassins}
    rows = [(structure, bassins_by_id.get(structure.bassin_id)) for structure in page_obj]
    return render(
        request,
        "network/directory.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": rows,
            "result_count": len(structures),
            "map_markers": StructurePage.map_markers(structures),
            "elided_page_range": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1),
        },
    )
