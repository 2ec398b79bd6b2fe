"""Template tags of the professional area, for pages of other apps (« Mon compte »)."""

from django import template

from network.models import Membership, MembershipRequest
from network.permissions import is_network_member

register = template.Library()


@register.simple_tag
def pro_account_summary(user) -> dict:
    """The person's memberships, their pending requests and whether the professional area is open to them
    (three small queries; nothing for anonymous visitors)."""
    if not user.is_authenticated:
        return {"memberships": [], "pending_requests": [], "is_member": False}
    memberships = list(
        Membership.objects.filter(user=user).select_related("structure").order_by("structure__title")
    )
    pending = list(MembershipRequest.objects.pending().filter(user=user).select_related("structure"))
    return {
        "memberships": memberships,
        "pending_requests": pending,
        "is_member": bool(memberships) or is_network_member(user),
    }
