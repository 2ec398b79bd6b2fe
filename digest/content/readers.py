"""Readers: a chunk of subscriptions turned into plain `Reader`s, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from network.models import Coordination, Membership

from ..models import Delivery, DeliveryStatus, Subscription
from ..weeks import monday_of
from .edition import Edition
from .items import Reader


def default_since(week: str, now: datetime) -> tuple[datetime, datetime]:
    """(a first letter's "since", the earliest "since" ever), counted back from the week's Monday, or from
    now for a week still to come (a preview): news cannot come from the future."""
    monday = timezone.make_aware(datetime.combine(monday_of(week), datetime.min.time()))
    reference = min(monday, now)
    return (
        reference - timedelta(days=settings.DIGEST["FIRST_LOOKBACK_DAYS"]),
        reference - timedelta(days=settings.DIGEST["MAX_LOOKBACK_DAYS"]),
    )


def load_readers(*, subscriptions: list[Subscription], week: str, edition: Edition) -> list[Reader]:
    """Readers for a chunk of subscriptions (with their `user` loaded), in four queries whatever its size.

    An unsaved subscription (a dry run for a member who has none yet) reads its default bassins: those of
    the person's structures and coordinations.
    """
    saved_ids = [subscription.pk for subscription in subscriptions if subscription.pk]
    user_ids = [subscription.user_id for subscription in subscriptions]
    chosen: dict[int, set[int]] = defaultdict(set)
    for subscription_id, bassin_id in Subscription.bassins.through.objects.filter(
        subscription_id__in=saved_ids
    ).values_list("subscription_id", "bassinpage_id"):
        chosen[subscription_id].add(bassin_id)
    belongs: dict[int, set[int]] = defaultdict(set)
    for user_id, structure_bassin in Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "structure__bassin_id"
    ):
        bassin_id = edition.bassin_of(structure_bassin)
        if bassin_id is not None:
            belongs[user_id].add(bassin_id)
    for user_id, bassin_id in Coordination.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "bassin_id"
    ):
        belongs[user_id].add(bassin_id)
    last_sent = dict(
        Delivery.objects.filter(subscription_id__in=saved_ids, status=DeliveryStatus.SENT, week__lt=week)
        .values("subscription_id")
        .annotate(last=Max("sent_at"))
        .values_list("subscription_id", "last")
    )
    first, floor = default_since(week, edition.now)
    readers = []
    for subscription in subscriptions:
        user = subscription.user
        member_bassins = frozenset(belongs.get(user.pk, ()))
        bassin_ids = chosen.get(subscription.pk, set()) if subscription.pk else member_bassins
        previous = last_sent.get(subscription.pk)
        readers.append(
            Reader(
                subscription_id=subscription.pk,
                user_id=user.pk,
                email=user.email,
                first_name=user.first_name,
                bassin_ids=frozenset(bassin_ids),
                themes=frozenset(subscription.themes),
                publics=frozenset(subscription.publics),
                include_pro=subscription.include_pro,
                member_bassin_ids=member_bassins,
                since=max(previous, floor) if previous else first,
            )
        )
    return readers


def build_digests(*, subscriptions: list[Subscription], week: str, now: datetime | None = None):
    """Letters for a chunk: [(subscription, Digest)], with a fixed number of queries."""
    edition = Edition(week=week, now=now)
    edition.load_territory()
    readers = load_readers(subscriptions=subscriptions, week=week, edition=edition)
    edition.load_news(since=min((reader.since for reader in readers), default=edition.now))
    return [
        (subscription, edition.digest_for(reader))
        for subscription, reader in zip(subscriptions, readers, strict=True)
    ]
