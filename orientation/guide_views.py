"""The guided path « Trouver de l'aide » : three questions, one per screen, then the places that fit.

Each screen is a plain GET form whose action is the next screen: the whole path works without JavaScript.
The same views serve the kiosk (`orientation.kiosk_views`), given a `GuideFlow` for its bassin.
"""

from dataclasses import replace

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from outbox.links import absolute_url

from .enums import Constraint, Who
from .guide import MATTERS, NEED, QUESTIONS, RESULT, WHERE, GuideFlow, carried_params, result_share_path
from .models import Need
from .qrcodes import qr_code_svg
from .search import HelpQuery, find_help

PUBLIC = GuideFlow()
# A result screen shows a few places, not a directory: the person must be able to choose, and print.
PLACE_LIMIT = 5
SESSION_LIMIT = 5


def _context(flow: GuideFlow, step: str, query: HelpQuery, **extra) -> dict:
    context = {
        "flow": flow,
        "layout": flow.layout,
        "kiosk": flow.kiosk,
        "bassin": flow.bassin,
        "query": query,
        "step": step,
        "step_count": len(QUESTIONS),
        "hidden": carried_params(query, step),
        "start_url": flow.url(NEED),
        "idle_seconds": settings.MAILLAGE_KIOSK_IDLE_SECONDS,
    }
    if step in QUESTIONS:
        index = QUESTIONS.index(step)
        context["step_number"] = index + 1
        context["next_url"] = flow.url(QUESTIONS[index + 1] if index + 1 < len(QUESTIONS) else RESULT)
        if index:
            context["back_url"] = flow.url(QUESTIONS[index - 1], query)
    return context | extra


def need_step(request, flow: GuideFlow):
    query = HelpQuery.from_params(request.GET)
    context = _context(flow, NEED, query, needs=Need.objects.for_guide())
    return render(request, "orientation/guide/need.html", context)


def where_step(request, flow: GuideFlow, *, not_found: str = ""):
    query = HelpQuery.from_params(request.GET)
    context = _context(flow, WHERE, query, not_found=not_found)
    return render(request, "orientation/guide/where.html", context)


def matters_step(request, flow: GuideFlow):
    query = HelpQuery.from_params(request.GET)
    if query.near is None and query.near_text:
        # A commune we do not know: ask again on the same screen, with what was typed kept.
        return where_step(request, flow, not_found=query.near_text)
    context = _context(
        flow,
        MATTERS,
        query,
        constraints=[(choice, choice.value in query.constraints) for choice in Constraint],
        publics=[(choice, choice.value in query.publics) for choice in Who],
    )
    return render(request, "orientation/guide/matters.html", context)


def result_step(request, flow: GuideFlow):
    query = HelpQuery.from_params(request.GET)
    results = find_help(flow.restrict(query), place_limit=PLACE_LIMIT, session_limit=SESSION_LIMIT)
    share_url = absolute_url(result_share_path(query))
    context = _context(
        flow,
        RESULT,
        query,
        results=results,
        now=timezone.now(),
        share_url=share_url,
        qr_code=qr_code_svg(share_url, title=_("Code QR du lien vers ce résultat")),
        change_urls={step: flow.url(step, query) for step in QUESTIONS},
        chosen=[choice.label for choice in (*Constraint, *Who) if choice.value in _chosen(query)],
        back_url=flow.url(MATTERS, query),
        wider_url=flow.url(RESULT, replace(query, near=None, near_text="")) if results.near else "",
        agenda_url=reverse("events:agenda"),
    )
    return render(request, "orientation/guide/result.html", context)


def _chosen(query: HelpQuery) -> set[str]:
    return set(query.constraints) | set(query.publics)


@require_GET
def guide(request):
    return need_step(request, PUBLIC)


@require_GET
def guide_where(request):
    return where_step(request, PUBLIC)


@require_GET
def guide_matters(request):
    return matters_step(request, PUBLIC)


@require_GET
def guide_result(request):
    return result_step(request, PUBLIC)
