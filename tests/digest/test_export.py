"""`digest.export.user_data`: preferences and delivery history in the personal data download."""

from django.utils import timezone

from digest.export import user_data
from digest.models import DeliveryStatus, Subscription
from events import enums
from tests.digest.factories import DeliveryFactory, SubscriptionFactory
from tests.factories import UserFactory


def test_user_without_subscription_gets_empty_data_and_nothing_is_created(db):
    user = UserFactory()

    assert user_data(user) == {"preferences": None, "deliveries": []}
    assert Subscription.objects.count() == 0


def test_preferences_and_history_are_exported(bourges):
    theme = enums.Theme.choices[0]
    subscription = SubscriptionFactory(bassins=[bourges], themes=[theme[0]], publics=["Seniors"])
    sent_at = timezone.make_aware(timezone.datetime(2027, 3, 15, 7, 31))
    DeliveryFactory(
        subscription=subscription, week="2027-W11", status=DeliveryStatus.SENT, sent_at=sent_at, attempts=1
    )
    DeliveryFactory(
        subscription=subscription,
        week="2027-W12",
        status=DeliveryStatus.FAILED,
        attempts=2,
        last_error="452 4.2.2 Boîte pleine",
    )

    data = user_data(subscription.user)

    assert data["preferences"] | {"created_at": None} == {
        "frequency": "Chaque semaine, le lundi matin",
        "bassins": ["Bassin de Bourges"],
        "themes": [str(theme[1])],
        "publics": ["Seniors"],
        "include_pro": True,
        "created_at": None,
        "unsubscribed_at": None,
        "paused_at": None,
        "pause_reason": "",
        "paused_email": "",
        "consecutive_failures": 0,
    }
    assert data["deliveries"] == [
        {
            "week": "2027-W12",
            "status": "En échec",
            "attempts": 2,
            "sent_at": None,
            "last_error": "452 4.2.2 Boîte pleine",
            "message_id": "",
        },
        {
            "week": "2027-W11",
            "status": "Envoyée",
            "attempts": 1,
            "sent_at": sent_at.isoformat(),
            "last_error": "",
            "message_id": "",
        },
    ]
