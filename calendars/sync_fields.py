"""How one iCal event becomes atelier fields: text, place, schedule, per-session changes, preview.

Helpers of `calendars.sync` that write nothing (`read_index` only reads), kept apart so that the sync
itself reads as the reconciliation it is. Calendars write what they like: plain text or HTML, a place as one
free-text line, DTEND missing or equal to DTSTART; each helper turns that into what an atelier can hold, or
nothing.
"""

from __future__ import annotations

import html
import re
from collections import namedtuple
from datetime import datetime, time

import nh3
from django.utils.translation import gettext as _

from events import enums
from events.models import Atelier
from events.recurrence import PARIS, localize
from events.sanitize import clean_html

PREVIEW_SIZE = 20
SUMMARY_MAX = 280
DESCRIPTION_MAX = 5000
TITLE_MAX = 200

# What a run reads of every atelier of the feed before parsing.
INDEX_FIELDS = ("id", "remote_uid", "block_hash", "detached", "status")
IndexRow = namedtuple("IndexRow", INDEX_FIELDS)
# What the calendar owns (`content_values`), rewritten whenever its block changes.
CONTENT_FIELDS = (
    "title",
    "summary",
    "description",
    "status",
    "start_date",
    "start_time",
    "end_time",
    "end_date",
    "all_day",
    "rrule",
    "rdates",
    "exdates",
    "place_name",
    "address",
    "postal_code",
    "commune",
    "latitude",
    "longitude",
)
# What the run records of the block it read.
BOOKKEEPING_FIELDS = ("remote_uid", "remote_sequence", "remote_last_modified", "block_hash")
# What a run loads of the ateliers it compares, saves, cancels or rebuilds (`reconcile.FeedImport._fetch`):
# the index, what the calendar owns, the bookkeeping, and what `events.occurrences.build_occurrences` reads;
# not the thirty fields Maillage owns, which the run never reads.
# Each once (`status`, `remote_uid` and `block_hash` are in two of the groups).
LOADED_FIELDS = tuple(
    dict.fromkeys(
        # `format`: sessions are built from it too (a remote one has no position, `events.occurrences`).
        (*INDEX_FIELDS, *CONTENT_FIELDS, *BOOKKEEPING_FIELDS, "sequence", "updated_at", "structure", "format")
    )
)
# What a per-session change from the calendar holds; upserted on (atelier, original_start).
OVERRIDE_FIELDS = (
    "status",
    "title",
    "new_start",
    "new_end",
    "place_name",
    "address",
    "commune",
    "latitude",
    "longitude",
    "from_feed",
    "remote_sequence",
    "block_hash",
    "sequence",
    "updated_at",
)

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # what the sanitizer drops or rewrites
POSTAL_COMMUNE = re.compile(r"\b(\d{5})\s+([^,\d][^,]*)$")


def plain_text(value: str) -> str:
    """Text without tags or entities, whitespace collapsed: what the summary and comparisons read."""
    if "<" in value:
        value = re.sub(r"<\s*(br|/p|/li|/h\d)\b[^>]*>", "\n", value, flags=re.IGNORECASE)
        value = html.unescape(nh3.clean(value, tags=set()))
    return re.sub(r"\s+", " ", value).strip()


def shorten(text: str, limit: int) -> str:
    """Cut on a word boundary, with an ellipsis, so that a summary never stops mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def description_html(value: str) -> str:
    """DESCRIPTION is plain text in most calendars, HTML in some (Google, Outlook): both become safe HTML."""
    value = value.strip()[:DESCRIPTION_MAX]
    if not value:
        return ""
    if re.search(r"<(p|br|a|b|i|strong|em|ul|ol|li|div|span)\b", value, re.IGNORECASE):
        return clean_html(value)
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", value) if part.strip()]
    if CONTROL.search(value):
        return clean_html(
            "".join("<p>" + html.escape(part).replace("\n", "<br>") + "</p>" for part in paragraphs)
        )
    # Escaped text in <p> and <br> is safe as it is, and written here as the sanitizer would write it back
    # (quotes bare, NBSP as an entity), so stored descriptions do not change: running nh3 on every event
    # of a first import was a twentieth of it.
    return "".join(
        "<p>" + html.escape(part, quote=False).replace("\xa0", "&nbsp;").replace("\n", "<br>") + "</p>"
        for part in paragraphs
    )


def place_fields(location: str) -> dict:
    """LOCATION is free text: « Médiathèque, 12 rue X, 18000 Bourges » gives a name, an address, a commune."""
    location = re.sub(r"\s+", " ", location).strip()
    if not location or location.lower().startswith(("http://", "https://")):
        return {}
    name, _sep, rest = location.partition(",")
    values = {
        "place_name": name.strip()[:200],
        "address": rest.strip()[:255],
        "postal_code": "",
        "commune": "",
    }
    match = POSTAL_COMMUNE.search(rest.strip() or name)
    if match:
        values["postal_code"], values["commune"] = match.group(1), match.group(2).strip()[:120]
    return values


def schedule_fields(event) -> dict:
    end = event.end if event.end > event.start else event.start
    if event.all_day:
        start_time = end_time = time(0, 0)
    else:
        start_time, end_time = event.start.time(), end.time()
    return {
        "start_date": event.start.date(),
        "start_time": start_time,
        "end_time": end_time,
        "end_date": end.date() if end.date() != event.start.date() else None,
        "all_day": event.all_day,
        "rrule": event.rrule,
        "rdates": [moment.isoformat() for moment in event.rdates],
        "exdates": [moment.isoformat() for moment in event.exdates],
    }


def match_key(start: datetime, title: str) -> tuple:
    """What Outlook keeps when it changes UIDs: the start and the title."""
    return start.replace(second=0, microsecond=0), re.sub(r"\s+", " ", title).strip().casefold()


def is_older(event, sequence: int | None, last_modified: datetime | None) -> bool:
    if sequence is not None and event.sequence != sequence:
        return event.sequence < sequence
    return bool(last_modified and event.last_modified and event.last_modified < last_modified)


def title_of(event) -> str:
    return plain_text(event.summary)[:TITLE_MAX].strip() or _("Événement sans titre")


def override_values(event, atelier) -> dict:
    """A session's change as the calendar states it: cancelled, moved (start or length), another place."""
    moved = event.start != event.recurrence_id or (event.end - event.start) != atelier.duration
    place = place_fields(event.location)
    if place and (place["place_name"], place["address"]) == (atelier.place_name, atelier.address):
        place = {}
    latitude, longitude = (event.geo or (None, None)) if place else (None, None)
    return {
        "status": enums.Status.CANCELLED if event.status == "CANCELLED" else enums.Status.SCHEDULED,
        "title": override_title(event, atelier),
        "new_start": localize(event.start) if moved else None,
        "new_end": localize(event.end) if moved else None,
        "place_name": place.get("place_name", ""),
        "address": place.get("address", ""),
        "commune": place.get("commune", ""),
        "latitude": latitude,
        "longitude": longitude,
    }


def override_title(event, atelier) -> str:
    """The title a moved or changed session has of its own (a RECURRENCE-ID with another SUMMARY).

    Empty when the calendar repeats the series' title: the session then follows the series if its title
    changes later.
    Stored as `SessionOverride.title`, which the pages and our exports show for that session.
    """
    title = title_of(event)
    return "" if title == atelier.title else title


def content_values(event, *, atelier, feed) -> dict:
    """What the calendar owns of an atelier (`reconcile.CONTENT_FIELDS`), rewritten when its block changes.

    A status Maillage sets that a calendar cannot say (« complet », « reporté ») stays until the calendar
    cancels the event; a cancelled atelier that is back in the calendar is scheduled again.
    """
    if event.status == "CANCELLED":
        status = enums.Status.CANCELLED
    elif atelier is None or atelier.status == enums.Status.CANCELLED:
        status = enums.Status.SCHEDULED
    else:
        status = atelier.status
    description = description_html(event.description)
    if event.url.lower().startswith(("http://", "https://")):
        link = f'<p><a href="{html.escape(event.url)}">{html.escape(_("Plus d’informations"))}</a></p>'
        description = clean_html(description + link)
    place = place_fields(event.location) or {
        "place_name": feed.default_place_name,
        "address": feed.default_address,
        "postal_code": "",
        "commune": feed.default_commune,
    }
    latitude, longitude = event.geo or (None, None)
    return {
        "title": title_of(event),
        "summary": shorten(plain_text(event.description), SUMMARY_MAX),
        "description": description,
        "status": status,
        **schedule_fields(event),
        **place,
        "latitude": latitude,
        "longitude": longitude,
    }


def feed_defaults(event, feed) -> dict:
    """Maillage's own fields, which a calendar cannot express: from the feed's defaults, on creation only."""
    return {
        "themes": list(dict.fromkeys([*feed.default_themes, *event.themes])),
        "publics": list(feed.default_publics),
        "visibility": feed.default_visibility,
    }


def is_ahead(atelier, now: datetime) -> bool:
    """Whether the atelier still has a session that has not ended (series without end: always)."""
    last = atelier.schedule.last_start()
    return last is None or localize(last + atelier.duration) > now


def preview_of(events: list, now: datetime) -> list[dict]:
    """The first events people will see: upcoming ones first, by date, then the most recent past ones."""
    naive_now = now.astimezone(PARIS).replace(tzinfo=None)
    upcoming = sorted((e for e in events if e.end >= naive_now), key=lambda e: e.start)
    past = sorted((e for e in events if e.end < naive_now), key=lambda e: e.start, reverse=True)
    return [
        {
            "title": title_of(event),
            "start": localize(event.start),
            "end": localize(event.end),
            "recurring": bool(event.rrule or event.rdates),
            "status": str(
                enums.Status.CANCELLED.label if event.status == "CANCELLED" else enums.Status.SCHEDULED.label
            ),
            "location": event.location,
        }
        for event in (upcoming + past)[:PREVIEW_SIZE]
    ]


def read_index(feed) -> tuple[dict[int, IndexRow], bool]:
    """The light index of the feed's ateliers (no text, no JSON): enough to skip every unchanged block; and
    whether any of them has a per-session change, read by the same query (one row per change) so that the
    many feeds without any spare a query for them."""
    index: dict[int, IndexRow] = {}
    overrides = False
    # `order_by()`: the rows go into a dict, the model's default ordering would only add a sort.
    rows = Atelier.objects.filter(feed=feed).values_list(*INDEX_FIELDS, "overrides").order_by()
    for *row, override in rows:
        index[row[0]] = IndexRow(*row)
        overrides = overrides or override is not None
    return index, overrides
