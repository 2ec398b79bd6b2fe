"""Factories of the weekly letter: subscriptions and deliveries, plus a member helper."""

from datetime import timedelta

import factory
from django.utils import timezone

from digest.models import Delivery, DeliveryStatus, Frequency, Subscription
from digest.weeks import monday_of, week_of
from network import domain
from network.enums import MemberRole
from tests.factories import UserFactory


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A weekly subscription; `bassins=[…]` sets its chosen bassins (none: the whole region)."""

    class Meta:
        model = Subscription
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    frequency = Frequency.WEEKLY
    themes = factory.LazyFunction(list)
    publics = factory.LazyFunction(list)
    include_pro = True

    @factory.post_generation
    def bassins(subscription, create, extracted, **kwargs):
        if create and extracted:
            subscription.bassins.set(extracted)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    subscription = factory.SubFactory(SubscriptionFactory)
    week = factory.LazyFunction(lambda: week_of(timezone.localdate()))
    status = DeliveryStatus.PLANNED


def member_of(structure, user=None, role=MemberRole.MEDIATEUR):
    """A person with a role in `structure` (a member of the network)."""
    user = user or UserFactory()
    domain.add_member(structure=structure, user=user, role=role)
    return user


def future_week(weeks_ahead: int = 2) -> str:
    """A week wholly in the future, so that every session of its letter is still to come."""
    return week_of(timezone.localdate() + timedelta(weeks=weeks_ahead))


def day_of(week: str, offset: int):
    """The date `offset` days after the Monday of `week`."""
    return monday_of(week) + timedelta(days=offset)
