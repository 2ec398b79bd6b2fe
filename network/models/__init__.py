"""Bassins, structures and the people who run them."""

from .bassin import BassinPage
from .commune import Commune
from .membership import (
    Coordination,
    Invitation,
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
)
from .opening import OpeningInterval
from .profile import MemberProfile, ProfileVisibility, member_name
from .review import StructureApprovalTask
from .structure import StructurePage, StructurePageQuerySet
from .structure_children import ItinerantStop, StructurePhoto

__all__ = [
    "BassinPage",
    "Commune",
    "Coordination",
    "Invitation",
    "ItinerantStop",
    "MemberProfile",
    "Membership",
    "MembershipRequest",
    "MembershipRequestStatus",
    "OpeningInterval",
    "ProfileVisibility",
    "StructureApprovalTask",
    "StructurePage",
    "StructurePageQuerySet",
    "StructurePhoto",
    "member_name",
]
