"""Workflows on ateliers run from the admin: duplicating a series, changing or cancelling one session.

Each function is keyword-only and atomic, and goes through the models' `save()` / `delete()`, which rebuild
the occurrences: pages and feeds never see a session change without its `Occurrence` row following.
A session is always named by its *original* start (its RECURRENCE-ID), whatever was changed since.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import enums
from .models import Atelier, SessionOverride
from .recurrence import localize, to_local_naive

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
}


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
    copy.save()
    return copy


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
        return None
    override.save()
    return override
