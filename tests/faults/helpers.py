"""What the fault-injection tests share: a calendar served on 127.0.0.1, and reading back what a worker wrote.

A worker writes to PostgreSQL's test database itself, or for SQLite to the file copy it was started on
(`worker.sqlite_copy`, tests/fixtures/celery_worker.py): the helpers below read either (the ORM for the
first, the copy's own tables for the second).
"""

import sqlite3
import threading
from datetime import timedelta

from django.utils import timezone

from calendars.models import Feed
from events.models import Atelier

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Maillage//FR\r\n"
    "BEGIN:VEVENT\r\nUID:{uid}@calendrier.test\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;TZID=Europe/Paris:{day}T140000\r\nDTEND;TZID=Europe/Paris:{day}T160000\r\n"
    "SUMMARY:{title}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def calendar(uid: str, title: str) -> bytes:
    day = (timezone.localdate() + timedelta(days=20)).strftime("%Y%m%d")
    return CALENDAR.format(uid=uid, title=title, day=day).encode()


def ateliers(worker, feed_ids) -> list[tuple[int, str]]:
    """(feed id, title) of every atelier of these feeds, in the database the worker wrote to."""
    feed_ids = list(feed_ids)
    if worker.sqlite_copy is not None:
        marks = ", ".join("?" * len(feed_ids))
        with sqlite3.connect(worker.sqlite_copy) as database:
            found = database.execute(
                f"SELECT feed_id, title FROM events_atelier WHERE feed_id IN ({marks})", feed_ids
            ).fetchall()
    else:
        found = Atelier.objects.filter(feed_id__in=feed_ids).values_list("feed_id", "title")
    return sorted(tuple(row) for row in found)


def feed_state(worker, feed_id: int) -> tuple[str, int, bool]:
    """(status, consecutive failures, whether it is locked in the database) of a feed the worker synced."""
    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            status, failures, locked_until = database.execute(
                "SELECT status, consecutive_failures, locked_until FROM calendars_feed WHERE id = ?",
                [feed_id],
            ).fetchone()
    else:
        status, failures, locked_until = Feed.objects.values_list(
            "status", "consecutive_failures", "locked_until"
        ).get(pk=feed_id)
    return status, failures, locked_until is not None


class HangingOnce:
    """A calendar route whose first request hangs (until `release` or 60 s), the next ones answer at once."""

    def __init__(self, body: bytes):
        self.body = body
        self.first_request = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, handler) -> None:
        self.calls += 1
        if self.calls == 1:
            self.first_request.set()
            self.release.wait(60)
            return  # the worker that asked is gone
        handler.reply(200, self.body, {"Content-Type": "text/calendar"})
