"""The letter's share of a person's data download (« Mon compte » → télécharger mes données)."""

from django.utils import timezone

from .models import Subscription


def _when(value) -> str | None:
    """ISO 8601 in Paris time, the time people read in their letters."""
    return timezone.localtime(value).isoformat() if value else None


def user_data(user) -> dict:
    """Preferences and delivery history, as plain JSON-ready values; creates nothing.

    Error texts are the recipient's server's own answers about the person's address: theirs to see.
    """
    subscription = Subscription.objects.filter(user=user).prefetch_related("bassins", "deliveries").first()
    if subscription is None:
        return {"preferences": None, "deliveries": []}
    field = Subscription._meta.get_field
    return {
        "preferences": {
            "frequency": subscription.get_frequency_display(),
            "bassins": sorted(bassin.title for bassin in subscription.bassins.all()),
            "themes": field("themes").get_choices_display(subscription.themes),
            "publics": field("publics").get_choices_display(subscription.publics),
            "include_pro": subscription.include_pro,
            "created_at": _when(subscription.created_at),
            "unsubscribed_at": _when(subscription.unsubscribed_at),
            "paused_at": _when(subscription.paused_at),
            "pause_reason": subscription.pause_reason,
            "paused_email": subscription.paused_email,
            "consecutive_failures": subscription.consecutive_failures,
        },
        "deliveries": [
            {
                "week": delivery.week,
                "status": delivery.get_status_display(),
                "attempts": delivery.attempts,
                "sent_at": _when(delivery.sent_at),
                "last_error": delivery.last_error,
                "message_id": delivery.message_id,
            }
            for delivery in sorted(subscription.deliveries.all(), key=lambda d: d.week, reverse=True)
        ],
    }
