"""Bassins, structures and the people who run them."""

from .bassin import BassinPage
from .membership import Coordination, Invitation, Membership
from .structure import ItinerantStop, StructurePage, StructurePageQuerySet, StructurePhoto

__all__ = [
    "BassinPage",
    "Coordination",
    "Invitation",
    "ItinerantStop",
    "Membership",
    "StructurePage",
    "StructurePageQuerySet",
    "StructurePhoto",
]
