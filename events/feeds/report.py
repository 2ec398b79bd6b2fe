"""What one sync (or preview) of a feed found: counts, French warnings and the first events.

Shared by the sync workflows (`events.feeds.sync`), the reconciliation (`events.feeds.reconcile`), the admin
preview and the commands, which all print or show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: list = field(default_factory=list)  # {"code", "message", "uid"}
    preview: list = field(
        default_factory=list
    )  # {"title", "start", "end", "recurring", "status", "location"}
    not_modified: bool = False  # 304, or the same content as last time: nothing parsed
    event_count: int = 0

    def counts(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "cancelled": self.cancelled,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "events": self.event_count,
        }

    def warn(self, code: str, message: str, uid: str = "") -> None:
        item = {"code": code, "message": message, "uid": uid}
        if item not in self.warnings:
            self.warnings.append(item)
