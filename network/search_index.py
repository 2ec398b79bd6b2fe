"""Deferring the search index of structures while a batch of them is written (an import).

Wagtail's search index is written after every save of an indexed page, one structure at a time; on
PostgreSQL each write also recomputes an average over the whole index, so an import of thousands of places
would pay a full scan per place. Inside `search_index_deferred()` a structure's save leaves the index alone
(`StructurePage.get_indexed_instance` answers None), and the workflow that opened it indexes the batch once,
with the backends' bulk `add_bulk` (what `manage.py update_index` uses). Like Wagtail's own
`disable_reference_index_auto_update`, the switch is per thread and per task: concurrent requests still
index their saves.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_deferred = ContextVar("maillage_structure_search_index_deferred", default=False)


@contextmanager
def search_index_deferred():
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def is_search_index_deferred() -> bool:
    return _deferred.get()
