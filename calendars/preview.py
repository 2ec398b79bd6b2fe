"""The admin preview of a feed, read by a Celery worker and kept in the database (`FeedPreview`).

Why not in the web request: a calendar host may take the whole fetch deadline to answer (or to fail), and
two such previews would hold every web worker meanwhile. The page asks for a reading, the worker runs
`read_preview`, and the page shows the outcome stored here.

What must stay true:
- a reading writes nothing but its own `FeedPreview` row (`sync.preview_feed` is a dry run), and, when it
  worked, takes its feed out of « à corriger » if the feed still has the address read (`Feed.status`), in
  the same transaction, so that the page never offers « Activer » for a feed not yet marked readable;
- what is stored is plain JSON (the counts, the first events, the warnings), read back by `stored_events`
  for the same rendering as before;
- a reading ends `done` or `failed`, the latter with a French message; never an internal error text.
"""

from datetime import date, datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .fetch import FetchError
from .models import Feed, FeedPreview, FeedPreviewStatus
from .sync import MAX_WARNINGS, preview_feed

PREVIEW_LIMIT = 20


def read_preview(*, preview: FeedPreview) -> FeedPreview:
    """Read the calendar at `preview.url` as a sync would, without writing anything, and store the outcome.

    Only a pending reading is read: the conditional update makes a task delivered twice read once.
    """
    claimed = FeedPreview.objects.filter(pk=preview.pk, status=FeedPreviewStatus.PENDING).update(
        status=FeedPreviewStatus.RUNNING
    )
    if not claimed:
        return preview
    feed = preview.feed
    feed.url = preview.url  # the address the person asked about; a dry run saves nothing of the feed
    try:
        report = preview_feed(feed=feed)
    except FetchError as error:
        return finish_preview(preview=preview, error=error.message)
    except SoftTimeLimitExceeded:  # the task's time limit: the calendar took too long to parse
        return finish_preview(preview=preview, error=too_long_message())
    return finish_preview(preview=preview, result=preview_result(report))


@transaction.atomic
def finish_preview(*, preview: FeedPreview, result: dict | None = None, error: str = "") -> FeedPreview:
    """Store the outcome of a reading: `result` when it worked, else `error` (in French)."""
    if not error:
        Feed.objects.filter(pk=preview.feed_id).read_at(preview.url)
    preview.status = FeedPreviewStatus.FAILED if error else FeedPreviewStatus.DONE
    preview.result, preview.error, preview.finished_at = result or {}, error, timezone.now()
    preview.save(update_fields=["status", "result", "error", "finished_at"])
    return preview


def too_long_message() -> str:
    return _(
        "La lecture du calendrier a pris trop de temps et a été interrompue : réessayez plus tard, "
        "ou publiez un agenda plus court."
    )


def preview_result(report) -> dict:
    """What the preview page shows of a dry-run `SyncReport`, as JSON."""
    return {
        "event_count": report.event_count,
        "created": report.created,
        "updated": report.updated,
        "cancelled": report.cancelled,
        "skipped": report.skipped,
        "events": report.preview[:PREVIEW_LIMIT],
        "more_events": max(0, report.event_count - PREVIEW_LIMIT),
        "warnings": report.warnings[:MAX_WARNINGS],
    }


def stored_events(result: dict) -> list[dict]:
    """The events of a stored result with their dates and times as Python values again."""
    return [
        {**event, "start": _moment(event.get("start")), "end": _moment(event.get("end"))}
        for event in result.get("events") or []
        if isinstance(event, dict)
    ]


def _moment(value):
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return None
