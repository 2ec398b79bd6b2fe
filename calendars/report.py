"""What one sync (or preview) of a feed found: counts, French warnings and the first events.

Shared by the sync workflows (`calendars.sync`), the reconciliation (`calendars.reconcile`), the admin
preview and the commands, which all print or show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from .sync_fields import preview_of


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: list = field(default_factory=list)  # {"code", "message", "uid"}
    pinned: int = field(default=0, repr=False)  # how many warnings at the head of `warnings` are pinned
    not_modified: bool = False  # 304, or the same content as last time: nothing parsed
    event_count: int = 0
    # The read events and the time they are judged at: `preview` sorts them only if somebody looks (the
    # admin's preview, `import_ical`), not on every scheduled sync.
    events: list = field(default_factory=list, repr=False)
    now: datetime | None = field(default=None, repr=False)

    @cached_property
    def preview(self) -> list[dict]:
        """The first events people will see: {"title", "start", "end", "recurring", "status", "location"}."""
        return preview_of(self.events, self.now) if self.events else []

    def counts(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "cancelled": self.cancelled,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "events": self.event_count,
        }

    def warn(self, code: str, message: str, uid: str = "", *, pinned: bool = False) -> None:
        """Add a warning once; `pinned` ones (about the whole calendar) go before the per-event ones, so that
        the feed keeps them when it keeps only the first warnings."""
        item = {"code": code, "message": message, "uid": uid}
        if item in self.warnings:
            return
        if pinned:
            self.pinned += 1
            self.warnings.insert(self.pinned - 1, item)
        else:
            self.warnings.append(item)
