"""Feeds assembled from each series' stored VEVENTs (`SeriesExport`), re-serializing only what changed.

Why: serializing a bassin's 1,000 series took most of a cold .ics request (~150 ms), while between two
requests usually nothing, or one series, has changed. So a feed reads light facts first (per series: id,
SEQUENCE, last change; per override: id, sequence, last change; per structure: last publication), computes
each series' key from them, takes the stored chunk whose key still matches, and serializes the others with
`events.ical.export` — then stores them, so the next request finds them. A stale or missing row can
therefore never be served: it only costs the time of writing it again.

Query count: three for the facts and chunks, plus, when some series are stale, three to load them in full
and one upsert per 500 — the same whatever the number of sessions (asserted in tests/events/test_feeds.py).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict

from django.db import DatabaseError, transaction
from django.utils.translation import get_language

from network.models import StructurePage

from ..models import SeriesExport, SessionOverride
from .export import PREREQUISITE_FLAGS, join_calendar, series_chunk

logger = logging.getLogger(__name__)

WRITE_BATCH = 500

# What `events.ical.export` reads of an atelier: loading only these (not the description HTML, nor the
# fields feeds do not carry) took a third off building a bassin's feed of 1,000 series. A field missing
# here would cost one query per series, which the query-count tests would catch.
EXPORT_FIELDS = (
    "structure",
    "uid",
    "sequence",
    "status",
    "title",
    "summary",
    "prerequisites",
    *PREREQUISITE_FLAGS,
    "price",
    "price_amount",
    "price_details",
    "registration",
    "registration_details",
    "format",
    "place_name",
    "address",
    "commune",
    "latitude",
    "longitude",
    "start_date",
    "start_time",
    "end_time",
    "end_date",
    "rrule",
    "rdates",
    "exdates",
    "themes",
    "created_at",
    "updated_at",
)


def _stamp(moment) -> float | None:
    return moment.timestamp() if moment is not None else None


def series_key(*, pk, sequence, updated_at, overrides, published, base_url: str) -> str:
    """Changes whenever what `export.atelier_events` writes for a series can change.

    `overrides`: (id, sequence, updated_at) of each of its session changes; `published`: when its structure
    was last published (the place and organiser lines come from the structure); the language and the base
    URL are in the text too.
    """
    facts = (
        pk,
        sequence,
        _stamp(updated_at),
        sorted((item_pk, item_sequence, _stamp(changed)) for item_pk, item_sequence, changed in overrides),
        _stamp(published),
        base_url,
        get_language() or "fr",
    )
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def key_of(atelier, *, base_url: str) -> str:
    """`series_key` of a loaded atelier (its `overrides` and `structure` prefetched)."""
    return series_key(
        pk=atelier.pk,
        sequence=atelier.sequence,
        updated_at=atelier.updated_at,
        overrides=[(item.pk, item.sequence, item.updated_at) for item in atelier.overrides.all()],
        published=atelier.structure.last_published_at,
        base_url=base_url,
    )


def feed_body(ateliers, *, name: str, base_url: str) -> bytes:
    """The VCALENDAR of the ateliers of the queryset `ateliers`, in id order."""
    rows = list(
        ateliers.order_by("pk").values_list(
            "pk", "sequence", "updated_at", "structure_id", "series_export__key", "series_export__body"
        )
    )
    if not rows:
        return join_calendar([], name=name)
    overrides = defaultdict(list)
    for atelier_id, *facts in SessionOverride.objects.filter(atelier__in=ateliers.values("pk")).values_list(
        "atelier_id", "pk", "sequence", "updated_at"
    ):
        overrides[atelier_id].append(facts)
    published = dict(
        StructurePage.objects.filter(pk__in={row[3] for row in rows}).values_list("pk", "last_published_at")
    )
    chunks: dict[int, bytes] = {}
    stale: list[int] = []
    for pk, sequence, updated_at, structure_id, stored_key, body in rows:
        key = series_key(
            pk=pk,
            sequence=sequence,
            updated_at=updated_at,
            overrides=overrides.get(pk, ()),
            published=published.get(structure_id),
            base_url=base_url,
        )
        if body is not None and stored_key == key:
            chunks[pk] = body.encode()
        else:
            stale.append(pk)
    if stale:
        chunks.update(_refresh(ateliers.model.objects.filter(pk__in=stale), base_url=base_url))
    # A series deleted between the two reads is simply left out.
    return join_calendar((chunks[row[0]] for row in rows if row[0] in chunks), name=name)


def _refresh(ateliers, *, base_url: str) -> dict[int, bytes]:
    """Serialize `ateliers` anew and store their chunks; a failed write only loses the saving."""
    loaded = ateliers.prefetch_related("structure", "overrides").only(*EXPORT_FIELDS)
    chunks, exports = {}, []
    for atelier in loaded:
        chunk = series_chunk(atelier, base_url=base_url)
        chunks[atelier.pk] = chunk
        key = key_of(atelier, base_url=base_url)
        exports.append(SeriesExport(atelier_id=atelier.pk, key=key, body=chunk.decode()))
    try:
        with transaction.atomic():
            SeriesExport.objects.bulk_create(
                exports,
                batch_size=WRITE_BATCH,
                update_conflicts=True,
                unique_fields=["atelier"],
                update_fields=["key", "body"],
            )
    except DatabaseError:
        logger.exception("Storing %s series exports failed; the feed is served all the same", len(exports))
    return chunks
