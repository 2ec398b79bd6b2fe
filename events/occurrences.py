"""Materialising an atelier's sessions into `Occurrence` rows.

`materialise(atelier)` is the only writer of the table. It expands the series in wall-clock time over the
window (one year back, twelve months ahead), applies the per-session overrides, and replaces the atelier's
rows in one transaction, so a reader never sees half a series. `extend_all()` is the nightly job: open-ended
series gain the days that entered the window.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from . import enums
from .bulk import delete_where_in, insert_objects, update_objects
from .recurrence import localize, next_window, to_local_naive

HORIZON_MONTHS = 12
# The atelier fields `session_records` reads (with the structure's place, for the blanks): when none of
# them changed, the stored sessions are still right and a sync does not rebuild them. Most edits of a
# calendar are to a title or a description.
SESSION_FIELDS = frozenset(
    {
        "status",
        "start_date",
        "start_time",
        "end_date",
        "end_time",
        "all_day",
        "rrule",
        "rdates",
        "exdates",
        "place_name",
        "address",
        "commune",
        "latitude",
        "longitude",
    }
)


def session_records(atelier, *, today: date | None = None, overrides=None) -> list[SimpleNamespace]:
    """`atelier`'s sessions in the window as plain records ({Occurrence attname: value}), overrides applied,
    sorted by start. `overrides` (a list) replaces `atelier.overrides.all()` when the caller has them.

    Plain records, not `Occurrence` instances: building model instances was a third of materialising a big
    calendar's 10,000 series (bench/feed_sync.py); `events.bulk.insert_objects` reads either.
    """
    today = today or timezone.localdate()
    window_start, window_end = next_window(today, HORIZON_MONTHS)
    schedule = atelier.schedule
    if overrides is None:
        overrides = atelier.overrides.all()
    by_start = {to_local_naive(override.original_start): override for override in overrides}
    series_status = atelier.status
    commune, place_name = atelier.place_commune(), atelier.place_label()
    address = atelier.address or atelier.structure.adresse
    latitude, longitude = atelier.coordinates() or (None, None)
    duration = schedule.duration
    records = []
    for local_start in schedule.starts_between(window_start, window_end):
        override = by_start.get(local_start)
        start = localize(local_start)
        end = localize(local_start + duration)
        values = {
            "status": series_status,
            "commune": commune,
            "place_name": place_name,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
            "seats_taken": 0,
            "note": "",
            "is_moved": False,
        }
        if override is not None:
            if series_status == enums.Status.SCHEDULED or override.status == enums.Status.CANCELLED:
                values["status"] = override.status
            if override.new_start:
                start = override.new_start
                end = override.new_end or start + duration
                values["is_moved"] = True
            if override.place_name or override.commune:
                values.update(
                    place_name=override.place_name or place_name,
                    address=override.address,
                    commune=override.commune or commune,
                    latitude=override.latitude,
                    longitude=override.longitude,
                )
            values["seats_taken"] = override.seats_taken
            values["note"] = override.note
        local = to_local_naive(start)
        records.append(
            SimpleNamespace(
                atelier_id=atelier.pk,
                recurrence_id=localize(local_start),
                start=start,
                end=end,
                local_date=local.date(),
                is_evening=local.hour >= enums.EVENING_HOUR,
                is_weekend=local.weekday() >= 5,
                **values,
            )
        )
    records.sort(key=lambda record: record.start)
    return records


def build_rows(atelier, *, today: date | None = None):
    """The `Occurrence` objects of `atelier` (unsaved), overrides applied, sorted by start."""
    from .models import Occurrence

    return [
        Occurrence(atelier=atelier, **{k: v for k, v in vars(record).items() if k != "atelier_id"})
        for record in session_records(atelier, today=today)
    ]


def insert_rows(rows) -> int:
    """Insert unsaved `Occurrence` rows or `session_records` with one `executemany` (`events.bulk`)."""
    from .models import Occurrence

    return insert_objects(Occurrence, rows)


@transaction.atomic
def materialise(atelier, *, today: date | None = None) -> int:
    """Replace `atelier`'s occurrences by a fresh expansion; return how many there are."""
    from .models import Occurrence

    today = today or timezone.localdate()
    rows = build_rows(atelier, today=today)
    Occurrence.objects.filter(atelier=atelier).delete()
    Occurrence.objects.bulk_create(rows)
    horizon = next_window(today, HORIZON_MONTHS)[1].date() - timedelta(days=1)
    last_session_date = max((row.local_date for row in rows), default=None)
    type(atelier).objects.filter(pk=atelier.pk).update(
        occurrences_until=horizon, last_session_date=last_session_date
    )
    atelier.occurrences_until = horizon
    atelier.last_session_date = last_session_date
    return len(rows)


def _has_sessions_after(atelier, day: date) -> bool:
    """Whether the series may hold sessions after `day`: always when it never ends."""
    last = atelier.schedule.last_start()
    return last is None or last.date() > day


def materialise_many(ateliers, *, today: date | None = None, overrides: dict | None = None) -> int:
    """`materialise` for many ateliers at once (a calendar sync): a DELETE per 500 ateliers, one INSERT and
    one UPDATE (each an `executemany`), instead of a transaction per atelier.

    `overrides` ({atelier id: [SessionOverride]}) is what the caller already holds; without it, each
    atelier's `overrides` are read, and should be prefetched.
    """
    ateliers = [atelier for atelier in ateliers if atelier.pk is not None]
    if not ateliers:
        return 0
    # Atomic without a savepoint: inside a sync, the feed's transaction already holds it all.
    with transaction.atomic(savepoint=False):
        return _replace_sessions(ateliers, today=today, overrides=overrides)


def _replace_sessions(ateliers, *, today, overrides) -> int:
    from .models import Atelier, Occurrence

    today = today or timezone.localdate()
    horizon = next_window(today, HORIZON_MONTHS)[1].date() - timedelta(days=1)
    ids = [atelier.pk for atelier in ateliers]
    rows = []
    for atelier in ateliers:
        known = overrides.get(atelier.pk, []) if overrides is not None else None
        built = session_records(atelier, today=today, overrides=known)
        atelier.occurrences_until = horizon
        atelier.last_session_date = max((row.local_date for row in built), default=None)
        rows += built
    delete_where_in(Occurrence, "atelier", ids)
    insert_rows(rows)
    # The rows just built are the atelier's every session: their last day is the one to store.
    update_objects(Atelier, ateliers, ["occurrences_until", "last_session_date"])
    return len(rows)


def extend_all(*, today: date | None = None) -> int:
    """Nightly: re-materialise the series whose window moved and that have sessions in the new days.

    Series already over inside the window (UNTIL or COUNT reached) are left as they are; only their
    `occurrences_until` moves, so that they are not looked at again tomorrow. Returns how many were refreshed.
    """
    from .models import Atelier

    today = today or timezone.localdate()
    horizon = next_window(today, HORIZON_MONTHS)[1].date() - timedelta(days=1)
    stale = (
        Atelier.objects.exclude(rrule="")
        .filter(occurrences_until__lt=horizon)
        .select_related("structure")
        .prefetch_related("overrides")
    )
    count = 0
    finished = []
    for atelier in stale.iterator(chunk_size=200):
        if _has_sessions_after(atelier, atelier.occurrences_until):
            materialise(atelier, today=today)
            count += 1
        else:
            finished.append(atelier.pk)
    for offset in range(0, len(finished), 500):
        Atelier.objects.filter(pk__in=finished[offset : offset + 500]).update(occurrences_until=horizon)
    return count
