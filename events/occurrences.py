"""Materialising an atelier's sessions into `Occurrence` rows.

`materialise(atelier)` is the only writer of the table. It expands the series in wall-clock time over the
window (one year back, twelve months ahead), applies the per-session overrides, and replaces the atelier's
rows in one transaction, so a reader never sees half a series. `extend_all()` is the nightly job: open-ended
series gain the days that entered the window.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from . import enums
from .recurrence import localize, next_window, to_local_naive

HORIZON_MONTHS = 12


def build_rows(atelier, *, today: date | None = None):
    """The `Occurrence` objects of `atelier` (unsaved), overrides applied, sorted by start."""
    from .models import Occurrence

    today = today or timezone.localdate()
    window_start, window_end = next_window(today, HORIZON_MONTHS)
    schedule = atelier.schedule
    overrides = {to_local_naive(override.original_start): override for override in atelier.overrides.all()}
    rows = []
    for local_start in schedule.starts_between(window_start, window_end):
        override = overrides.get(local_start)
        start = localize(local_start)
        end = localize(local_start + schedule.duration)
        values = {
            "status": atelier.status,
            "commune": atelier.place_commune(),
            "place_name": atelier.place_label(),
            "address": atelier.address or atelier.structure.adresse,
            "latitude": None,
            "longitude": None,
            "seats_taken": 0,
            "note": "",
            "is_moved": False,
        }
        coordinates = atelier.coordinates()
        if coordinates:
            values["latitude"], values["longitude"] = coordinates
        if override is not None:
            if atelier.status == enums.Status.SCHEDULED or override.status == enums.Status.CANCELLED:
                values["status"] = override.status
            if override.new_start:
                start = override.new_start
                end = override.new_end or start + schedule.duration
                values["is_moved"] = True
            if override.place_name or override.commune:
                values.update(
                    place_name=override.place_name or values["place_name"],
                    address=override.address,
                    commune=override.commune or values["commune"],
                    latitude=override.latitude,
                    longitude=override.longitude,
                )
            values["seats_taken"] = override.seats_taken
            values["note"] = override.note
        local = to_local_naive(start)
        rows.append(
            Occurrence(
                atelier=atelier,
                recurrence_id=localize(local_start),
                start=start,
                end=end,
                local_date=local.date(),
                is_evening=local.hour >= enums.EVENING_HOUR,
                is_weekend=local.weekday() >= 5,
                **values,
            )
        )
    rows.sort(key=lambda row: row.start)
    return rows


def insert_rows(rows) -> int:
    """Insert unsaved `Occurrence` rows with one `executemany`: `bulk_create` spends most of its time
    preparing values one by one, which dominated a first import of a big calendar (bench/feed_sync.py).

    Values go through the backend's own adapters, so this works on SQLite and PostgreSQL alike; rows get no
    primary key back (callers that need them use `bulk_create`).
    """
    from django.db import connection

    from .models import Occurrence

    if not rows:
        return 0
    ops = connection.ops
    fields = [field for field in Occurrence._meta.concrete_fields if not field.primary_key]
    adapt = {"DateTimeField": ops.adapt_datetimefield_value, "DateField": ops.adapt_datefield_value}
    converters = [adapt.get(field.get_internal_type(), lambda value: value) for field in fields]
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(Occurrence._meta.db_table)} ({columns}) VALUES ({placeholders})"
    values = [
        [convert(getattr(row, field.attname)) for field, convert in zip(fields, converters, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(rows)


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


@transaction.atomic
def materialise_many(ateliers, *, today: date | None = None) -> int:
    """`materialise` for many ateliers at once (a calendar sync): one DELETE, one INSERT, and one UPDATE per
    500 ateliers, instead of a transaction per atelier. `overrides` should be prefetched."""
    from django.db.models import Max, OuterRef, Subquery

    from .models import Atelier, Occurrence

    ateliers = [atelier for atelier in ateliers if atelier.pk is not None]
    if not ateliers:
        return 0
    today = today or timezone.localdate()
    horizon = next_window(today, HORIZON_MONTHS)[1].date() - timedelta(days=1)
    ids = [atelier.pk for atelier in ateliers]
    rows = []
    for atelier in ateliers:
        built = build_rows(atelier, today=today)
        atelier.occurrences_until = horizon
        atelier.last_session_date = max((row.local_date for row in built), default=None)
        rows += built
    for offset in range(0, len(ids), 500):
        Occurrence.objects.filter(atelier_id__in=ids[offset : offset + 500]).delete()
    insert_rows(rows)
    last_day = (
        Occurrence.objects.filter(atelier=OuterRef("pk"))
        .values("atelier")
        .annotate(last=Max("local_date"))
        .values("last")
    )
    for offset in range(0, len(ids), 500):
        Atelier.objects.filter(pk__in=ids[offset : offset + 500]).update(
            occurrences_until=horizon, last_session_date=Subquery(last_day)
        )
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
