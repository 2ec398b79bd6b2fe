"""The admin's workflows on a calendar: switch on and off, sync now, delete, and detach one atelier."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError
from wagtail.models import ModelLogEntry

from calendars import domain, tasks
from calendars.models import Feed, FeedStatus
from events import enums
from events.models import Atelier
from tests.factories import AtelierFactory, StructureFactory, UserFactory


@pytest.fixture
def feed(db):
    return Feed.objects.create(structure=StructureFactory(), name="Agenda", url="https://agenda.example/a")


@pytest.fixture
def enqueued(monkeypatch):
    """Keyword arguments handed to Celery (`sync_feed_task.delay`), instead of a broker."""
    calls = []
    monkeypatch.setattr(tasks.sync_feed_task, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


def imported_atelier(feed, **fields):
    return AtelierFactory(structure=feed.structure, feed=feed, **{"source": enums.Source.FEED, **fields})


def test_activate_feed_switches_it_on_and_enqueues_a_sync_after_the_commit(
    feed, enqueued, django_capture_on_commit_callbacks
):
    Feed.objects.filter(pk=feed.pk).update(next_run_at="2030-01-01T00:00:00Z")
    feed.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        domain.activate_feed(feed=feed)
    assert enqueued == []  # nothing before the commit
    for callback in callbacks:
        callback()

    feed.refresh_from_db()
    assert (feed.active, feed.next_run_at) == (True, None)
    assert enqueued == [{"feed_id": feed.pk}]


def test_deactivate_feed_switches_it_off_and_enqueues_nothing(
    feed, enqueued, django_capture_on_commit_callbacks
):
    Feed.objects.filter(pk=feed.pk).update(active=True)

    with django_capture_on_commit_callbacks(execute=True):
        domain.deactivate_feed(feed=feed)

    feed.refresh_from_db()
    assert feed.active is False
    assert enqueued == []


def test_request_sync_enqueues_an_active_feed(feed, enqueued, django_capture_on_commit_callbacks):
    feed.active = True

    with django_capture_on_commit_callbacks(execute=True):
        domain.request_sync(feed=feed)

    assert enqueued == [{"feed_id": feed.pk}]


def test_request_sync_with_the_broker_down_leaves_the_feed_due_for_the_dispatcher(
    feed, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(tasks.sync_feed_task, "delay", broker_down)
    Feed.objects.filter(pk=feed.pk).update(active=True, next_run_at="2030-01-01T00:00:00Z")
    feed.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        domain.request_sync(feed=feed)

    assert list(Feed.objects.due(timezone.now()).values_list("pk", flat=True)) == [feed.pk]


def test_request_sync_refuses_an_inactive_feed(feed, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        domain.request_sync(feed=feed)

    assert error.value.code == "feed_inactive"
    assert error.value.messages == ["Ce calendrier est désactivé : activez-le d'abord."]
    assert enqueued == []


def test_delete_feed_deletes_imported_ateliers_keeps_detached_ones_and_logs_it(feed):
    user = UserFactory()
    imported = imported_atelier(feed, remote_uid="a@x")
    detached = imported_atelier(feed, remote_uid="b@x", detached=True, source=enums.Source.LOCAL)
    other_feed = Feed.objects.create(structure=feed.structure, url="https://agenda.example/b")
    elsewhere = imported_atelier(other_feed, remote_uid="c@x")

    domain.delete_feed(feed=feed, user=user)

    assert not Feed.objects.filter(pk=feed.pk).exists()
    assert set(Atelier.objects.values_list("pk", "feed_id")) == {
        (detached.pk, None),
        (elsewhere.pk, other_feed.pk),
    }
    assert not Atelier.objects.filter(pk=imported.pk).exists()
    log = ModelLogEntry.objects.get(action="wagtail.delete")
    assert (log.user, log.label) == (user, "Agenda")


def test_detach_atelier_makes_it_local_and_keeps_where_it_came_from(feed):
    atelier = imported_atelier(feed, remote_uid="a@x")
    assert domain.is_detachable(atelier) is True

    domain.detach_atelier(atelier=atelier)

    stored = Atelier.objects.get(pk=atelier.pk)
    assert (stored.detached, stored.source, stored.feed_id, stored.remote_uid) == (
        True,
        enums.Source.LOCAL,
        feed.pk,
        "a@x",
    )
    assert (atelier.detached, atelier.source) == (True, enums.Source.LOCAL)
    assert domain.is_detachable(atelier) is False


def test_detach_atelier_refuses_a_local_or_already_detached_atelier(feed):
    local = AtelierFactory(structure=feed.structure)
    atelier = imported_atelier(feed, remote_uid="a@x")
    domain.detach_atelier(atelier=atelier)
    stale = Atelier.objects.get(pk=atelier.pk)
    stale.detached, stale.source = False, enums.Source.FEED  # a second click, from a page loaded before

    for target in (local, stale):
        with pytest.raises(ValidationError) as error:
            domain.detach_atelier(atelier=target)
        assert error.value.code == "not_imported"
    assert Atelier.objects.get(pk=local.pk).detached is False


def test_a_calendar_to_fix_cannot_be_activated_until_read(db, enqueued):
    feed = Feed.objects.create(
        structure=StructureFactory(), url="https://agenda.example/a.ics", status=FeedStatus.TO_FIX
    )

    with pytest.raises(ValidationError) as refused:
        domain.activate_feed(feed=feed)

    feed.refresh_from_db()
    assert refused.value.messages == [
        "Maillage n'a pas encore réussi à lire ce calendrier : corrigez son adresse ou relisez l'aperçu, "
        "puis activez-le."
    ]
    assert (feed.active, enqueued) == (False, [])
