"""What the calendars app announces, for apps above it to react to without calendars knowing them.

An import writes ateliers and sessions in bulk (`bulk_create`, `QuerySet.update()`), which send no model
signals: caches built from ateliers (the search index of `orientation`) would otherwise stay stale until
they expire.
"""

from django.dispatch import Signal

# Sent once the transaction of an import that created, changed or cancelled ateliers has committed (never
# for a preview, nor for an import that changed nothing). Keyword arguments: `feed`, `report` (`SyncReport`).
ateliers_imported = Signal()
