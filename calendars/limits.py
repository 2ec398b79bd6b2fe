"""Size bounds of an imported calendar beyond its bytes: events per calendar, RDATE / EXDATE per series.

Why: a calendar under the byte cap can still hold 25,000 events or a series with 100,000 EXDATEs, and every
public page, export and sync then carries them. What exceeds a bound is left out, never the whole
calendar, and the feed says so in French (`calendars.display` gives the advice). The bounds are settings
(`MAILLAGE_FEED_MAX_EVENTS`, `MAILLAGE_FEED_MAX_DATES_PER_SERIES`; sessions per series are bounded where
they are built, `events.occurrences`), documented in docs/administration.md.

What is kept is what people are most likely to look at: the events and dates nearest to today and after it,
then the most recent past ones. Pure: no database, no settings read here; the callers pass the bounds.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The date of a block's DTSTART (any parameters, any zone: a day is all the choice needs), read by a line
# scan, before icalendar, so that left-out events cost nothing to parse.
BLOCK_START = re.compile(r"\n(?i:DTSTART)(?:;[^:\n]*)?:(\d{8})")
# A series (RRULE or RDATE) may have sessions ahead whatever its first date: it ranks with today's events.
BLOCK_SERIES = re.compile(r"\n(?i:RRULE|RDATE)[;:]")


def block_rank(block: str, today: int) -> tuple[int, int]:
    """Sort key of a VEVENT block: series and events from `today` (YYYYMMDD as a number) on, soonest first;
    then past events, latest first; blocks without a readable start last."""
    match = BLOCK_START.search(block)
    if match is None:
        return (2, 0)
    day = int(match.group(1))
    if day >= today or BLOCK_SERIES.search(block):
        return (0, max(day, today))
    return (1, -day)


def nearest_blocks(blocks: list[str], *, limit: int, today: date) -> list[str]:
    """At most `limit` of the VEVENT `blocks`, the nearest to `today` (`block_rank`), in their own order."""
    if len(blocks) <= limit:
        return blocks
    key = int(f"{today:%Y%m%d}")
    ranked = sorted(range(len(blocks)), key=lambda index: block_rank(blocks[index], key))
    return [blocks[index] for index in sorted(ranked[:limit])]


def too_many_events(total: int, limit: int) -> str:
    return (
        ngettext(
            "Votre agenda contient %(total)d événement ; Maillage en importe %(limit)d au plus.",
            "Votre agenda contient %(total)d événements ; Maillage en importe %(limit)d au plus.",
            total,
        )
        % {"total": total, "limit": limit}
        + " "
        + ngettext(
            "Les plus proches d'aujourd'hui sont importés ; %(dropped)d autre (le plus ancien ou le plus "
            "lointain) ne l'est pas. Séparez les agendas, ou retirez-en les événements passés.",
            "Les plus proches d'aujourd'hui sont importés ; les %(dropped)d autres (les plus anciens ou "
            "les plus lointains) ne le sont pas. Séparez les agendas, ou retirez-en les événements passés.",
            total - limit,
        )
        % {"dropped": total - limit}
    )


def nearest_dates(dates: list[datetime], *, limit: int, since: datetime) -> list[datetime]:
    """At most `limit` of the sorted `dates`: from `since` on, soonest first, then the latest before it."""
    if len(dates) <= limit:
        return dates
    coming = [moment for moment in dates if moment >= since][:limit]
    room = limit - len(coming)
    past = [moment for moment in dates if moment < since]
    return (past[len(past) - room :] if room else []) + coming


def cap_dates(event, *, limit: int, since: datetime) -> int:
    """Keep at most `limit` RDATEs and `limit` EXDATEs of the parsed `event`; return how many were cut."""
    dropped = 0
    for name in ("rdates", "exdates"):
        dates = getattr(event, name)
        if len(dates) > limit:
            dropped += len(dates) - limit
            setattr(event, name, nearest_dates(dates, limit=limit, since=since))
    return dropped


def too_many_dates(titles: list[str], limit: int) -> str:
    return (
        ngettext(
            "%(count)d série a plus de %(limit)d dates ajoutées (RDATE) ou retirées (EXDATE) : %(titles)s.",
            "%(count)d séries ont plus de %(limit)d dates ajoutées (RDATE) ou retirées (EXDATE) : "
            "%(titles)s.",
            len(titles),
        )
        % {"count": len(titles), "limit": limit, "titles": title_list(titles)}
        + " "
        + _("Seules les %(limit)d plus proches d'aujourd'hui sont gardées.") % {"limit": limit}
    )


def too_many_sessions(titles: list[str], limit: int) -> str:
    return (
        ngettext(
            "%(count)d série a plus de %(limit)d séances sur la période affichée : %(titles)s.",
            "%(count)d séries ont plus de %(limit)d séances sur la période affichée : %(titles)s.",
            len(titles),
        )
        % {"count": len(titles), "limit": limit, "titles": title_list(titles)}
        + " "
        + _("Seules les %(limit)d premières à venir sont affichées.") % {"limit": limit}
    )


def title_list(titles: list[str], shown: int = 5) -> str:
    text = ", ".join(f"« {title} »" for title in titles[:shown])
    return text + ("…" if len(titles) > shown else "")
