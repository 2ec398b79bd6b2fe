"""Workflows on ateliers: saving one, rebuilding its sessions, duplicating it, changing one session.

The `Occurrence` table is derived from an atelier and its overrides, and nothing rebuilds it behind the
caller's back (no `save()` override, no signal): whoever changes a schedule, a place, a status or a session
calls `save_atelier`, `rebuild_sessions` or `rebuild_many_sessions` (`create_ateliers` for new ones) in the
same transaction, so that pages and exports never read a session change without its `Occurrence` row
following. The admin, the programmes' publishing, the demo loader and the calendar sync all go through here.

The .ics exports need no call: each series' stored text carries the key of the facts it was written from
and is rewritten when they change (`events.ical.stored`).

A session is always named by its *original* start (its RECURRENCE-ID), whatever was changed since.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from . import enums
from .models import Atelier, Occurrence, SessionOverride
from .occurrences import build_occurrences, has_sessions_after, horizon
from .recurrence import localize, to_local_naive

WRITE_BATCH = 500

COPY_SUFFIX = " (copie)"
# Fields that say nothing about the original session: an override holding none of them is useless.
OVERRIDE_DEFAULTS = {
    "status": enums.Status.SCHEDULED,
    "new_start": None,
    "new_end": None,
    "place_name": "",
    "address": "",
    "commune": "",
    "latitude": None,
    "longitude": None,
    "seats_taken": 0,
    "note": "",
    "title": "",
}


# ---- sessions ----------------------------------------------------------------------------------------


def rebuild_sessions(*, atelier: Atelier, today: date | None = None) -> int:
    """Replace `atelier`'s occurrences by a fresh expansion; return how many there are.

    Call it after any change of the atelier's schedule, place or status, or of one of its overrides.
    Readers never see half a series: the rows are deleted and inserted in one transaction.
    """
    return rebuild_many_sessions(ateliers=[atelier], today=today)


def rebuild_many_sessions(
    *, ateliers: Iterable[Atelier], overrides: dict | None = None, today: date | None = None
) -> int:
    """`rebuild_sessions` for many ateliers at once (a calendar sync, the nightly extension): one DELETE and
    one UPDATE per 500 ateliers and batched INSERTs, whatever the number of series.

    `overrides` ({atelier id: [SessionOverride]}) is what the caller already holds; without it, each
    atelier's `overrides` are read, and should be prefetched (their `structure` too). Unsaved ateliers are
    skipped. Sets `occurrences_until` and `last_session_date` on the given instances too.

    Atomic without a savepoint of its own: inside a caller's transaction (a sync, an admin form) a failure
    here fails the whole of it, which is what the caller wants, and no SAVEPOINT round trip is spent.
    """
    ateliers = [atelier for atelier in ateliers if atelier.pk is not None]
    today = today or timezone.localdate()
    until = horizon(today)
    rows = []
    for atelier in ateliers:
        known = overrides.get(atelier.pk, []) if overrides is not None else None
        built = build_occurrences(atelier, today=today, overrides=known)
        atelier.occurrences_until = until
        atelier.last_session_date = max((row.local_date for row in built), default=None)
        rows += built
    with transaction.atomic(savepoint=False):
        for offset in range(0, len(ateliers), WRITE_BATCH):
            batch = [atelier.pk for atelier in ateliers[offset : offset + WRITE_BATCH]]
            Occurrence.objects.filter(atelier_id__in=batch).delete()
        Occurrence.objects.bulk_create(rows, batch_size=WRITE_BATCH)
        # `update()`, not `save()`: it leaves `updated_at` (so the exports' ETag and SEQUENCE) alone. The
        # last session day is read back from the rows just written, by the database, in one UPDATE per
        # batch, rather than sent as one CASE branch per atelier.
        last_session = (
            Occurrence.objects.filter(atelier_id=OuterRef("pk"))
            .order_by("-local_date")
            .values("local_date")[:1]
        )
        for offset in range(0, len(ateliers), WRITE_BATCH):
            batch = [atelier.pk for atelier in ateliers[offset : offset + WRITE_BATCH]]
            Atelier.objects.filter(pk__in=batch).update(
                occurrences_until=until, last_session_date=Subquery(last_session)
            )
    return len(rows)


def create_ateliers(*, ateliers: list[Atelier], sessions: bool = True, today: date | None = None) -> int:
    """Insert new ateliers (`bulk_create`, which sets their primary keys) with their sessions; return how
    many sessions were written.

    For ateliers that do not exist yet, nothing is there to delete and their last session day is known
    before they are written: the sessions are expanded first, `occurrences_until` and `last_session_date`
    go out with the atelier's own INSERT, and the sessions follow, so that each row is written once (a
    calendar's first import is mostly this). New ateliers have no overrides yet: one that gets some in the
    same transaction is then rebuilt by `rebuild_many_sessions`. Without `sessions`, only the ateliers are
    inserted (a preview, rolled back). Atomic without a savepoint of its own, like `rebuild_many_sessions`.
    """
    today = today or timezone.localdate()
    until = horizon(today)
    rows = []
    if sessions:
        for atelier in ateliers:
            built = build_occurrences(atelier, today=today, overrides=[])
            atelier.occurrences_until = until
            atelier.last_session_date = max((row.local_date for row in built), default=None)
            rows += built
    with transaction.atomic(savepoint=False):
        Atelier.objects.bulk_create(ateliers, batch_size=WRITE_BATCH)
        # Each row's `atelier_id` is taken from its atelier, which has its primary key by now.
        Occurrence.objects.bulk_create(rows, batch_size=WRITE_BATCH)
    return len(rows)


def extend_sessions(*, today: date | None = None) -> int:
    """Nightly: rebuild the series whose window moved and that have sessions in the new days.

    Series already over inside the window (UNTIL or COUNT reached) are left as they are; only their
    `occurrences_until` moves, so that they are not looked at again tomorrow. Returns how many were rebuilt.
    Each batch is its own transaction: a long night's work never holds one lock for all series.
    """
    today = today or timezone.localdate()
    until = horizon(today)
    stale = (
        Atelier.objects.exclude(rrule="")
        .filter(occurrences_until__lt=until)
        .select_related("structure")
        .prefetch_related("overrides")
        .order_by("pk")
    )
    count = 0
    growing, finished = [], []
    for atelier in stale.iterator(chunk_size=WRITE_BATCH):
        if has_sessions_after(atelier, atelier.occurrences_until):
            growing.append(atelier)
        else:
            finished.append(atelier.pk)
        if len(growing) >= WRITE_BATCH:
            rebuild_many_sessions(ateliers=growing, today=today)
            count += len(growing)
            growing = []
    if growing:
        rebuild_many_sessions(ateliers=growing, today=today)
        count += len(growing)
    for offset in range(0, len(finished), WRITE_BATCH):
        Atelier.objects.filter(pk__in=finished[offset : offset + WRITE_BATCH]).update(occurrences_until=until)
    return count


def follow_structure(*, structure) -> int:
    """Move the sessions held at `structure` (`Occurrence.at_structure`) to its coordinates; return how
    many changed.

    Called whenever a structure is published (`events.signals`: the admin, the national import, the
    federation mirror all publish a revision), so that « près de » finds the sessions where the structure
    now is without rebuilding its series. One UPDATE, which leaves the rows already right alone (a
    publication that did not move the structure writes nothing). A structure without coordinates leaves its
    sessions without a resolved position: they are then placed when read (`events.distance`).
    """
    if structure.latitude is not None and structure.longitude is not None:
        latitude, longitude = structure.latitude, structure.longitude
        right = Q(place_latitude=latitude, place_longitude=longitude)
    else:
        latitude = longitude = None
        right = Q(place_latitude__isnull=True)
    return (
        Occurrence.objects.filter(at_structure=True, atelier__structure=structure)
        .exclude(right)
        .update(latitude=latitude, longitude=longitude, place_latitude=latitude, place_longitude=longitude)
    )


# ---- ateliers ----------------------------------------------------------------------------------------


@transaction.atomic
def save_atelier(*, atelier: Atelier) -> Atelier:
    """Save `atelier` (sanitized, SEQUENCE raised by `Atelier.save()`) and rebuild its sessions."""
    atelier.save()
    rebuild_sessions(atelier=atelier)
    return atelier


def is_session_of(atelier: Atelier, original_start: datetime) -> bool:
    """Whether the series (EXDATEs removed) has a session starting exactly at `original_start`."""
    local = to_local_naive(original_start)
    return local in atelier.schedule.starts_between(local, local + timedelta(seconds=1))


def _check_session(atelier: Atelier, original_start: datetime) -> datetime:
    """The aware original start, or a ValidationError when the series has no such session."""
    if not is_session_of(atelier, original_start):
        raise ValidationError(
            _("Cette séance ne fait pas partie de l'atelier « %(title)s ».") % {"title": atelier.title},
            code="unknown_session",
        )
    return localize(to_local_naive(original_start))


@transaction.atomic
def duplicate_atelier(*, atelier: Atelier, user=None) -> Atelier:
    """Copy an atelier into a new, independent series of the same structure.

    The copy gets its own iCal identity (new UID, SEQUENCE 0) and starts as a local atelier even when the
    original came from a feed: a feed would otherwise overwrite or delete it. Per-session changes are not
    copied, since they describe the original's sessions. `user` is kept for the audit trail of callers.
    """
    copy = Atelier.objects.get(pk=atelier.pk)
    copy.pk = None
    copy.id = None
    copy.uid = Atelier._meta.get_field("uid").get_default()
    copy.sequence = 0
    copy.source = enums.Source.LOCAL
    copy.is_demo = False
    copy.occurrences_until = None
    max_title = Atelier._meta.get_field("title").max_length
    copy.title = atelier.title[: max_title - len(COPY_SUFFIX)] + COPY_SUFFIX
    return save_atelier(atelier=copy)


@transaction.atomic
def update_session(*, atelier: Atelier, original_start: datetime, **changes) -> SessionOverride:
    """Create or update the override of one session with `changes` (fields of `SessionOverride`).

    Raises ValidationError when the series has no session at `original_start`.
    """
    unknown = set(changes) - set(OVERRIDE_DEFAULTS)
    if unknown:
        raise TypeError(f"update_session: unknown fields {sorted(unknown)}")
    original_start = _check_session(atelier, original_start)
    override = SessionOverride.objects.filter(atelier=atelier, original_start=original_start).first()
    if override is None:
        override = SessionOverride(atelier=atelier, original_start=original_start)
    for name, value in changes.items():
        setattr(override, name, value)
    override.full_clean()
    override.save()
    rebuild_sessions(atelier=atelier)
    Atelier.objects.filter(pk=atelier.pk).mark_sessions_changed()
    return override


def cancel_session(*, atelier: Atelier, original_start: datetime) -> SessionOverride:
    """Mark one session cancelled; its other changes (place, note) are kept for a later restore."""
    return update_session(atelier=atelier, original_start=original_start, status=enums.Status.CANCELLED)


@transaction.atomic
def restore_session(*, atelier: Atelier, original_start: datetime) -> SessionOverride | None:
    """Put a cancelled (or full) session back on the programme.

    The override is deleted when nothing else distinguishes the session, so that the series stays clean;
    returns the remaining override, or None.
    """
    original_start = _check_session(atelier, original_start)
    override = SessionOverride.objects.filter(atelier=atelier, original_start=original_start).first()
    if override is None:
        return None
    override.status = enums.Status.SCHEDULED
    if all(getattr(override, name) == default for name, default in OVERRIDE_DEFAULTS.items()):
        override.delete()
        override = None
    else:
        override.save()
    rebuild_sessions(atelier=atelier)
    Atelier.objects.filter(pk=atelier.pk).mark_sessions_changed()
    return override
