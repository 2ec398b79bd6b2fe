"""Tests of the feed sync: ateliers created, updated and cancelled from a structure's iCal calendar.

Calendars are served by a real HTTP server on 127.0.0.1 (the fetcher, its validators and its errors run for
real); `import_calendar` is called directly where the network adds nothing.
"""

import hashlib
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from calendars.fetch import FetchError, HTTPStatusError
from calendars.models import Feed, FeedStatus
from calendars.reconcile import PAST_GONE
from calendars.sync import content_hash, import_calendar, preview_feed, sync_feed
from events import enums
from events.models import Atelier, Occurrence, SessionOverride
from events.recurrence import localize
from tests.factories import StructureFactory

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


@pytest.fixture
def server(http_server):
    return Served(http_server)


@pytest.fixture
def structure(db):
    return StructureFactory(title="Médiathèque de Vierzon", commune="Vierzon")


@pytest.fixture
def feed(structure, server):
    return Feed.objects.create(
        structure=structure,
        url=server.url,
        active=True,
        default_themes=[NUMERIQUE],
        default_publics=["Seniors"],
        default_visibility=enums.Visibility.PROFESSIONALS,
        default_place_name="Salle des fêtes",
    )


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


# ---- create, update, cancel ---------------------------------------------------------------------------


def test_sync_feed_creates_ateliers_with_feed_defaults(feed, server):
    server.body = calendar(
        vevent("a@x", "Atelier tablette", extra="DESCRIPTION:Apprendre\\, pas à pas.\nCATEGORIES:Atelier"),
        vevent(
            "b@x", "Café numérique", extra="LOCATION:Mairie, 1 place du Marché, 18100 Vierzon\nGEO:47.2;2.1"
        ),
    )

    report = sync_feed(feed=feed)

    assert counts(report) == (2, 0, 0, 0, 0)
    tablette = Atelier.objects.get(feed=feed, remote_uid="a@x")
    assert (tablette.title, tablette.summary, tablette.description) == (
        "Atelier tablette",
        "Apprendre, pas à pas.",
        "<p>Apprendre, pas à pas.</p>",
    )
    assert (tablette.start_date, tablette.start_time, tablette.end_time) == (DAY, time(14), time(16))
    assert (tablette.source, tablette.visibility, tablette.publics) == (
        enums.Source.FEED,
        enums.Visibility.PROFESSIONALS,
        ["Seniors"],
    )
    assert tablette.themes[0] == NUMERIQUE
    assert tablette.place_name == "Salle des fêtes"
    cafe = Atelier.objects.get(feed=feed, remote_uid="b@x")
    assert (cafe.place_name, cafe.address, cafe.postal_code, cafe.commune) == (
        "Mairie",
        "1 place du Marché, 18100 Vierzon",
        "18100",
        "Vierzon",
    )
    assert (cafe.latitude, cafe.longitude) == (47.2, 2.1)
    assert Occurrence.objects.filter(atelier=cafe).count() == 1
    feed.refresh_from_db()
    assert (feed.status, feed.consecutive_failures, feed.last_error) == (FeedStatus.OK, 0, "")
    assert feed.last_counts == {
        "created": 2,
        "updated": 0,
        "cancelled": 0,
        "unchanged": 0,
        "skipped": 0,
        "events": 2,
    }
    assert feed.next_run_at == feed.last_fetch_at + feed.interval


def test_sync_feed_twice_with_same_data_leaves_database_identical(feed, server):
    server.body = calendar(
        vevent("a@x", "Atelier tablette", extra="RRULE:FREQ=WEEKLY;COUNT=5"),
        vevent(
            "a@x",
            "Atelier tablette (salle 2)",
            DAY + timedelta(days=7),
            extra=f"RECURRENCE-ID;TZID=Europe/Paris:{stamp(DAY + timedelta(days=7))}",
        ),
        vevent("b@x", "Café numérique"),
    )
    sync_feed(feed=feed)
    before = snapshot(feed)
    server.body = server.body.replace(b"DTSTAMP:20260101T000000Z", b"DTSTAMP:20260202T101010Z")
    feed.content_hash = ""  # force the parse path: every block is known by its hash

    report = sync_feed(feed=feed)

    assert counts(report) == (0, 0, 0, 2, 0)
    assert snapshot(feed) == before


def test_sync_feed_updates_calendar_fields_and_keeps_maillage_fields(feed, server):
    server.body = calendar(vevent("a@x", "Atelier tablette"))
    sync_feed(feed=feed)
    atelier = Atelier.objects.get(feed=feed)
    atelier.themes, atelier.capacity, atelier.registration_details = [], 8, "02 48 00 00 00"
    atelier.save()
    server.body = calendar(vevent("a@x", "Atelier tablette et smartphone", hour=10, extra="SEQUENCE:1"))

    report = sync_feed(feed=feed)

    atelier.refresh_from_db()
    assert counts(report) == (0, 1, 0, 0, 0)
    assert (atelier.title, atelier.start_time, atelier.end_time) == (
        "Atelier tablette et smartphone",
        time(10),
        time(12),
    )
    assert (atelier.themes, atelier.capacity, atelier.registration_details) == ([], 8, "02 48 00 00 00")
    assert list(Occurrence.objects.filter(atelier=atelier).values_list("start", flat=True)) == [
        localize(datetime.combine(DAY, time(10)))
    ]


def test_import_text_change_keeps_the_sessions_rows(structure):
    weekly = "RRULE:FREQ=WEEKLY;COUNT=4"
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier", extra=weekly)))
    sessions = list(Occurrence.objects.order_by("start").values_list("pk", "start"))
    changed = f"{weekly}\nSEQUENCE:1\nDESCRIPTION:Apportez votre tablette."

    report = import_calendar(
        structure=structure, data=calendar(vevent("a@x", "Atelier tablette", extra=changed))
    )

    atelier = Atelier.objects.get(structure=structure)
    assert counts(report) == (0, 1, 0, 0, 0)
    assert (atelier.title, atelier.summary, atelier.sequence) == (
        "Atelier tablette",
        "Apportez votre tablette.",
        1,
    )
    assert list(Occurrence.objects.order_by("start").values_list("pk", "start")) == sessions


def test_import_place_change_rebuilds_the_sessions(structure):
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier")))

    changed = "SEQUENCE:1\nLOCATION:Médiathèque\\, 2 rue des Écoles\\, 18100 Vierzon"
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier", extra=changed)))

    assert list(Occurrence.objects.values_list("place_name", "commune")) == [("Médiathèque", "Vierzon")]


def test_import_older_sequence_never_overwrites_newer(structure):
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Version 3", extra="SEQUENCE:3")))

    report = import_calendar(
        structure=structure, data=calendar(vevent("a@x", "Version 2", extra="SEQUENCE:2"))
    )

    assert counts(report) == (0, 0, 0, 0, 1)
    assert Atelier.objects.get(structure=structure).title == "Version 3"


def test_import_status_cancelled_cancels_the_atelier(structure):
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier")))

    report = import_calendar(
        structure=structure, data=calendar(vevent("a@x", "Atelier", extra="STATUS:CANCELLED\nSEQUENCE:1"))
    )

    assert counts(report) == (0, 1, 0, 0, 0)
    assert Atelier.objects.get(structure=structure).status == enums.Status.CANCELLED


def test_import_vanished_future_event_is_cancelled_and_past_one_untouched(structure):
    import_calendar(
        structure=structure,
        data=calendar(
            vevent("futur@x", "À venir"), vevent("passe@x", "Passé", PAST), vevent("reste@x", "Reste")
        ),
    )

    report = import_calendar(structure=structure, data=calendar(vevent("reste@x", "Reste")))

    statuses = dict(Atelier.objects.filter(structure=structure).values_list("remote_uid", "status"))
    assert counts(report) == (0, 0, 1, 1, 0)
    assert statuses == {
        "futur@x": enums.Status.CANCELLED,
        "passe@x": enums.Status.SCHEDULED,
        "reste@x": enums.Status.SCHEDULED,
    }


def test_import_vanished_past_event_is_not_loaded_again_and_comes_back_when_back(structure):
    past, kept = vevent("passe@x", "Passé", PAST), vevent("reste@x", "Reste")
    import_calendar(structure=structure, data=calendar(past, kept))
    import_calendar(structure=structure, data=calendar(kept))
    passe = Atelier.objects.get(remote_uid="passe@x")
    sequence, updated = passe.sequence, passe.updated_at

    with CaptureQueriesContext(connection) as queries:
        import_calendar(structure=structure, data=calendar(vevent("reste@x", "Reste (salle 2)")))
    back = import_calendar(structure=structure, data=calendar(past, vevent("reste@x", "Reste (salle 2)")))

    reste = Atelier.objects.get(remote_uid="reste@x")
    loads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"events_atelier"."id" IN' in q["sql"]
    ]
    assert [sql.rpartition(" IN ")[2] for sql in loads] == [f"({reste.pk})"]  # the changed atelier only
    passe.refresh_from_db()
    assert (passe.status, passe.sequence, passe.updated_at) == (enums.Status.SCHEDULED, sequence, updated)
    assert counts(back) == (0, 0, 0, 2, 0)
    passe.refresh_from_db()
    assert passe.block_hash not in ("", PAST_GONE)


def test_import_vanished_event_that_comes_back_is_restored(structure):
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier"), vevent("b@x", "Autre")))
    import_calendar(structure=structure, data=calendar(vevent("b@x", "Autre")))

    report = import_calendar(
        structure=structure, data=calendar(vevent("a@x", "Atelier"), vevent("b@x", "Autre"))
    )

    assert counts(report) == (0, 1, 0, 1, 0)
    assert Atelier.objects.get(remote_uid="a@x").status == enums.Status.SCHEDULED


# ---- overrides --------------------------------------------------------------------------------------


def series(*overrides: str) -> bytes:
    return calendar(vevent("serie@x", "Permanence", extra="RRULE:FREQ=WEEKLY;COUNT=4"), *overrides)


def override(week: int, *, day_shift=0, hour=14, extra="") -> str:
    original = DAY + timedelta(days=7 * week)
    return vevent(
        "serie@x",
        "Permanence",
        original + timedelta(days=day_shift),
        hour,
        extra=f"RECURRENCE-ID;TZID=Europe/Paris:{stamp(original)}\n{extra}",
    )


def test_import_overrides_move_and_cancel_sessions(structure):
    report = import_calendar(
        structure=structure,
        data=series(override(1, day_shift=1, hour=9), override(2, extra="STATUS:CANCELLED")),
    )

    atelier = Atelier.objects.get(structure=structure)
    moved, cancelled = SessionOverride.objects.filter(atelier=atelier).order_by("original_start")
    assert counts(report) == (1, 0, 0, 0, 0)
    assert (moved.from_feed, moved.new_start, moved.new_end, moved.status) == (
        True,
        localize(datetime.combine(DAY + timedelta(days=8), time(9))),
        localize(datetime.combine(DAY + timedelta(days=8), time(11))),
        enums.Status.SCHEDULED,
    )
    assert (cancelled.new_start, cancelled.status) == (None, enums.Status.CANCELLED)
    occurrences = Occurrence.objects.filter(atelier=atelier).order_by("recurrence_id")
    assert [o.status for o in occurrences] == [
        enums.Status.SCHEDULED,
        enums.Status.SCHEDULED,
        enums.Status.CANCELLED,
        enums.Status.SCHEDULED,
    ]
    assert occurrences[1].start == localize(datetime.combine(DAY + timedelta(days=8), time(9)))


def test_import_vanished_override_returns_session_to_series(structure):
    import_calendar(
        structure=structure, data=series(override(1, hour=9), override(2, extra="STATUS:CANCELLED"))
    )

    report = import_calendar(structure=structure, data=series(override(2, extra="STATUS:CANCELLED")))

    atelier = Atelier.objects.get(structure=structure)
    assert counts(report) == (0, 1, 0, 0, 0)
    assert list(SessionOverride.objects.filter(atelier=atelier).values_list("status", flat=True)) == [
        enums.Status.CANCELLED
    ]
    assert Occurrence.objects.get(
        atelier=atelier, recurrence_id=localize(datetime.combine(DAY + timedelta(days=7), time(14)))
    ).start == localize(datetime.combine(DAY + timedelta(days=7), time(14)))


def test_import_detached_atelier_is_never_touched(structure):
    import_calendar(structure=structure, data=series())
    atelier = Atelier.objects.get(structure=structure)
    Atelier.objects.filter(pk=atelier.pk).update(detached=True, title="Permanence (modifiée ici)")

    report = import_calendar(
        structure=structure,
        data=calendar(vevent("serie@x", "Nouveau", extra="SEQUENCE:4"), override(1, hour=9)),
    )
    empty = import_calendar(structure=structure, data=calendar(vevent("autre@x", "Autre")))

    atelier.refresh_from_db()
    assert (counts(report), empty.cancelled) == ((0, 0, 0, 0, 1), 0)
    assert (atelier.title, atelier.status) == ("Permanence (modifiée ici)", enums.Status.SCHEDULED)
    assert SessionOverride.objects.filter(atelier=atelier).count() == 0


# ---- Office 365 UID churn, events without UID ---------------------------------------------------------


def test_import_uid_churn_matches_on_start_and_title(structure):
    titles = ["Atelier tablette", "Café numérique", "Démarches en ligne", "Initiation"]
    import_calendar(
        structure=structure,
        data=calendar(*[vevent(f"v1-{i}", t, DAY + timedelta(days=i)) for i, t in enumerate(titles)]),
    )
    ids = sorted(Atelier.objects.values_list("pk", flat=True))

    report = import_calendar(
        structure=structure,
        data=calendar(*[vevent(f"v2-{i}", t, DAY + timedelta(days=i)) for i, t in enumerate(titles)]),
    )

    feed = Feed.objects.get(structure=structure)
    assert counts(report) == (0, 0, 0, 4, 0)
    assert sorted(Atelier.objects.values_list("pk", flat=True)) == ids
    assert sorted(Atelier.objects.values_list("remote_uid", flat=True)) == ["v2-0", "v2-1", "v2-2", "v2-3"]
    assert feed.uid_strategy == "start_title"
    assert [w["code"] for w in report.warnings] == ["uid_churn"]
    assert report.warnings[0]["message"].startswith("Votre agenda Outlook change l'identifiant")


def test_import_uid_churn_stores_the_new_uid_even_when_the_event_is_older(structure):
    titles = ["Atelier tablette", "Café numérique", "Démarches en ligne"]
    events = [(f"{i}", t, DAY + timedelta(days=i)) for i, t in enumerate(titles)]
    import_calendar(
        structure=structure,
        data=calendar(*[vevent(f"v1-{i}", t, d, extra="SEQUENCE:3") for i, t, d in events]),
    )

    report = import_calendar(
        structure=structure,
        data=calendar(*[vevent(f"v2-{i}", t, d, extra="SEQUENCE:1") for i, t, d in events]),
    )

    assert counts(report) == (0, 0, 0, 0, 3)
    assert sorted(Atelier.objects.values_list("remote_uid", flat=True)) == ["v2-0", "v2-1", "v2-2"]


def test_import_events_without_uid_are_matched_on_start_and_title(structure):
    data = calendar(vevent("", "Sans identifiant"))
    import_calendar(structure=structure, data=data)

    report = import_calendar(structure=structure, data=data.replace(b"20260101T000000Z", b"20260303T000000Z"))

    assert (counts(report), Atelier.objects.filter(structure=structure).count()) == ((0, 0, 0, 1, 0), 1)


def test_import_google_all_day_event_is_an_all_day_atelier(structure):
    block = "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"DTSTART;VALUE=DATE:{DAY:%Y%m%d}",
            f"DTEND;VALUE=DATE:{DAY + timedelta(days=1):%Y%m%d}",
            "DTSTAMP:20260101T000000Z",
            "UID:forum@google.com",
            "SUMMARY:Forum du numérique",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    )

    import_calendar(structure=structure, data=calendar(block))

    atelier = Atelier.objects.get(remote_uid="forum@google.com")
    # DTEND of an all-day event is the next day, exclusive (RFC 5545), kept as the calendar gives it.
    assert (atelier.all_day, atelier.start_date, atelier.end_date) == (True, DAY, DAY + timedelta(days=1))
    assert (atelier.start_time, atelier.end_time, atelier.duration) == (time(0), time(0), timedelta(days=1))
    assert Occurrence.objects.filter(atelier=atelier).count() == 1


# ---- cost ---------------------------------------------------------------------------------------------


def resync_queries(structure, size: int, *, hour: int = 14) -> int:
    """Queries of a re-import of a `size`-event calendar (a series among them) where one event changed: its
    title, and its time unless `hour` is left at 14."""
    events = [vevent(f"e{i}@x", f"Atelier {i}", DAY + timedelta(days=i)) for i in range(size - 1)]
    events.append(vevent("series@x", "Café numérique", extra="RRULE:FREQ=WEEKLY;COUNT=5"))
    import_calendar(structure=structure, data=calendar(*events))
    events[0] = vevent("e0@x", "Atelier 0 (salle 2)", DAY, hour=hour)
    with CaptureQueriesContext(connection) as queries:
        report = import_calendar(structure=structure, data=calendar(*events))
    assert counts(report) == (0, 1, 0, size - 1, 0)
    return len(queries)


def test_resync_after_one_change_costs_the_same_queries_whatever_the_calendar_size(db):
    small = resync_queries(StructureFactory(), 5)
    big = resync_queries(StructureFactory(), 60)

    # The manual-import feed, the index, the overrides, the changed row, its UPDATE.
    assert small == big == 5


def test_resync_after_a_time_change_also_rewrites_the_sessions(db):
    small = resync_queries(StructureFactory(), 5, hour=10)
    big = resync_queries(StructureFactory(), 60, hour=10)

    assert small == big == 5 + 3  # and the sessions: DELETE, INSERT, the ateliers' last session day


# ---- failures, dry run, conditional requests ----------------------------------------------------------


def test_sync_feed_404_keeps_ateliers_and_records_french_error(feed, server):
    server.body = calendar(vevent("a@x", "Atelier"))
    sync_feed(feed=feed)
    before = snapshot(feed)
    server.status = 404

    with pytest.raises(HTTPStatusError) as raised:
        sync_feed(feed=feed)

    feed.refresh_from_db()
    assert snapshot(feed) == before
    assert (feed.status, feed.consecutive_failures, raised.value.retryable) == (FeedStatus.FAILING, 1, False)
    assert feed.last_error == raised.value.message
    assert "page introuvable" in feed.last_error


def test_failing_since_is_the_first_failure_and_clears_on_success(feed, server, time_machine):
    server.body = calendar(vevent("a@x", "Atelier"))
    sync_feed(feed=feed)
    server.status = 404
    time_machine.move_to(datetime(2027, 1, 4, 9, 0, tzinfo=UTC), tick=False)
    with pytest.raises(HTTPStatusError):
        sync_feed(feed=feed)
    time_machine.move_to(datetime(2027, 1, 4, 10, 0, tzinfo=UTC), tick=False)
    with pytest.raises(HTTPStatusError):
        sync_feed(feed=feed)
    feed.refresh_from_db()
    failing = (feed.failing_since, feed.consecutive_failures)

    server.status = 200
    sync_feed(feed=feed)
    feed.refresh_from_db()

    assert failing == (datetime(2027, 1, 4, 9, 0, tzinfo=UTC), 2)
    assert (feed.failing_since, feed.consecutive_failures, feed.status) == (None, 0, FeedStatus.OK)


def test_sync_feed_not_a_calendar_keeps_ateliers_and_raises_fetch_error(feed, server):
    server.body = calendar(vevent("a@x", "Atelier"))
    sync_feed(feed=feed)
    before = snapshot(feed)
    server.body = b"<!DOCTYPE html><html><body>Connexion</body></html>"

    with pytest.raises(FetchError) as raised:
        sync_feed(feed=feed)

    feed.refresh_from_db()
    assert snapshot(feed) == before
    assert (feed.status, feed.consecutive_failures, raised.value.retryable) == (FeedStatus.FAILING, 1, False)
    assert feed.last_error.startswith("Ce fichier n'est pas un calendrier iCal")


def test_preview_feed_reports_events_and_writes_nothing(feed, server):
    server.body = calendar(
        vevent("a@x", "Atelier tablette", extra="RRULE:FREQ=WEEKLY;COUNT=3"), vevent("b@x", "Passé", PAST)
    )

    report = preview_feed(feed=feed)

    feed.refresh_from_db()
    assert (counts(report), Atelier.objects.count(), Feed.objects.count()) == ((1 + 1, 0, 0, 0, 0), 0, 1)
    assert [(p["title"], p["recurring"]) for p in report.preview] == [
        ("Atelier tablette", True),
        ("Passé", False),
    ]
    assert report.preview[0]["start"] == localize(datetime.combine(DAY, time(14)))
    assert (feed.status, feed.last_fetch_at, feed.content_hash) == (FeedStatus.PENDING, None, "")


def test_sync_feed_304_counts_an_unchanged_fetch(feed, server):
    server.body, server.etag = calendar(vevent("a@x", "Atelier")), '"v1"'
    sync_feed(feed=feed)

    report = sync_feed(feed=feed)

    feed.refresh_from_db()
    assert (report.not_modified, feed.unchanged_fetches, feed.etag, server.requests) == (True, 1, '"v1"', 2)


@pytest.mark.parametrize(
    ("body", "without"),
    [
        (b"BEGIN:VEVENT\r\nDTSTAMP:20260301T101010Z\r\nUID:a\r\n", b"BEGIN:VEVENT\r\nUID:a\r\n"),
        (b"BEGIN:VEVENT\nDTSTAMP:20260301T101010Z\nUID:a\n", b"BEGIN:VEVENT\nUID:a\n"),
        (
            b"BEGIN:VEVENT\r\ndtstamp;VALUE=DATE-TIME:2026\r\n 0301T101010Z\r\nUID:a\r\n",
            b"BEGIN:VEVENT\r\nUID:a\r\n",
        ),
        (b"BEGIN:VEVENT\r\nDTSTAMP:1\r\nDTSTAMP:2\r\nUID:a\r\n", b"BEGIN:VEVENT\r\nUID:a\r\n"),
        (b"BEGIN:VEVENT\r\nDTSTAMPS:1\r\nUID:a\r\n", b"BEGIN:VEVENT\r\nDTSTAMPS:1\r\nUID:a\r\n"),
    ],
)
def test_content_hash_is_the_hash_of_the_calendar_without_its_dtstamp_lines(body, without):
    assert content_hash(body) == hashlib.sha256(without).hexdigest()


def test_sync_feed_same_content_hash_skips_parsing(feed, server):
    server.body = calendar(vevent("a@x", "Atelier"))
    sync_feed(feed=feed)
    server.body = server.body.replace(b"20260101T000000Z", b"20261231T235959Z")

    report = sync_feed(feed=feed)

    feed.refresh_from_db()
    assert (report.not_modified, feed.unchanged_fetches, feed.status) == (True, 1, FeedStatus.OK)


def test_sync_follows_a_calendar_that_moved_for_good(structure, server):
    """301 from the old address: the feed keeps the new one, and the structure is told."""
    server.body = calendar(vevent("a@x", "Tablette"))
    server.redirect("/ancien.ics", 301, "/agenda.ics")
    feed = Feed.objects.create(structure=structure, url=server.url.replace("/agenda.ics", "/ancien.ics"))

    report = sync_feed(feed=feed)

    feed.refresh_from_db()
    assert feed.url == server.url
    assert [item["code"] for item in report.warnings] == ["moved"]
    assert Atelier.objects.filter(feed=feed).count() == 1


def test_sync_keeps_the_address_after_a_temporary_redirection(structure, server):
    server.body = calendar(vevent("a@x", "Tablette"))
    server.redirect("/ancien.ics", 302, "/agenda.ics")
    old = server.url.replace("/agenda.ics", "/ancien.ics")
    feed = Feed.objects.create(structure=structure, url=old)

    report = sync_feed(feed=feed)

    feed.refresh_from_db()
    assert (feed.url, report.warnings) == (old, [])


def test_import_moved_session_with_its_own_summary_keeps_its_title_on_site_and_in_our_ics(structure, client):
    original = DAY + timedelta(days=7)
    own = vevent(
        "serie@x",
        "Permanence : spécial photos",
        original,
        16,
        extra=f"RECURRENCE-ID;TZID=Europe/Paris:{stamp(original)}",
    )

    import_calendar(structure=structure, data=series(own))

    atelier = Atelier.objects.get(structure=structure)
    change = SessionOverride.objects.get(atelier=atelier)
    titles = [o.display_title for o in Occurrence.objects.filter(atelier=atelier).order_by("recurrence_id")]
    exported = Calendar.from_ical(client.get(f"/structures/{structure.slug}/agenda.ics").content)
    summaries = {str(event["SUMMARY"]) for event in exported.walk("VEVENT")}
    assert change.title == "Permanence : spécial photos"
    assert titles == ["Permanence", "Permanence : spécial photos", "Permanence", "Permanence"]
    assert summaries == {"Permanence", "Permanence : spécial photos"}


def test_import_moved_session_repeating_the_series_title_follows_the_series(structure):
    import_calendar(structure=structure, data=series(override(1, hour=9)))

    assert SessionOverride.objects.get().title == ""
