"""Expanding an atelier's sessions into `Occurrence` rows (unsaved): the pure half of materialising.

`build_occurrences(atelier)` expands the series in wall-clock time over the window (one year back, twelve
months ahead) and applies the per-session overrides. A series keeps at most
`settings.MAILLAGE_MAX_SESSIONS_PER_SERIES` sessions in the window, the coming ones first: the default (800)
holds a daily series over the whole window (about 740 sessions), so only series of several sessions a day
(an imported FREQ=HOURLY) are cut; the atelier is then marked `sessions_capped`, for the feed's warning.

Writing the rows is a workflow of `events.domain` (`rebuild_sessions`, `rebuild_many_sessions`,
`extend_sessions`), which callers invoke after a change: nothing here touches the database, so the same
expansion serves the writers, the benches and the tests.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from . import enums
from .models import Occurrence
from .recurrence import localize, next_window, to_local_naive

HORIZON_MONTHS = 12
# The atelier fields `build_occurrences` reads (with the structure's place, for the blanks): when none of
# them changed, the stored sessions are still right and a calendar sync does not rebuild them. Most edits of
# a calendar are to a title or a description.
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
        "format",
    }
)


def horizon(today: date) -> date:
    """The last day the window materialises (`Atelier.occurrences_until`)."""
    return next_window(today, HORIZON_MONTHS)[1].date() - timedelta(days=1)


def build_occurrences(atelier, *, today: date | None = None, overrides=None) -> list[Occurrence]:
    """`atelier`'s sessions in the window as unsaved `Occurrence` objects, overrides applied, sorted by start.

    `overrides` (a list) replaces `atelier.overrides.all()` when the caller already holds them. A cancelled
    series cancels every session; otherwise a session's override decides its status.
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
    place = session_place(atelier)
    duration = schedule.duration
    # What every session of the series shares unless an override says otherwise: built once per series, not
    # once per session (a first import builds some 10,000 sessions in a row).
    shared = {
        "atelier": atelier,
        "status": series_status,
        "commune": commune,
        "place_name": place_name,
        "address": address,
        "latitude": latitude,
        "longitude": longitude,
        "is_moved": False,
        **place,
    }
    rows = []
    for local_start in capped(schedule.starts_between(window_start, window_end), today, atelier):
        # `starts_between` gives existing wall-clock times, so a session that is not moved starts on its
        # RECURRENCE-ID and its local day and hour are those of `local_start`.
        start = localize(local_start)
        override = by_start.get(local_start) if by_start else None
        if override is None:
            rows.append(
                Occurrence(
                    recurrence_id=start,
                    start=start,
                    end=localize(local_start + duration),
                    local_date=local_start.date(),
                    is_evening=local_start.hour >= enums.EVENING_HOUR,
                    is_weekend=local_start.weekday() >= 5,
                    spans_days=runs_past_midnight(local_start, local_start + duration),
                    **shared,
                )
            )
            continue
        recurrence_id = start
        end = localize(local_start + duration)
        values = dict(shared)
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
                **own_place(atelier, override.latitude, override.longitude),
            )
        values.update(seats_taken=override.seats_taken, note=override.note, title=override.title)
        local = to_local_naive(start)
        values["spans_days"] = runs_past_midnight(local, to_local_naive(end))
        rows.append(
            Occurrence(
                recurrence_id=recurrence_id,
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


def runs_past_midnight(local_start: datetime, local_end: datetime) -> bool:
    """Whether a session still runs after the midnight that ends its first day (`Occurrence.spans_days`);
    an all-day session, which ends at that midnight, does not."""
    return local_end > datetime.combine(local_start.date() + timedelta(days=1), time.min)


def own_place(atelier, latitude, longitude) -> dict:
    """The resolved position of a session with a place of its own (`Occurrence.place_latitude`): its
    coordinates; none for a remote one (near everyone) or one without coordinates (looked up when read)."""
    if atelier.format == enums.Format.REMOTE or latitude is None or longitude is None:
        latitude = longitude = None
    return {"place_latitude": latitude, "place_longitude": longitude, "at_structure": False}


def session_place(atelier) -> dict:
    """The resolved position of the series' sessions (see `Occurrence.place_latitude` and
    `events.distance`): the atelier's own coordinates, else its structure's when it is held in the
    structure's commune (`at_structure`: they follow the structure when it moves). Held in another commune
    without coordinates, or remote: no position here; the reader looks it up, or lets it through."""
    if atelier.latitude is not None and atelier.longitude is not None:
        return own_place(atelier, atelier.latitude, atelier.longitude)
    structure = atelier.structure
    if atelier.format == enums.Format.REMOTE or atelier.place_commune() != structure.commune:
        return own_place(atelier, None, None)
    return {**own_place(atelier, structure.latitude, structure.longitude), "at_structure": True}


def capped(starts: list[datetime], today: date, atelier) -> list[datetime]:
    """At most `MAILLAGE_MAX_SESSIONS_PER_SERIES` of `starts`: today's and the coming ones first, then the
    latest past ones. Sets `atelier.sessions_capped` (True when some were left out)."""
    limit = settings.MAILLAGE_MAX_SESSIONS_PER_SERIES
    atelier.sessions_capped = len(starts) > limit
    if not atelier.sessions_capped:
        return starts
    midnight = datetime.combine(today, time.min)
    coming = [moment for moment in starts if moment >= midnight][:limit]
    past = [moment for moment in starts if moment < midnight]
    room = limit - len(coming)
    return (past[len(past) - room :] if room else []) + coming


def has_sessions_after(atelier, day: date) -> bool:
    """Whether the series may hold sessions after `day`: always when it never ends."""
    last = atelier.schedule.last_start()
    return last is None or last.date() > day
