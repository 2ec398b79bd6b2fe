"""The professional area's home, its directory of people and its list of structures with internal details.

Each page loads the member's bassins once (`my_bassins`), then one query per list (joined or prefetched), so
the number of queries does not grow with the number of people or structures (see the tests).
"""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from network.models import Coordination, MemberProfile, Membership, MembershipRequest, StructurePage
from network.permissions import decidable_requests, manageable_structures

from ..forms import ScopeFilterForm
from ..people import visible_people
from ..permissions import member_required, my_bassins

PEOPLE_PER_PAGE = 30


@member_required
def home(request):
    user = request.user
    memberships = list(
        Membership.objects.filter(user=user).select_related("structure").order_by("structure__title")
    )
    managed = set(manageable_structures(user).values_list("pk", flat=True)) if memberships else set()
    coordinated = set(Coordination.objects.filter(user=user).values_list("bassin_id", flat=True))
    context = {
        "memberships": [(membership, membership.structure_id in managed) for membership in memberships],
        "bassins": [(bassin, bassin.pk in coordinated) for bassin in my_bassins(request)],
        "decidable_count": decidable_requests(user).count(),
        "own_requests": list(
            MembershipRequest.objects.pending().filter(user=user).select_related("structure")
        ),
        "profile": MemberProfile.objects.filter(user=user).first(),
    }
    return render(request, "pro/home.html", context)


@member_required
def directory(request):
    form = ScopeFilterForm(request.GET)
    people = visible_people(my_bassins(request), network_wide=form.network_wide, search=form.search)
    page_obj = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pro/directory.html",
        {
            "form": form,
            "page_obj": page_obj,
            "result_count": page_obj.paginator.count,
            "elided_page_range": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1),
        },
    )


@member_required
def structures(request):
    """Structures of the member's bassins with what only members see: whom to call for a referral, what
    they can take in. Grouped by bassin, in name order."""
    bassins = my_bassins(request)
    form = ScopeFilterForm(request.GET)
    listed = StructurePage.objects.live().in_bassins(bassins) if bassins else StructurePage.objects.none()
    for word in form.search.split():
        listed = listed.filter(
            Q(title__icontains=word)
            | Q(commune__icontains=word)
            | Q(intake_capacity__icontains=word)
            | Q(referral_contact__icontains=word)
        )
    by_bassin: dict[int, list] = {}
    for structure in listed.order_by("title"):
        by_bassin.setdefault(structure.bassin_id, []).append(structure)
    groups = [(bassin, by_bassin[bassin.pk]) for bassin in bassins if bassin.pk in by_bassin]
    return render(
        request,
        "pro/structures.html",
        {"form": form, "groups": groups, "result_count": sum(len(items) for _b, items in groups)},
    )
