"""Tell a structure, once, that its calendar no longer syncs, and once more when it works again.

A feed can fail for days without anyone opening the admin: the ateliers shown on Maillage then drift
from the structure's real agenda. After `FAILURE_THRESHOLD` failures in a row (not the first one: servers
hiccup), the structure's editors get one e-mail; `Feed.failure_notified` stops any further one until a
sync succeeds, which sends one "it works again" e-mail and clears the flag. The sync keeps the counters;
this module only reads them. The flag is flipped with a conditional UPDATE before sending, so two workers
can never both send; if sending fails, the flag is put back so that the next run tries again.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.admin.admin_url_finder import AdminURLFinder

from network.enums import EDITING_ROLES
from network.models import Membership

from .models import Feed

logger = logging.getLogger(__name__)

FAILURE_THRESHOLD = 3


def after_sync(feed: Feed) -> str | None:
    """Send the failure or recovery e-mail if `feed`'s fresh state calls for one; returns which, if any."""
    failing = feed.consecutive_failures >= FAILURE_THRESHOLD
    if failing and not feed.failure_notified and _flip(feed, to=True):
        return "failing" if _send(feed, "failing", revert_to=False) else None
    recovered = feed.consecutive_failures == 0 and feed.last_success_at is not None
    if recovered and feed.failure_notified and _flip(feed, to=False):
        return "recovered" if _send(feed, "recovered", revert_to=True) else None
    return None


def _flip(feed: Feed, *, to: bool) -> bool:
    claimed = Feed.objects.filter(pk=feed.pk, failure_notified=not to).update(failure_notified=to) == 1
    if claimed:
        feed.failure_notified = to
    return claimed


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
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(feed: Feed, kind: str, *, revert_to: bool) -> bool:
    to = recipients(feed)
    if not to:
        logger.warning("Feed %s: nobody to tell (%s), no e-mail sent", feed.pk, kind)
        return False
    try:
        with translation.override(settings.LANGUAGE_CODE):
            message = _build(feed, kind, to)
        message.send()
    except Exception:
        # Put the flag back: the next run will try again instead of never telling anyone.
        Feed.objects.filter(pk=feed.pk).update(failure_notified=revert_to)
        feed.failure_notified = revert_to
        logger.exception("Feed %s: the %s e-mail could not be sent", feed.pk, kind)
        return False
    logger.info("Feed %s: %s e-mail sent to %s", feed.pk, kind, ", ".join(to))
    return True


def _build(feed: Feed, kind: str, to: list[str]) -> EmailMultiAlternatives:
    structure = feed.structure
    context = {
        "feed": feed,
        "feed_name": feed.name or feed.url,
        "structure": structure,
        "admin_url": admin_url(feed),
        "last_success_at": timezone.localtime(feed.last_success_at) if feed.last_success_at else None,
        "created_at": timezone.localtime(feed.created_at) if feed.created_at else None,
        "last_fetch_at": timezone.localtime(feed.last_fetch_at) if feed.last_fetch_at else None,
    }
    if kind == "failing":
        subject = _("[Maillage] Votre calendrier « %(name)s » ne se synchronise plus")
    else:
        subject = _("[Maillage] Votre calendrier « %(name)s » se synchronise de nouveau")
    message = EmailMultiAlternatives(
        subject=subject % {"name": context["feed_name"]},
        body=render_to_string(f"calendars/emails/feed_{kind}.txt", context),
        to=to,
    )
    message.attach_alternative(render_to_string(f"calendars/emails/feed_{kind}.html", context), "text/html")
    return message
