"""What people do to a synchronised calendar from the admin: switch it on or off, ask for a sync now,
delete it, and take one imported atelier back into their own hands.

What must stay true:
- a calendar is saved once per structure and address (`Feed` constraint); a new one, or one given another
  address, is saved inactive and « à corriger » (`FeedStatus.TO_FIX`) until a reading of its address works
  (its preview, `calendars.preview`); only then may it be activated, and its first sync runs. So a calendar
  that fails on the first try is kept once, as « à corriger », and adding it again is refused in French;
- a sync always runs in Celery (`sync_feed_task`), and so does a preview (`preview_feed_task`), enqueued
  after the commit so that the worker reads the saved rows; nothing here fetches. A broker that is down
  never fails the editor's action: the feed is left due (`next_run_at`), so `dispatch_due_feeds` syncs it
  once the broker is back, and a preview whose task was lost is replaced once stale;
- deleting a calendar deletes the ateliers it imported, never those an editor detached: they belong to the
  structure now;
- a detached atelier keeps `feed` and `remote_uid` (where it came from, and what keeps the sync from creating
  it again) and is never touched by a sync again.
Rights are checked by the callers (`calendars.permissions`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions import DeleteAction

from events import enums
from events.models import Atelier
from outbox.publish import publish_on_commit

from .models import Feed, FeedPreview
from .tasks import preview_feed_task, sync_feed_task


@transaction.atomic
def activate_feed(*, feed: Feed) -> None:
    """Switch the sync on and run it at once; later runs follow the feed's interval.

    A feed « à corriger » (its address never read successfully) is refused: its preview must work first.
    """
    if feed.needs_fixing:
        raise ValidationError(
            _(
                "Maillage n'a pas encore réussi à lire ce calendrier : corrigez son adresse ou relisez "
                "l'aperçu, puis activez-le."
            ),
            code="feed_to_fix",
        )
    feed.active = True
    feed.next_run_at = None
    feed.save(update_fields=["active", "next_run_at", "updated_at"])
    publish_on_commit(sync_feed_task, feed_id=feed.pk)


@transaction.atomic
def deactivate_feed(*, feed: Feed) -> None:
    """Stop the sync; the ateliers already imported stay online, frozen as they are."""
    feed.active = False
    feed.save(update_fields=["active", "updated_at"])


def request_sync(*, feed: Feed) -> None:
    """« Synchroniser maintenant »: only an active feed is synced (the task skips inactive ones)."""
    if not feed.active:
        raise ValidationError(_("Ce calendrier est désactivé : activez-le d'abord."), code="feed_inactive")
    Feed.objects.filter(pk=feed.pk).update(next_run_at=timezone.now())
    publish_on_commit(sync_feed_task, feed_id=feed.pk)


@transaction.atomic
def delete_feed(*, feed: Feed, user=None) -> None:
    """Delete the feed and the ateliers it imported (the foreign key cascades), keeping detached ones.

    Goes through Wagtail's `DeleteAction`, so that the deletion is logged like any other in the admin.
    """
    feed.ateliers.filter(detached=True).update(feed=None)
    DeleteAction(feed, user=user).execute(skip_permission_checks=True)


def is_detachable(atelier: Atelier) -> bool:
    """An atelier still kept up to date by its calendar (and so read-only in the admin)."""
    return atelier.source == enums.Source.FEED and atelier.feed_id is not None and not atelier.detached


def detach_atelier(*, atelier: Atelier) -> None:
    """Turn an imported atelier into one edited here; syncs never change it again. Cannot be undone.

    A conditional update: two clicks, or a sync running meanwhile, cannot detach it twice or half.
    """
    detached = Atelier.objects.filter(
        pk=atelier.pk, source=enums.Source.FEED, feed__isnull=False, detached=False
    ).update(detached=True, source=enums.Source.LOCAL, updated_at=timezone.now())
    if not detached:
        raise ValidationError(
            _("Cet atelier n'est pas importé d'un calendrier : rien à détacher."), code="not_imported"
        )
    atelier.refresh_from_db(fields=["detached", "source", "updated_at"])


@transaction.atomic
def request_preview(*, feed: Feed, user, again: bool = False) -> FeedPreview:
    """The reading of `feed` at its present address that `user` is shown, asking the worker for one when
    there is none to show.

    A reading under way is always the one shown, so that reloading the page (or asking `again`) never stacks
    up downloads of the same calendar. A finished one is shown while recent (`FeedPreview.STALE_AFTER`),
    unless the person asks `again`; one still pending after that lost its task and is replaced. Readings
    older than `FeedPreview.KEPT_FOR`, anyone's, are deleted on the way.
    """
    now = timezone.now()
    FeedPreview.objects.expired(now).delete()
    latest = latest_preview(feed=feed, user=user)
    if latest is not None and not latest.is_stale(now):
        recent = latest.created_at >= now - FeedPreview.STALE_AFTER
        if not latest.finished or (recent and not again):
            return latest
    preview = FeedPreview.objects.create(feed=feed, requested_by=user, url=feed.url, created_at=now)
    publish_on_commit(preview_feed_task, preview_id=preview.pk)
    return preview


def latest_preview(*, feed: Feed, user) -> FeedPreview | None:
    """The reading of `feed` at its present address that `user` asked for last, if any."""
    return FeedPreview.objects.filter(feed=feed, requested_by=user, url=feed.url).first()
