"""The feed sync tasks: dispatching due feeds, retries, locking, and the failure / recovery e-mails.

`calendars.sync.sync_feed` is replaced by fakes that record outcomes on the feed as the real one does
(counters, status, French error), so that these tests only exercise what the tasks and `notify` decide.
The last test runs the real chain in a real Celery worker (as tests/test_celery.py does), against a
calendar served on 127.0.0.1.
"""

import re
import sqlite3
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from calendars import notify, sync
from calendars.fetch import HTTPStatusError, NetworkError
from calendars.locks import feed_lock
from calendars.models import Feed, FeedStatus
from calendars.tasks import dispatch_due_feeds, sync_feed_task
from network import domain
from network.enums import MemberRole
from outbox.models import Message, MessageStatus
from outbox.sending import send_due
from tests.factories import StructureFactory, UserFactory
from tests.fixtures.http_server import ok, serve

NOT_FOUND = "Le serveur a répondu 404 (page introuvable) : vérifiez l'adresse du calendrier."


@pytest.fixture
def structure(db):
    return StructureFactory(title="Médiathèque de Vierzon", courriels=["accueil@mediatheque.example"])


@pytest.fixture
def feed(structure):
    return Feed.objects.create(
        structure=structure, name="Agenda Google", url="https://calendrier.test/agenda.ics", active=True
    )


@pytest.fixture
def editors(structure):
    responsable = UserFactory(email="responsable@mediatheque.example")
    editor = UserFactory(email="editrice@mediatheque.example")
    mediator = UserFactory(email="mediateur@mediatheque.example")
    domain.add_member(structure=structure, user=responsable, role=MemberRole.RESPONSABLE)
    domain.add_member(structure=structure, user=editor, role=MemberRole.EDITOR)
    domain.add_member(structure=structure, user=mediator, role=MemberRole.MEDIATEUR)
    return ["responsable@mediatheque.example", "editrice@mediatheque.example"]


OUTCOME = ["last_fetch_at", "status", "consecutive_failures", "last_error", "last_success_at"]


class FakeSync:
    """Stands for `calendars.sync`: records each call and its outcome on the feed, like the real one (which
    saves the fields it sets, never the lock's `locked_until`)."""

    def __init__(self):
        self.calls = 0
        self.error = None

    def sync_feed(self, *, feed, now=None):
        self.calls += 1
        now = now or timezone.now()
        feed.last_fetch_at = now
        if self.error is not None:
            feed.status = FeedStatus.FAILING
            feed.consecutive_failures += 1
            feed.last_error = self.error.message
            feed.save(update_fields=OUTCOME)
            raise self.error
        feed.status = FeedStatus.OK
        feed.consecutive_failures = 0
        feed.last_success_at = now
        feed.last_error = ""
        feed.save(update_fields=OUTCOME)


@pytest.fixture
def fake_sync(monkeypatch):
    fake = FakeSync()
    monkeypatch.setattr(sync, "sync_feed", fake.sync_feed)
    return fake


def run(feed):
    return sync_feed_task.apply(kwargs={"feed_id": feed.pk}).get()


# Dispatch


@pytest.fixture
def sent(monkeypatch):
    """What the dispatch enqueues (`apply_async`, once its bookings are committed), instead of a broker."""
    calls = []
    monkeypatch.setattr(sync_feed_task, "apply_async", lambda **kwargs: calls.append(kwargs))
    return calls


def test_dispatch_books_the_next_run_then_enqueues_due_feeds_once(
    structure, sent, django_capture_on_commit_callbacks
):
    now = timezone.now()
    never = Feed.objects.create(structure=structure, url="https://a.test/1.ics", active=True)
    late = Feed.objects.create(
        structure=structure, url="https://a.test/2.ics", active=True, next_run_at=now - timedelta(minutes=1)
    )
    Feed.objects.create(
        structure=structure, url="https://a.test/3.ics", active=True, next_run_at=now + timedelta(minutes=5)
    )
    Feed.objects.create(structure=structure, url="https://a.test/4.ics", active=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due_feeds() == 2

    assert sorted(call["kwargs"]["feed_id"] for call in sent) == sorted([never.pk, late.pk])
    assert all(0 <= call["countdown"] <= 60 for call in sent)
    for feed in (never, late):
        feed.refresh_from_db()
        assert now + timedelta(hours=1) <= feed.next_run_at <= timezone.now() + timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due_feeds() == 0  # a second beat fire finds nothing left
    assert len(sent) == 2


def test_dispatch_enqueues_only_once_the_caller_commits(structure, sent, django_capture_on_commit_callbacks):
    feed = Feed.objects.create(structure=structure, url="https://a.test/1.ics", active=True)

    with django_capture_on_commit_callbacks() as callbacks:
        assert dispatch_due_feeds() == 1
        assert sent == []  # inside the caller's transaction: nothing on the broker yet

    for callback in callbacks:
        callback()
    assert [call["kwargs"] for call in sent] == [{"feed_id": feed.pk}]


def test_dispatch_jitter_is_a_setting(structure, sent, settings, django_capture_on_commit_callbacks):
    settings.MAILLAGE_FEED_DISPATCH_JITTER = 0
    Feed.objects.create(structure=structure, url="https://a.test/1.ics", active=True)

    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_feeds()

    assert [call["countdown"] for call in sent] == [0]


def test_dispatch_racing_with_itself_enqueues_each_feed_once(structure, monkeypatch):
    """Two dispatches that both read the due feeds before either booked them: each feed still goes once."""
    feeds = [
        Feed.objects.create(structure=structure, url=f"https://a.test/{n}.ics", active=True) for n in range(3)
    ]
    calls = []

    def apply_async(**kwargs):
        calls.append(kwargs["kwargs"]["feed_id"])
        if len(calls) == 1:
            dispatch_due_feeds()  # the other beat, between our read and our next bookings

    # Each booking committed and enqueued at once, as in a worker (autocommit), not at the test's end.
    monkeypatch.setattr(sync_feed_task, "apply_async_on_commit", apply_async)

    dispatch_due_feeds()

    assert sorted(calls) == sorted(feed.pk for feed in feeds)


def test_beat_runs_the_dispatch_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-due-feeds"]
    assert entry["task"] == "calendars.tasks.dispatch_due_feeds"
    assert entry["schedule"].minute == set(range(0, 60, 5))


# Sync task: retries, lock


def test_success_is_synced_without_retry(feed, fake_sync, retries):
    assert run(feed) == "synced"
    assert (fake_sync.calls, retries) == (1, [])


def test_retryable_failure_is_retried_four_times_with_exponential_backoff(feed, fake_sync, retries):
    fake_sync.error = NetworkError("Le serveur du calendrier met trop de temps à répondre.")

    assert run(feed) == "failed"

    assert fake_sync.calls == 5
    assert retries == [60, 120, 240, 480]


def test_server_error_status_is_retried(feed, fake_sync, retries):
    fake_sync.error = HTTPStatusError(503)

    run(feed)

    assert retries == [60, 120, 240, 480]


def test_permanent_failure_is_not_retried(feed, fake_sync, retries):
    fake_sync.error = HTTPStatusError(404, NOT_FOUND)

    assert run(feed) == "failed"

    assert (fake_sync.calls, retries) == (1, [])


def test_feed_being_synced_elsewhere_is_skipped_after_waiting_one_lock_ttl(feed, fake_sync, settings):
    settings.MAILLAGE_FEED_LOCK_TTL = 1  # a live holder renews its lock: waiting one TTL is not enough
    with feed_lock(feed.pk, ttl_seconds=60) as acquired:
        assert acquired
        assert run(feed) == "locked"
    assert fake_sync.calls == 0


def test_a_dead_workers_lock_is_waited_for_then_the_feed_is_synced(feed, fake_sync, settings):
    settings.MAILLAGE_FEED_LOCK_TTL = 1
    settings.CELERY_BROKER_URL, settings.REDIS_URL = "filesystem://", ""  # the database lock
    Feed.objects.filter(pk=feed.pk).update(locked_until=timezone.now() + timedelta(seconds=1))  # no heartbeat

    assert run(feed) == "synced"

    assert fake_sync.calls == 1
    feed.refresh_from_db()
    assert feed.locked_until is None


def test_the_lock_is_released_between_retries(feed, fake_sync, retries):
    fake_sync.error = NetworkError("Coupure")

    run(feed)

    assert fake_sync.calls == 5  # each eager retry found the feed unlocked
    with feed_lock(feed.pk, ttl_seconds=60) as acquired:
        assert acquired


def test_inactive_or_deleted_feed_is_not_synced(feed, fake_sync):
    Feed.objects.filter(pk=feed.pk).update(active=False)
    assert run(feed) == "inactive"
    assert sync_feed_task.apply(kwargs={"feed_id": 0}).get() == "inactive"
    assert fake_sync.calls == 0


def test_sync_and_dispatch_are_given_back_to_the_broker_when_their_worker_dies():
    assert sync_feed_task.soft_time_limit < sync_feed_task.time_limit
    assert sync_feed_task.max_retries == 4
    for task in (sync_feed_task, dispatch_due_feeds):
        assert (task.acks_late, task.reject_on_worker_lost) == (True, True)


# E-mails: queued in the outbox by the sync's task, then sent by the outbox (`send_due` here, a worker live).


def emails_sent() -> list:
    """What the outbox sends now, as Django's test mailbox holds it (one e-mail per recipient)."""
    send_due()
    return sorted(mail.outbox, key=lambda message: message.to)


def test_third_failure_in_a_row_sends_one_email_to_each_editor(feed, editors, fake_sync, settings):
    fake_sync.error = HTTPStatusError(404, NOT_FOUND)

    run(feed)
    run(feed)
    assert emails_sent() == []
    run(feed)

    messages = emails_sent()
    assert [message.to for message in messages] == [[address] for address in sorted(editors)]
    message = messages[0]
    assert message.subject == "[Maillage] Votre calendrier « Agenda Google » ne se synchronise plus"
    assert "Maillage n'arrive plus à lire le calendrier « Agenda Google » de « Médiathèque de Vierzon »" in (
        message.body
    )
    assert "les 3 dernières tentatives ont échoué" in message.body
    assert NOT_FOUND in message.body
    assert "https://calendrier.test/agenda.ics" in message.body
    assert "Aucune synchronisation n'a réussi depuis l'ajout du calendrier" in message.body
    assert settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/admin/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "l&#x27;adresse du calendrier" in html or "l'adresse du calendrier" in html
    feed.refresh_from_db()
    assert feed.failure_notified
    assert set(Message.objects.values_list("reason", "topic")) == {
        ("feed_failing", f"structure:{feed.structure_id}/feed:{feed.pk}")
    }

    run(feed)  # the fourth failure: still failing, already told
    assert len(emails_sent()) == len(editors)


def test_success_after_notified_failure_sends_one_recovery_email(feed, editors, fake_sync):
    Feed.objects.filter(pk=feed.pk).update(
        consecutive_failures=7, status=FeedStatus.FAILING, failure_notified=True, last_error=NOT_FOUND
    )

    run(feed)

    messages = emails_sent()
    assert [message.to for message in messages] == [[address] for address in sorted(editors)]
    assert messages[0].subject == "[Maillage] Votre calendrier « Agenda Google » se synchronise de nouveau"
    assert "se synchronise de nouveau avec Maillage" in messages[0].body
    feed.refresh_from_db()
    assert not feed.failure_notified

    run(feed)
    assert len(emails_sent()) == len(editors)


def test_success_after_unnotified_failures_sends_nothing(feed, editors, fake_sync):
    fake_sync.error = HTTPStatusError(404, NOT_FOUND)
    run(feed)
    run(feed)
    fake_sync.error = None
    run(feed)

    assert emails_sent() == []


def test_retryable_failures_are_reported_once_retries_are_exhausted(
    feed, editors, fake_sync, retries, monkeypatch
):
    fake_sync.error = NetworkError("Le serveur du calendrier met trop de temps à répondre.")
    notified_after = []
    original = notify.after_sync

    def after_sync(feed):
        notified_after.append(len(retries))
        return original(feed)

    monkeypatch.setattr(notify, "after_sync", after_sync)

    run(feed)

    assert notified_after == [4]  # only after the last attempt, not between retries
    messages = emails_sent()
    assert len(messages) == len(editors)
    assert "les 5 dernières tentatives ont échoué" in messages[0].body


def test_structure_addresses_are_used_when_it_has_no_editor(feed, fake_sync):
    Feed.objects.filter(pk=feed.pk).update(consecutive_failures=2, last_success_at=timezone.now())
    fake_sync.error = HTTPStatusError(404, NOT_FOUND)

    run(feed)

    messages = emails_sent()
    assert [message.to for message in messages] == [["accueil@mediatheque.example"]]
    assert "La dernière synchronisation réussie date du" in messages[0].body


def test_email_that_could_not_be_sent_is_kept_and_sent_later_once(feed, editors, fake_sync, monkeypatch):
    Feed.objects.filter(pk=feed.pk).update(consecutive_failures=2)
    fake_sync.error = HTTPStatusError(404, NOT_FOUND)
    run(feed)

    def smtp_down(self, *args, **kwargs):
        raise OSError("SMTP injoignable")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", smtp_down)
        send_due()
    assert mail.outbox == []
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.PENDING}

    run(feed)  # still failing: already told, nothing new queued
    later = timezone.now() + timedelta(hours=1)
    send_due(now=later)
    send_due(now=later)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(editors)


# End to end: a real worker process, the real sync, a calendar served on 127.0.0.1.

TASK = "calendars.tasks.sync_feed_task"
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Maillage//FR\r\n"
    "BEGIN:VEVENT\r\nUID:atelier-1@calendrier.test\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART;TZID=Europe/Paris:{day}T140000\r\nDTEND;TZID=Europe/Paris:{day}T160000\r\n"
    "SUMMARY:Premiers pas sur tablette\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_syncs_a_feed_served_on_loopback(start_celery_worker):
    day = (timezone.localdate() + timedelta(days=20)).strftime("%Y%m%d")
    with serve({"/agenda.ics": ok(CALENDAR.format(day=day).encode())}) as server:
        feed = Feed.objects.create(
            structure=StructureFactory(), name="Agenda", url=server.base + "/agenda.ics", active=True
        )
        worker = start_celery_worker(pool="prefork", concurrency=1)
        task_id = worker.send(TASK, feed_id=feed.pk)
        worker.wait_for(re.escape(f"Task {TASK}[{task_id}] succeeded") + r".*'synced'", timeout=30)
        worker.stop()

    assert [request["path"] for request in server.requests] == ["/agenda.ics"]
    assert "Maillage" in server.requests[0]["headers"]["User-Agent"]
    if worker.sqlite_copy is not None:
        with sqlite3.connect(worker.sqlite_copy) as database:
            status, failures, locked = database.execute(
                "SELECT status, consecutive_failures, locked_until FROM calendars_feed WHERE id = ?",
                [feed.pk],
            ).fetchone()
            titles = [
                row[0]
                for row in database.execute("SELECT title FROM events_atelier WHERE feed_id = ?", [feed.pk])
            ]
    else:
        feed.refresh_from_db()
        status, failures, locked = feed.status, feed.consecutive_failures, feed.locked_until
        titles = list(feed.ateliers.values_list("title", flat=True))
    assert (status, failures, locked) == (FeedStatus.OK, 0, None)
    assert titles == ["Premiers pas sur tablette"]
