"""The coverage dashboard of a cycle (`/pro/programmes/<slug>/couverture/`) and its CSV export.

For everyone who reviews the cycle. The figures are the whole cycle's, even for a bassin coordinator: they
say where the programme stands on the territory and name no one. The CSV export holds the contributions
themselves (their needs, their scores), so it only has those the person reviews.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from .. import permissions
from ..coverage import compute_coverage, write_csv
from ..models import CyclePage
from ..permissions import participant_required
from .review import forbidden


@participant_required
def coverage(request, slug):
    cycle = get_object_or_404(CyclePage, slug=slug)
    if not permissions.can_review_cycle(request.user, cycle):
        return forbidden(request, cycle)
    figures = compute_coverage(cycle)
    return render(
        request,
        "programmes/pro/coverage.html",
        {
            "cycle": cycle,
            "coverage": figures,
            "map_markers": figures.map_markers(),
            "whole_cycle": permissions.reviewed_bassin_ids(request.user, cycle) is None,
        },
    )


@participant_required
def coverage_csv(request, slug):
    cycle = get_object_or_404(CyclePage, slug=slug)
    if not permissions.can_review_cycle(request.user, cycle):
        return forbidden(request, cycle)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{cycle.slug}-contributions.csv"'
    write_csv(cycle, response, permissions.reviewable_contributions(request.user, cycle))
    return response
