"""The kiosk `/borne/<bassin>/`: the guided path on a town-hall tablet, for the places of one bassin.

Same screens as `/aide/` (`orientation.guide_views`) in a frame of its own: full screen, very large touch
targets, no link off the path (no site menu, no login, no admin, no outside site), back to the start after
`MAILLAGE_KIOSK_IDLE_SECONDS` without a touch, so the next person never sees the previous one's answers.
"""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from network.models import BassinPage

from . import guide_views as steps
from .guide import GuideFlow


def _flow(slug: str) -> GuideFlow:
    return GuideFlow(bassin=get_object_or_404(BassinPage.objects.live().public(), slug=slug))


@require_GET
def kiosk(request, bassin):
    return steps.need_step(request, _flow(bassin))


@require_GET
def kiosk_where(request, bassin):
    return steps.where_step(request, _flow(bassin))


@require_GET
def kiosk_matters(request, bassin):
    return steps.matters_step(request, _flow(bassin))


@require_GET
def kiosk_result(request, bassin):
    return steps.result_step(request, _flow(bassin))
