"""Template helpers of the weekly letter: French hours, and the « Mon compte » block's state."""

from django import template

from ..content.items import day_label, hour_label
from ..delivery import is_member
from ..models import Frequency, Subscription
from ..weeks import next_sending

register = template.Library()


@register.filter
def hour_fr(value) -> str:
    """14:00 → « 14 h », 14:30 → « 14 h 30 », in Paris time: how French agendas write hours."""
    return hour_label(value) if value else ""


@register.filter
def day_fr(value) -> str:
    """A date as « mardi 15 décembre » (cached per day)."""
    return day_label(value) if value else ""


@register.simple_tag
def digest_account(user) -> dict:
    """What « Mon compte » shows about the letter, without creating anything (read-only page section).

    Someone without a subscription yet sees what they would get: members the weekly letter, others none.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
    subscription = Subscription.objects.filter(user=user).first()
    if subscription is None:
        frequency = Frequency.WEEKLY if is_member(user) else Frequency.NONE
        receiving = frequency == Frequency.WEEKLY
    else:
        frequency = subscription.frequency
        receiving = subscription.is_receiving
    return {
        "subscription": subscription,
        "frequency_label": Frequency(frequency).label,
        "receiving": receiving,
        "paused": bool(subscription and subscription.is_paused),
        "next_sending": next_sending() if receiving else None,
    }
