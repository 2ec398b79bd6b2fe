"""Ateliers, their per-session changes, and the materialised occurrences that pages and feeds read."""

from .atelier import Atelier, AtelierQuerySet
from .occurrence import Occurrence, OccurrenceQuerySet
from .override import SessionOverride

__all__ = ["Atelier", "AtelierQuerySet", "Occurrence", "OccurrenceQuerySet", "SessionOverride"]
