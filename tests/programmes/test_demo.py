"""The demo cycle: a dozen contributions in every state, published ateliers for the accepted ones."""

from collections import Counter
from datetime import date

import pytest

from events.models import Atelier
from network.demo import load_demo_territory
from programmes.demo import CONTRIBUTIONS, demo_week, load_demo_cycle
from programmes.enums import ContributionState as S
from programmes.models import Contribution, CyclePage

pytestmark = pytest.mark.django_db


def test_demo_week_is_the_first_april_week_at_least_two_months_ahead():
    assert demo_week(date(2026, 12, 1)) == date(2027, 4, 5)
    assert demo_week(date(2027, 1, 20)) == date(2027, 4, 5)
    assert demo_week(date(2027, 2, 15)) == date(2028, 4, 3)


def test_load_demo_cycle_creates_every_state_once_and_publishes_accepted(django_capture_on_commit_callbacks):
    load_demo_territory(password="x")

    first = load_demo_cycle(password="x")
    second = load_demo_cycle(password="x")

    cycle = CyclePage.objects.get()
    assert cycle.is_call_open()
    assert (first.contributions_created, second.contributions_created) == (len(CONTRIBUTIONS), 0)
    states = Counter(Contribution.objects.values_list("state", flat=True))
    assert set(states) == set(S.values)
    accepted = Contribution.objects.filter(state=S.ACCEPTED)
    assert Atelier.objects.filter(contribution__in=accepted).count() == states[S.ACCEPTED]
    assert not Contribution.objects.exclude(state=S.ACCEPTED).filter(atelier__isnull=False).exists()
    assert cycle.coordinator_links.count() == 1
