"""Who may do what in a cycle. The one place where programmes' rights are decided.

- The programmes' professional pages open to the network's members and to the cycles' coordinators: a
  regional coordinator (a cycle's `CycleCoordinator`) may belong to no structure and coordinate no bassin,
  and the professional area's own gate (`pro.permissions.member_required`) would turn them away from the very
  cycle they run (`participant_required`: login first, the "join a structure" page for others, never cached).
- A structure's editors (and its bassin's coordinators, and superusers: `can_manage_structure`) propose,
  edit, submit and withdraw the structure's contributions.
- The cycle's coordinators (and superusers) review every contribution of the cycle; a bassin's coordinators
  review only the contributions hosted in their bassin. Nobody reviews a draft.
- Editors of a co-organising structure see the contribution and its thread, and may comment.
"""

from network.models import StructurePage
from network.permissions import (
    can_manage_structure,
    coordinated_bassin_ids,
    is_network_member,
    manageable_structures,
)
from pro.permissions import gate

from .models import Contribution, CycleCoordinator, CyclePage


def is_cycle_coordinator(user, cycle: CyclePage) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or cycle.coordinator_links.filter(user=user).exists()


def reviewed_bassin_ids(user, cycle: CyclePage) -> list[int] | None:
    """Ids of the bassins whose contributions the user reviews; None means every bassin of the cycle."""
    if is_cycle_coordinator(user, cycle):
        return None
    if not user.is_authenticated or not user.is_active:
        return []
    territory = {bassin.pk for bassin in cycle.territory()}
    return [pk for pk in coordinated_bassin_ids(user) if pk in territory]


def can_review_cycle(user, cycle: CyclePage) -> bool:
    bassin_ids = reviewed_bassin_ids(user, cycle)
    return bassin_ids is None or bool(bassin_ids)


def reviewable_contributions(user, cycle: CyclePage):
    """The contributions of `cycle` the user reviews (drafts excluded)."""
    contributions = Contribution.objects.of_cycle(cycle).visible_to_reviewers()
    bassin_ids = reviewed_bassin_ids(user, cycle)
    if bassin_ids is None:
        return contributions
    return contributions.filter(structure__bassin__in=bassin_ids)


def can_review(user, contribution: Contribution) -> bool:
    if contribution.is_draft:
        return False
    bassin_ids = reviewed_bassin_ids(user, contribution.cycle)
    if bassin_ids is None:
        return True
    return contribution.structure.bassin_id in bassin_ids


def can_edit(user, contribution: Contribution) -> bool:
    """The host structure's managers edit, submit and withdraw the contribution."""
    return user.is_authenticated and user.is_active and can_manage_structure(user, contribution.structure)


def can_view(user, contribution: Contribution) -> bool:
    if can_edit(user, contribution) or can_review(user, contribution):
        return True
    if not user.is_authenticated:
        return False
    managed = manageable_structures(user).values("pk")
    return contribution.co_organisers.filter(pk__in=managed).exists()


def contributing_structures(user, cycle: CyclePage):
    """Structures of the cycle's territory on whose behalf the user may propose a contribution."""
    if not user.is_authenticated or not user.is_active:
        return StructurePage.objects.none()
    territory = cycle.territory()
    return (
        manageable_structures(user)
        .filter(pk__in=StructurePage.objects.live().in_bassins(territory).values("pk"))
        .order_by("title")
    )


def visible_contributions(user, cycle: CyclePage):
    """What the user's "Mes contributions" lists: those of structures they manage, hosted or co-organised."""
    ids = list(manageable_structures(user).values_list("pk", flat=True)) if user.is_authenticated else []
    return Contribution.objects.of_cycle(cycle).of_structures(ids)


def is_participant(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return is_network_member(user) or CycleCoordinator.objects.filter(user=user).exists()


participant_required = gate(is_participant)
