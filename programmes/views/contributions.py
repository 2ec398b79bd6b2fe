"""The structure side of a cycle, and each contribution's own page (its content, thread and next steps)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from pro.access import member_required

from .. import rights
from ..domain import allowed_steps
from ..models import Contribution


@member_required
def contribution_detail(request, pk):
    """A contribution with its history and thread; 404 for anyone who may not see it (no existence leak)."""
    contribution = get_object_or_404(
        Contribution.objects.select_related("cycle", "structure", "created_by", "atelier"), pk=pk
    )
    if not rights.can_view(request.user, contribution):
        raise Http404
    events = contribution.events.select_related("author").order_by("created_at", "pk")
    return render(
        request,
        "programmes/pro/contribution_detail.html",
        {
            "contribution": contribution,
            "cycle": contribution.cycle,
            "events": list(events),
            "steps": allowed_steps(request.user, contribution),
            "can_edit": rights.can_edit(request.user, contribution)
            and contribution.can_be_changed_by_structure(),
            "co_organisers": list(contribution.co_organisers.order_by("title")),
        },
    )
