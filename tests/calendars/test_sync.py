"""Tests of the feed sync workflows (`calendars.sync`): fetch, validators, failures, preview, redirects.

Calendars are served by a real HTTP server on 127.0.0.1 (the fetcher, its validators and its errors run for
real).
"""

import gc
import hashlib
from datetime import UTC, datetime, time, timedelta

import pytest

from calendars import reconcile
from calendars.fetch import FetchError, HTTPStatusError
from calendars.models import Feed, FeedStatus
from calendars.signals import ateliers_imported
from calendars.sync import PausedCollector, content_hash, import_calendar, preview_feed, sync_feed
from events import enums
from events.models import Atelier, Occurrence
from events.recurrence import localize
from tests.calendars.ics import DAY, NUMERIQUE, PAST, calendar, counts, snapshot, stamp, vevent

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


# ---- the garbage collector during an import -------------------------------------------------------------


def test_import_runs_with_the_automatic_collector_paused_and_gives_it_back(structure, monkeypatch):
    seen = []
    parse = reconcile.parse_calendar

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return parse(*args, **kwargs)

    monkeypatch.setattr(reconcile, "parse_calendar", watched)

    report = import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier")))

    assert (report.created, seen, gc.isenabled()) == (1, [False], True)


def test_overlapping_pauses_give_the_collector_back_when_the_last_one_ends():
    pause = PausedCollector()

    with pause:
        with pause:  # another thread's import, say
            inner = gc.isenabled()
        between = gc.isenabled()
    after = gc.isenabled()

    assert (inner, between, after) == (False, False, True)


def test_a_pause_leaves_a_collector_someone_else_turned_off_as_it_was():
    pause = PausedCollector()
    gc.disable()
    try:
        with pause:
            pass
        after = gc.isenabled()
    finally:
        gc.enable()

    assert after is False


def test_an_import_that_changes_ateliers_announces_it_once_committed(
    structure, django_capture_on_commit_callbacks
):
    """Bulk writes send no model signal: `ateliers_imported` tells the caches built from ateliers."""
    heard = []

    def listener(sender, *, feed, report, **kwargs):
        heard.append((sender, feed.structure_id, report.created, report.updated))

    ateliers_imported.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_calendar(structure=structure, data=calendar(vevent("a@x", "Tablette")))
        with django_capture_on_commit_callbacks(execute=True):
            import_calendar(structure=structure, data=calendar(vevent("a@x", "Tablette")))  # unchanged
        with django_capture_on_commit_callbacks(execute=True):
            import_calendar(structure=structure, data=calendar(vevent("a@x", "Smartphone")), dry_run=True)
    finally:
        ateliers_imported.disconnect(listener)

    assert heard == [(Feed, structure.pk, 1, 0)]
