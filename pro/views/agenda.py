"""The professionals' agenda (`/pro/agenda/`) and each member's private iCal feed.

The page lists the sessions of professionals-only ateliers and of the network's own events (échanges de
pratiques, formations, réunions de réseau) ahead, for the member's bassins or the whole region. The feed
(`/pro/agenda/<token>.ics`) holds every atelier of the member's bassins, public and professional: it is the
one subscription a professional needs. It is built by the public exports' own machinery (`ical_response`:
stored series, ETag, 304), then marked private so that no shared cache keeps it.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.models import Atelier, Occurrence
from events.views.agenda import group_by_day
from events.views.exports import exported_series, ical_response
from network.models import StructurePage
from network.permissions import is_network_member, member_bassins
from outbox.links import absolute_url

from ..forms import ScopeFilterForm
from ..models import CalendarToken
from ..permissions import member_required, my_bassins

SESSIONS_PER_PAGE = 30


def feed_address(request, token: CalendarToken) -> str:
    return absolute_url(reverse("pro:agenda_feed", kwargs={"token": token.token}))


@member_required
def agenda(request):
    form = ScopeFilterForm(request.GET, with_search=False)
    sessions = Occurrence.objects.for_members().pro_events().upcoming(timezone.now())
    if not form.network_wide:
        bassins = my_bassins(request)
        sessions = sessions.in_bassins(bassins) if bassins else sessions.none()
    page_obj = Paginator(sessions.for_listing(), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    token, _created = CalendarToken.objects.get_or_create(user=request.user)
    address = feed_address(request, token)
    return render(
        request,
        "pro/agenda.html",
        {
            "form": form,
            "page_obj": page_obj,
            "days": group_by_day(page_obj.object_list),
            "result_count": page_obj.paginator.count,
            "elided_page_range": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1),
            "feed_address": address,
            "webcal_address": "webcal://" + address.split("://", 1)[-1],
        },
    )


@member_required
@require_POST
def renew_feed_address(request):
    token, created = CalendarToken.objects.get_or_create(user=request.user)
    if not created:
        token.renew()
    messages.success(
        request,
        _(
            "Votre nouvelle adresse d'agenda est prête. L'ancienne ne fonctionne plus : abonnez vos "
            "agendas à la nouvelle."
        ),
    )
    return redirect(reverse("pro:agenda") + "#abonnement")


@require_GET
def agenda_feed(request, token):
    """The member's private feed. The token is the only credential; membership is checked now, not when
    the address was made, so a revoked token or a person who left every structure gets 404."""
    calendar = CalendarToken.objects.select_related("user").filter(token=token).first()
    if calendar is None or not is_network_member(calendar.user):
        raise Http404
    bassins = list(member_bassins(calendar.user).order_by("pk"))
    scope = Atelier.objects.for_members()
    scope = scope.filter(structure__in=StructurePage.objects.in_bassins(bassins)) if bassins else scope.none()
    response = ical_response(
        request,
        exported_series(request, scope),
        version_of=scope,
        scope="pro:" + ",".join(str(bassin.pk) for bassin in bassins),
        name=_("Agenda du réseau – Maillage"),
        filename="maillage-pro.ics",
    )
    # `ical_response` marks exports public; this one is someone's own: browsers may keep it, proxies may not.
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
