"""Calendars as the sync tests write them, and a loopback server that answers like a calendar host.

Shared by the tests of `calendars.sync` (fetch, validators, failures) and `calendars.reconcile` (what one
import writes); their fixtures are in `tests/calendars/conftest.py`.
"""

from datetime import timedelta

from django.utils import timezone

from events import enums
from events.models import Atelier, Occurrence, SessionOverride

NUMERIQUE = enums.Theme.OUTILS_QUOTIDIEN.value
DAY = timezone.localdate() + timedelta(days=30)
PAST = timezone.localdate() - timedelta(days=30)


def stamp(day, hour=14, minute=0) -> str:
    return f"{day:%Y%m%d}T{hour:02d}{minute:02d}00"


def vevent(uid, title, day=DAY, hour=14, *, extra="", length=2, dtstamp="20260101T000000Z"):
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}" if uid else "",
        f"DTSTAMP:{dtstamp}",
        f"DTSTART;TZID=Europe/Paris:{stamp(day, hour)}",
        f"DTEND;TZID=Europe/Paris:{stamp(day, hour + length)}",
        f"SUMMARY:{title}",
        *[line for line in extra.split("\n") if line],
        "END:VEVENT",
    ]
    return "\r\n".join(line for line in lines if line)


def calendar(*events: str) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Maillage//FR\r\nX-WR-TIMEZONE:Europe/Paris\r\n"
    return (head + "\r\n".join(events) + "\r\nEND:VCALENDAR\r\n").encode()


class Served:
    """What the loopback server answers: a body, a status, an ETag (304 when the client sends it back)."""

    def __init__(self, http_server):
        self.http_server, self.url = http_server, http_server.url("/agenda.ics")
        self.body, self.status, self.etag, self.requests = b"", 200, "", 0
        http_server.routes["/agenda.ics"] = self.answer

    def redirect(self, path: str, status: int, location: str) -> None:
        def answer(handler):
            self.requests += 1
            handler.reply(status, headers={"Location": location})

        self.http_server.routes[path] = answer

    def answer(self, handler) -> None:
        self.requests += 1
        if self.etag and handler.headers.get("If-None-Match") == self.etag:
            handler.reply(304, headers={"Content-Length": None})
        else:
            headers = {"Content-Type": "text/calendar; charset=utf-8", "ETag": self.etag or None}
            handler.reply(self.status, self.body, headers)


def snapshot(feed) -> list[tuple]:
    ateliers = Atelier.objects.filter(feed=feed).order_by("remote_uid")
    rows = [
        (a.remote_uid, a.title, a.status, a.start_date, a.start_time, a.rrule, a.sequence, a.updated_at)
        for a in ateliers
    ]
    overrides = SessionOverride.objects.filter(atelier__feed=feed).order_by("original_start")
    rows += [(o.original_start, o.status, o.new_start, o.sequence, o.updated_at) for o in overrides]
    rows += [(o.atelier_id, o.start, o.status) for o in Occurrence.objects.filter(atelier__feed=feed)]
    return rows


def counts(report) -> tuple:
    return report.created, report.updated, report.cancelled, report.unchanged, report.skipped
