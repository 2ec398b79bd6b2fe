"""Admin previews read by the worker (`calendars.preview`, `preview_feed_task`, `domain.request_preview`):
what a reading stores, that it writes nothing else, and when a new reading is asked for."""

import json
import re
import sqlite3
from datetime import timedelta

import pytest
from django.utils import timezone

from calendars import domain, preview, tasks
from calendars.models import Feed, FeedPreview, FeedPreviewStatus, FeedStatus
from events.models import Atelier
from tests.calendars.ics import calendar, vevent
from tests.factories import StructureFactory, UserFactory
from tests.fixtures.http_server import ok, serve


@pytest.fixture
def editor(db):
    return UserFactory(email="ines@exemple.fr")


def reading(feed, user, **fields) -> FeedPreview:
    return FeedPreview.objects.create(feed=feed, requested_by=user, **{"url": feed.url, **fields})


def test_a_reading_stores_counts_events_and_warnings_and_writes_nothing_else(feed, server, editor):
    server.body = calendar(vevent("cafe@test", "Café numérique", extra="RRULE:FREQ=WEEKLY;COUNT=3"))
    asked = reading(feed, editor)

    outcome = tasks.preview_feed_task(preview_id=asked.pk)

    asked.refresh_from_db()
    assert outcome == FeedPreviewStatus.DONE
    assert (asked.status, asked.error) == (FeedPreviewStatus.DONE, "")
    assert {key: asked.result[key] for key in ("event_count", "created", "more_events")} == {
        "event_count": 1,
        "created": 1,
        "more_events": 0,
    }
    [event] = preview.stored_events(asked.result)
    assert (event["title"], event["recurring"], event["start"].hour) == ("Café numérique", True, 14)
    assert asked.finished_at is not None
    assert not Atelier.objects.exists()
    feed.refresh_from_db()
    assert (feed.status, feed.last_fetch_at) == (FeedStatus.PENDING, None)


def test_a_failed_reading_keeps_the_french_message(feed, server, editor):
    server.status = 404
    asked = reading(feed, editor)

    tasks.preview_feed_task(preview_id=asked.pk)

    asked.refresh_from_db()
    assert asked.status == FeedPreviewStatus.FAILED
    assert asked.error.startswith("Le serveur a répondu 404 (page introuvable)")
    assert asked.result == {}


def test_a_reading_delivered_twice_downloads_once(feed, server, editor):
    server.body = calendar(vevent("cafe@test", "Café numérique"))
    asked = reading(feed, editor)

    tasks.preview_feed_task(preview_id=asked.pk)
    tasks.preview_feed_task(preview_id=asked.pk)

    assert server.requests == 1
    assert tasks.preview_feed_task(preview_id=asked.pk + 1000) == "gone"


def test_a_reading_reads_the_address_it_was_asked_about(feed, server, editor, http_server):
    server.body = calendar(vevent("cafe@test", "Café numérique"))
    asked = reading(feed, editor)
    Feed.objects.filter(pk=feed.pk).update(url=http_server.url("/ailleurs.ics"))

    tasks.preview_feed_task(preview_id=asked.pk)

    asked.refresh_from_db()
    assert (asked.status, server.requests) == (FeedPreviewStatus.DONE, 1)


def test_asking_enqueues_one_reading_after_commit_and_reuses_it_while_under_way(
    feed, editor, enqueued_previews, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = domain.request_preview(feed=feed, user=editor)
        reloaded = domain.request_preview(feed=feed, user=editor)
        again = domain.request_preview(feed=feed, user=editor, again=True)

    assert first == reloaded == again
    assert (first.status, first.url, first.requested_by) == (FeedPreviewStatus.PENDING, feed.url, editor)
    assert enqueued_previews == [{"preview_id": first.pk}]


def test_a_finished_reading_is_shown_until_asked_again_then_replaced(feed, editor, enqueued_previews):
    done = reading(feed, editor, status=FeedPreviewStatus.DONE)

    shown = domain.request_preview(feed=feed, user=editor)
    renewed = domain.request_preview(feed=feed, user=editor, again=True)

    assert shown == done
    assert renewed != done and renewed.status == FeedPreviewStatus.PENDING


def test_readings_are_per_person_and_per_address(feed, editor, enqueued_previews):
    colleague = UserFactory()
    theirs = reading(feed, colleague, status=FeedPreviewStatus.DONE)
    old_address = reading(feed, editor, status=FeedPreviewStatus.DONE, url="https://ancien.example/a.ics")

    mine = domain.request_preview(feed=feed, user=editor)

    assert mine not in (theirs, old_address)
    assert mine.status == FeedPreviewStatus.PENDING


def test_a_lost_reading_is_replaced_and_old_ones_expire(feed, editor, enqueued_previews):
    now = timezone.now()
    lost = reading(feed, editor, created_at=now - FeedPreview.STALE_AFTER - timedelta(seconds=1))
    expired = reading(
        feed,
        UserFactory(),
        status=FeedPreviewStatus.DONE,
        created_at=now - FeedPreview.KEPT_FOR - timedelta(1),
    )

    fresh = domain.request_preview(feed=feed, user=editor)

    assert lost.is_stale() is True
    assert fresh != lost
    assert set(FeedPreview.objects.values_list("pk", flat=True)) == {lost.pk, fresh.pk}
    assert not FeedPreview.objects.filter(pk=expired.pk).exists()


# End to end: a real worker process reads the preview the page asked for.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_reads_a_preview(start_celery_worker):
    task = "calendars.tasks.preview_feed_task"
    with serve({"/agenda.ics": ok(calendar(vevent("cafe@test", "Café numérique")))}) as server:
        feed = Feed.objects.create(structure=StructureFactory(), url=server.url("/agenda.ics"))
        asked = reading(feed, UserFactory())
        worker = start_celery_worker(pool="prefork", concurrency=1)
        task_id = worker.send(task, preview_id=asked.pk)
        worker.wait_for(re.escape(f"Task {task}[{task_id}] succeeded") + r".*'fait'", timeout=30)
        worker.stop()

    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            status, result = database.execute(
                "SELECT status, result FROM calendars_feedpreview WHERE id = ?", [asked.pk]
            ).fetchone()
        result = json.loads(result)
    else:
        asked.refresh_from_db()
        status, result = asked.status, asked.result
    assert (status, result["event_count"], result["events"][0]["title"]) == (
        FeedPreviewStatus.DONE,
        1,
        "Café numérique",
    )
    assert [request["path"] for request in server.requests] == ["/agenda.ics"]


def test_a_reading_that_works_takes_a_new_calendar_out_of_to_fix(feed, server, editor):
    server.body = calendar(vevent("cafe@test", "Café numérique"))
    Feed.objects.filter(pk=feed.pk).update(status=FeedStatus.TO_FIX, active=False)

    tasks.preview_feed_task(preview_id=reading(feed, editor).pk)

    feed.refresh_from_db()
    assert feed.status == FeedStatus.PENDING


def test_a_failed_reading_or_one_of_an_old_address_leaves_the_calendar_to_fix(feed, server, editor):
    Feed.objects.filter(pk=feed.pk).update(status=FeedStatus.TO_FIX, active=False)
    server.status = 404
    tasks.preview_feed_task(preview_id=reading(feed, editor).pk)
    server.status = 200
    server.body = calendar(vevent("cafe@test", "Café numérique"))
    old_address = reading(feed, editor)
    Feed.objects.filter(pk=feed.pk).update(url="https://agenda.example/nouvelle.ics")

    tasks.preview_feed_task(preview_id=old_address.pk)

    feed.refresh_from_db()
    old_address.refresh_from_db()
    assert (old_address.status, feed.status) == (FeedPreviewStatus.DONE, FeedStatus.TO_FIX)
