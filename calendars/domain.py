"""What people do to a synchronised calendar from the admin: switch it on or off, ask for a sync now,
delete it, and take one imported atelier back into their own hands.

What must stay true:
- a sync always runs in Celery (`sync_feed_task`), enqueued after the commit so that the worker reads the
  saved feed; nothing here fetches;
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

from .models import Feed
from .tasks import sync_feed_task


@transaction.atomic
def activate_feed(*, feed: Feed) -> None:
    """Switch the sync on and run it at once; later runs follow the feed's interval."""
    feed.active = True
    feed.next_run_at = None
    feed.save(update_fields=["active", "next_run_at", "updated_at"])
    sync_feed_task.delay_on_commit(feed_id=feed.pk)


@transaction.atomic
def deactivate_feed(*, feed: Feed) -> None:
    """Stop the sync; the ateliers already imported stay online, frozen as they are."""
    feed.active = False
    feed.save(update_fields=["active", "updated_at"])


def request_sync(*, feed: Feed) -> None:
    """« Synchroniser maintenant »: only an active feed is synced (the task skips inactive ones)."""
    if not feed.active:
        raise ValidationError(_("Ce calendrier est désactivé : activez-le d'abord."), code="feed_inactive")
    sync_feed_task.delay_on_commit(feed_id=feed.pk)


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
