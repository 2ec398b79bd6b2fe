"""« Envoyer à la personne »: what a mediator hands to the person they orient, by e-mail, SMS or on paper.

The mediator searches in `/pro/orienter/`, ticks the places and ateliers that fit, and sends them. Why this
shape:
- the e-mail goes through the outbox (`outbox.queue.queue_email`), like every e-mail of Maillage: retried
  when the SMTP server fails, and filed under a key made of a one-time token of the form, so that a double
  click or a page sent again never sends it twice;
- the person's address is written nowhere but in that outbox message (no log, no model of ours), and the
  message expires after a day: an orientation that did not leave in time is not sent days later;
- a member sends at most `MAILLAGE_REFERRAL_EMAILS_PER_HOUR` e-mails an hour (counted on the outbox rows
  filed under their topic), and each e-mail holds at most `MAX_PLACES` places and `MAX_SESSIONS` sessions:
  the form is not a way to send mass e-mail from the site's address;
- the SMS is an `sms:` link the mediator's own phone opens, with a short text and the public address of the
  search: nothing is sent by the site.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from events import enums
from events.models import Occurrence
from network.models import StructurePage
from outbox.links import absolute_url
from outbox.models import Message
from outbox.queue import queue_email

MAX_PLACES = 10
MAX_SESSIONS = 10
EMAIL_LIFETIME = timedelta(days=1)
SMS_MAX_NAMES = 3
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")


class TooManyEmails(Exception):
    """The member has sent their hourly share of e-mails."""


def new_token() -> str:
    """The one-time token a send form carries: the key of the e-mail it may send."""
    return secrets.token_urlsafe(24)


def is_token(value: str) -> bool:
    return bool(_TOKEN_RE.fullmatch(value or ""))


def sender_topic(user) -> str:
    return f"pro-referral/user:{user.pk}"


def emails_sent_last_hour(user, *, now=None) -> int:
    since = (now or timezone.now()) - timedelta(hours=1)
    return Message.objects.about(sender_topic(user)).filter(created_at__gte=since).count()


def _pks(values, limit: int) -> list[int]:
    pks = []
    for value in values:
        if str(value).isdigit() and int(value) not in pks:
            pks.append(int(value))
    return pks[:limit]


def chosen_places(values) -> list[StructurePage]:
    """The live public places among the ids ticked (unknown or unpublished ones are left out)."""
    pks = _pks(values, MAX_PLACES)
    return list(StructurePage.objects.live().public().filter(pk__in=pks).order_by("title")) if pks else []


def chosen_sessions(values, *, now=None) -> list[Occurrence]:
    """The sessions ticked that a member may see, not over and not cancelled, in date order."""
    pks = _pks(values, MAX_SESSIONS)
    if not pks:
        return []
    sessions = (
        Occurrence.objects.for_members()
        .upcoming(now or timezone.now())
        .filter(pk__in=pks)
        .exclude(status=enums.Status.CANCELLED)
        .select_related("atelier", "atelier__structure")
        .order_by("start", "pk")
    )
    return list(sessions)


def sender_name(user) -> str:
    return user.get_full_name() or _("votre médiateur ou médiatrice numérique")


def send_by_email(*, sender, to: str, token: str, places, sessions, search_url: str = "", now=None):
    """Queue the e-mail of `places` and `sessions` to `to`; returns the outbox message, or None when this
    token already sent one (the same e-mail). Raises `TooManyEmails` past the hourly share."""
    now = now or timezone.now()
    if emails_sent_last_hour(sender, now=now) >= settings.MAILLAGE_REFERRAL_EMAILS_PER_HOUR:
        raise TooManyEmails
    return queue_email(
        key=f"pro-referral:{token}",
        reason="pro-referral",
        to=to,
        template="pro/emails/referral",
        context={
            "sender_name": sender_name(sender),
            "places": [(place, absolute_url(place.url)) for place in places],
            "sessions": [(session, absolute_url(session.atelier.get_absolute_url())) for session in sessions],
            "search_url": absolute_url(search_url) if search_url else "",
            "site_url": absolute_url("/"),
        },
        topic=sender_topic(sender),
        expires_at=now + EMAIL_LIFETIME,
    )


def sms_body(*, places, sessions, search_url: str) -> str:
    """A short text for the person's phone: a few names, then the public address of the search."""
    names = [place.title for place in places] + [session.display_title for session in sessions]
    shown = ", ".join(names[:SMS_MAX_NAMES]) + ("…" if len(names) > SMS_MAX_NAMES else "")
    url = absolute_url(search_url)
    if shown:
        return _(
            "Maillage – pour être aidé avec le numérique : %(names)s. Adresses et horaires : %(url)s"
        ) % {
            "names": shown,
            "url": url,
        }
    return _("Maillage – pour être aidé avec le numérique, les lieux près de chez vous : %(url)s") % {
        "url": url
    }
