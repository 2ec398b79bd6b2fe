"""A mirrored atelier's session changes: the peer's `session_changes` replace the copy's own.

The API lists, with each atelier, every session that differs from its series (cancelled or full, moved,
held elsewhere, under its own title), named by its planned start (RECURRENCE-ID). The copy gets the same
`SessionOverride` rows, so that `events.domain.rebuild_sessions` builds the same sessions here as there.
The peer's list is authoritative: a change it no longer lists (a session restored there) is removed here.
A peer that sends no `session_changes` at all (an older version) leaves the copy's changes as they are.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from events.models import Atelier, SessionOverride

# API name -> SessionOverride field.
FIELDS = {
    "status": "status",
    "start": "new_start",
    "end": "new_end",
    "title": "title",
    "note": "note",
    "place_name": "place_name",
    "address": "address",
    "commune": "commune",
    "latitude": "latitude",
    "longitude": "longitude",
    "seats_taken": "seats_taken",
}


def read_session_changes(items) -> dict[datetime, dict]:
    """{planned start: SessionOverride values} of the changes that can be read; the others are left out.

    At most `MAILLAGE_MAX_SESSIONS_PER_SERIES` changes: a series shows no more sessions than that.
    """
    changes = {}
    if not isinstance(items, list):
        return changes
    for item in items[: settings.MAILLAGE_MAX_SESSIONS_PER_SERIES]:
        if not isinstance(item, dict) or not isinstance(item.get("session"), str):
            continue
        try:
            planned = parse_datetime(item["session"])
        except ValueError:
            continue
        if planned is None or planned.tzinfo is None:
            continue
        values = {}
        for name, field_name in FIELDS.items():
            field = SessionOverride._meta.get_field(field_name)
            try:
                values[field_name] = field.to_python(item.get(name)) if item.get(name) is not None else None
            except (ValidationError, TypeError, ValueError):
                values[field_name] = None
            if values[field_name] is None and not field.null:
                values[field_name] = field.get_default()
        changes[planned] = values
    return changes


def apply_session_changes(*, atelier: Atelier, items) -> bool:
    """Make `atelier`'s overrides those of the peer; stamp `sessions_changed_at` when anything changed, so
    that an instance following this one gets the change in turn. Returns whether anything changed.

    Call it inside the sync's transaction, before rebuilding the atelier's sessions. A change that fails
    this instance's checks is left out, the others still apply.
    """
    wanted = read_session_changes(items)
    current = {override.original_start: override for override in atelier.overrides.all()}
    stale = [override.pk for planned, override in current.items() if planned not in wanted]
    if stale:
        SessionOverride.objects.filter(pk__in=stale).delete()
    changed = bool(stale)
    for planned, values in wanted.items():
        override = current.get(planned) or SessionOverride(atelier=atelier, original_start=planned)
        if override.pk is not None and all(getattr(override, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(override, name, value)
        try:
            override.full_clean(exclude=["atelier"])
        except ValidationError:
            continue
        override.save()
        changed = True
    if changed:
        Atelier.objects.filter(pk=atelier.pk).mark_sessions_changed()
    return changed
