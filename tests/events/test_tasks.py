"""The nightly task that keeps twelve months of sessions ahead."""

from datetime import datetime

from events.models import Occurrence
from events.recurrence import PARIS
from events.tasks import extend_occurrences
from tests.factories import AtelierFactory


def test_extend_occurrences_runs_eagerly_and_extends_open_series(db, time_machine):
    time_machine.move_to(datetime(2027, 1, 11, 8, tzinfo=PARIS), tick=False)
    atelier = AtelierFactory(rrule="FREQ=WEEKLY")
    before = Occurrence.objects.filter(atelier=atelier).count()

    time_machine.move_to(datetime(2027, 3, 1, 3, tzinfo=PARIS), tick=False)
    result = extend_occurrences.apply()

    assert result.successful()
    assert result.get() == 1
    assert Occurrence.objects.filter(atelier=atelier).count() > before


def test_extend_occurrences_is_callable_directly(db):
    assert extend_occurrences() == 0


def test_extend_occurrences_is_scheduled_every_night(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "events.tasks.extend_occurrences" in schedule
