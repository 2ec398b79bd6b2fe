"""Ateliers, their per-session changes, and the materialised occurrences that pages and exports read."""

from .atelier import Atelier, AtelierQuerySet
from .occurrence import Occurrence, OccurrenceQuerySet
from .override import SessionOverride
from .series_export import SeriesExport

__all__ = [
    "Atelier",
    "AtelierQuerySet",
    "Occurrence",
    "OccurrenceQuerySet",
    "SeriesExport",
    "SessionOverride",
]
