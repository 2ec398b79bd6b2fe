"""Tell a structure, once, that its calendar no longer syncs, and once more when it works again.

A feed can fail for days without anyone opening the admin: the ateliers shown on Maillage then drift
from the structure's real agenda. After `FAILURE_THRESHOLD` failures in a row (not the first one: servers
hiccup), the structure's editors get one e-mail; `Feed.failure_notified` stops any further one until a
sync succeeds, which sends one "it works again" e-mail and clears the flag. The sync keeps the counters;
this module only reads them. The flag is flipped with a conditional UPDATE in the same transaction that
puts the e-mails in the outbox, so two workers can never both tell, and an SMTP failure is the outbox's to
retry, not a reason to tell again.
"""

import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder

from network.enums import EDITING_ROLES
from network.models import Membership
from outbox.links import absolute_url
from outbox.queue import queue_email

from .models import Feed

logger = logging.getLogger(__name__)

FAILURE_THRESHOLD = 3


def after_sync(feed: Feed) -> str | None:
    """Queue the failure or recovery e-mail if `feed`'s fresh state calls for one; returns which, if any."""
    failing = feed.consecutive_failures >= FAILURE_THRESHOLD
    if failing and not feed.failure_notified:
        return "failing" if notify(feed=feed, kind="failing", flag=True) else None
    recovered = feed.consecutive_failures == 0 and feed.last_success_at is not None
    if recovered and feed.failure_notified:
        return "recovered" if notify(feed=feed, kind="recovered", flag=False) else None
    return None


def _flip(feed: Feed, *, to: bool) -> bool:
    claimed = Feed.objects.filter(pk=feed.pk, failure_notified=not to).update(failure_notified=to) == 1
    if claimed:
        feed.failure_notified = to
    return claimed


@transaction.atomic
def notify(*, feed: Feed, kind: str, flag: bool) -> bool:
    """Set `failure_notified` to `flag` and queue one e-mail per recipient (nobody sees the others'
    addresses). The key names the episode (the last success before it), so a retried task queues nothing
    new. False when another worker already did it, or when there is nobody to tell."""
    addresses = recipients(feed)
    if not addresses:
        logger.warning("Feed %s: nobody to tell (%s), no e-mail queued", feed.pk, kind)
        return False
    if not _flip(feed, to=flag):
        return False
    episode = feed.last_success_at.isoformat() if feed.last_success_at else "never"
    context = email_context(feed)
    for address in addresses:
        queue_email(
            key=f"feed-{kind}:{feed.pk}:{episode}:{address}"[:200],
            reason=f"feed_{kind}",
            to=address,
            template=f"calendars/emails/feed_{kind}",
            context=context,
            topic=f"structure:{feed.structure_id}/feed:{feed.pk}",
        )
    logger.info("Feed %s: %s e-mail queued for %s", feed.pk, kind, ", ".join(addresses))
    return True


def recipients(feed: Feed) -> list[str]:
    """The structure's editors; when it has none with an address, the structure's public e-mail addresses."""
    editors = (
        Membership.objects.filter(structure_id=feed.structure_id, role__in=EDITING_ROLES)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .order_by("created_at", "pk")
        .values_list("user__email", flat=True)
    )
    addresses = list(dict.fromkeys(editors))
    if not addresses:
        addresses = list(dict.fromkeys(address for address in feed.structure.courriels or [] if address))
    return addresses


def admin_url(feed: Feed) -> str:
    """Where to fix the feed: its admin page when one is registered, else the structure's page editor."""
    path = AdminURLFinder().get_edit_url(feed) or reverse("wagtailadmin_pages:edit", args=[feed.structure_id])
    return absolute_url(path)


def email_context(feed: Feed) -> dict:
    return {
        "feed": feed,
        "feed_name": feed.name or feed.url,
        "structure": feed.structure,
        "admin_url": admin_url(feed),
        "last_success_at": timezone.localtime(feed.last_success_at) if feed.last_success_at else None,
        "created_at": timezone.localtime(feed.created_at) if feed.created_at else None,
        "last_fetch_at": timezone.localtime(feed.last_fetch_at) if feed.last_fetch_at else None,
    }
