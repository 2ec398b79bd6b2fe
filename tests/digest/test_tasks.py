"""The Celery side: the Monday beat entry, and the chunk task's limits."""

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

from celery.schedules import crontab

from digest.tasks import CHUNK_TIME_LIMIT, send_digest_chunk

PARIS = ZoneInfo("Europe/Paris")


def test_beat_plans_the_letters_every_monday_at_half_past_seven_paris_time(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-weekly-digests"]
    schedule = entry["schedule"]

    assert entry["task"] == "digest.tasks.plan_weekly_digests"
    assert isinstance(schedule, crontab)
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({7}, {30}, {1})
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE == "Europe/Paris"


def test_beat_fires_at_half_past_seven_in_paris_across_the_clock_change(settings):
    """From the Sunday evening before each clock change, the next run is Monday 07:30 in Paris."""
    from celery_app import app

    assert str(app.timezone) == "Europe/Paris"
    for sunday, utc_hour in ((datetime(2026, 3, 29, 23, 0), 5), (datetime(2026, 10, 25, 23, 0), 6)):
        now = sunday.replace(tzinfo=PARIS)
        schedule = copy.copy(settings.CELERY_BEAT_SCHEDULE["send-weekly-digests"]["schedule"])
        schedule.nowfun, schedule.app = (lambda now=now: now), app

        due = now + schedule.remaining_estimate(now)

        local = due.astimezone(PARIS)
        assert (local.date().isoformat(), local.hour, local.minute) == (
            (sunday.date().replace(day=sunday.day + 1)).isoformat(),
            7,
            30,
        )
        assert due.astimezone(ZoneInfo("UTC")).hour == utc_hour


def test_chunk_task_retries_with_backoff_within_its_time_limits(settings):
    assert send_digest_chunk.max_retries == settings.DIGEST["MAX_RETRIES"] == 10
    assert send_digest_chunk.acks_late is True
    assert send_digest_chunk.time_limit == CHUNK_TIME_LIMIT
