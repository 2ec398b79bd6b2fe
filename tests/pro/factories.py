"""Factories of the professional area: members (through `network.domain`), profiles, pro events, tokens."""

import factory

from events import enums as event_enums
from network import domain
from network.enums import MemberRole
from network.models import MemberProfile, ProfileVisibility
from pro.models import CalendarToken
from tests.factories import AtelierFactory, UserFactory


def make_member(structure, *, role=MemberRole.MEDIATEUR, visibility=None, **user_fields):
    """A person with `role` in `structure` (groups granted as in real life), with a profile when
    `visibility` is given (people without one count as seen by their bassins)."""
    user = UserFactory(**user_fields)
    domain.add_member(structure=structure, user=user, role=role)
    if visibility is not None:
        MemberProfileFactory(user=user, visibility=visibility)
    return user


def make_coordinator(bassin, **user_fields):
    user = UserFactory(**user_fields)
    domain.add_coordinator(bassin=bassin, user=user)
    return user


class MemberProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberProfile

    user = factory.SubFactory(UserFactory)
    job_title = "Conseillère numérique"
    topics = "démarches en ligne, seniors"
    languages = "français, anglais"
    can_help_with = "Les démarches de la CAF."
    visibility = ProfileVisibility.BASSIN


class ProAtelierFactory(AtelierFactory):
    """A professionals-only training: the kind of event that must never reach public pages or feeds."""

    title = factory.Sequence(lambda n: f"Formation des médiateurs n° {n}")
    kind = event_enums.Kind.FORMATION
    visibility = event_enums.Visibility.PROFESSIONALS


class CalendarTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarToken

    user = factory.SubFactory(UserFactory)
