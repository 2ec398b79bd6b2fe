"""Who a member sees in the professional directory, as one query whatever the number of people.

What must stay true:
- a person appears only through a membership (a structure); accounts without one never do;
- `HIDDEN` never appears; `BASSIN` (and people without a profile, who count as `BASSIN`) appears to members
  of the same bassins; `NETWORK` appears to every member when they ask for the whole network;
- the structures shown under a person are all their memberships (a person seen is seen whole).
"""

from django.contrib.auth import get_user_model
from django.db.models import CharField, Prefetch, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from network.models import Membership, ProfileVisibility, StructurePage

SEARCHED_FIELDS = (
    "first_name",
    "last_name",
    "member_profile__display_name",
    "member_profile__job_title",
    "member_profile__topics",
    "member_profile__languages",
    "member_profile__can_help_with",
)


def visible_people(bassins, *, network_wide: bool = False, search: str = ""):
    """People of `bassins` (the viewer's) whose profile lets them be seen there, plus, with `network_wide`,
    everyone who chose to be seen by the whole network. Memberships (with their structure) and profiles
    come with them: rendering a page costs no further query."""
    known_to_bassin = Q(member_profile__isnull=True) | Q(
        member_profile__visibility__in=[ProfileVisibility.NETWORK, ProfileVisibility.BASSIN]
    )
    if bassins:
        local_members = Membership.objects.in_structures(StructurePage.objects.in_bassins(bassins))
        condition = Q(pk__in=local_members.values("user")) & known_to_bassin
    else:
        condition = Q(pk__in=[])
    if network_wide:
        condition |= Q(
            pk__in=Membership.objects.values("user"), member_profile__visibility=ProfileVisibility.NETWORK
        )
    people = get_user_model().objects.filter(is_active=True).filter(condition)
    for word in search.split():
        matches = Q()
        for name in SEARCHED_FIELDS:
            matches |= Q(**{f"{name}__icontains": word})
        people = people.filter(matches)
    memberships = Membership.objects.select_related("structure").order_by("structure__title")
    return (
        people.select_related("member_profile")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .annotate(
            sort_name=Lower(
                Coalesce(
                    NullIf("last_name", Value("")),
                    NullIf("member_profile__display_name", Value("")),
                    "email",
                    output_field=CharField(),
                )
            )
        )
        .order_by("sort_name", "first_name", "pk")
    )
