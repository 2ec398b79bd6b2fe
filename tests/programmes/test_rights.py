"""Who may take which step, in every state: the full matrix, read from `domain.allowed_steps` and proven by
running each step for real."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmes import domain, rights
from programmes.enums import ContributionState as S
from tests.factories import StructureFactory, UserFactory

from .factories import ContributionFactory, CycleFactory, bassin_of, coordinator_of, editor_of

pytestmark = pytest.mark.django_db

STRUCTURE_STEPS = {
    S.DRAFT: {"submit", "withdraw"},
    S.SUBMITTED: {"withdraw"},
    S.CHANGES_REQUESTED: {"submit", "withdraw"},
    S.ACCEPTED: {"withdraw"},
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}
REVIEW_STEPS = {
    S.DRAFT: set(),
    S.SUBMITTED: {"request_changes", "accept", "decline"},
    S.CHANGES_REQUESTED: {"accept", "decline"},
    S.ACCEPTED: {"request_changes", "decline"},
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}
EXPECTED = {
    "editor": STRUCTURE_STEPS,
    "cycle_coordinator": REVIEW_STEPS,
    "bassin_coordinator": {state: STRUCTURE_STEPS[state] | REVIEW_STEPS[state] for state in S.values},
    "superuser": {state: STRUCTURE_STEPS[state] | REVIEW_STEPS[state] for state in S.values},
    "other_bassin_coordinator": {state: set() for state in S.values},
    "co_organiser_editor": {state: set() for state in S.values},
    "other_editor": {state: set() for state in S.values},
    "member_without_rights": {state: set() for state in S.values},
}


@pytest.fixture
def people():
    host = StructureFactory()
    partner = StructureFactory()
    cycle_coordinator = UserFactory()
    cycle = CycleFactory(coordinators=[cycle_coordinator])
    contribution = ContributionFactory(cycle=cycle, structure=host)
    contribution.co_organisers.add(partner)
    mediator = UserFactory()
    from network import domain as network_domain

    network_domain.add_member(structure=host, user=mediator, role="mediateur")
    return contribution, {
        "editor": editor_of(host),
        "cycle_coordinator": cycle_coordinator,
        "bassin_coordinator": coordinator_of(bassin_of(host)),
        "superuser": UserFactory(is_superuser=True),
        "other_bassin_coordinator": coordinator_of(bassin_of(partner)),
        "co_organiser_editor": editor_of(partner),
        "other_editor": editor_of(StructureFactory()),
        "member_without_rights": mediator,
    }


@pytest.mark.parametrize("state", S.values)
def test_allowed_steps_matrix(people, state):
    contribution, actors = people
    contribution.state = state
    contribution.save()

    found = {name: set(domain.allowed_steps(user, contribution)) for name, user in actors.items()}

    assert found == {name: expected[state] for name, expected in EXPECTED.items()}


STEP_FUNCTIONS = {
    "submit": domain.submit_contribution,
    "request_changes": domain.request_changes,
    "accept": domain.accept_contribution,
    "decline": domain.decline_contribution,
    "withdraw": domain.withdraw_contribution,
}


@pytest.mark.parametrize("actor", ["editor", "cycle_coordinator", "other_bassin_coordinator", "other_editor"])
@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.ACCEPTED, S.DECLINED])
def test_each_step_runs_exactly_when_allowed(people, actor, state):
    """The domain functions enforce the matrix themselves: a view cannot skip it."""
    contribution, actors = people
    contribution.state = state
    contribution.save()
    user = actors[actor]

    for name, function in STEP_FUNCTIONS.items():
        contribution.refresh_from_db()
        contribution.state = state
        contribution.save()
        allowed = name in EXPECTED[actor][state]
        try:
            function(contribution=contribution, by=user, message="Merci de préciser.")
            ran = True
        except (PermissionDenied, ValidationError):
            ran = False
        assert (name, ran) == (name, allowed)


def test_co_organiser_editor_sees_but_cannot_edit(people):
    contribution, actors = people

    assert rights.can_view(actors["co_organiser_editor"], contribution)
    assert not rights.can_edit(actors["co_organiser_editor"], contribution)
    assert not rights.can_view(actors["other_editor"], contribution)


def test_reviewers_never_see_drafts(people):
    contribution, actors = people
    cycle = contribution.cycle

    assert list(rights.reviewable_contributions(actors["cycle_coordinator"], cycle)) == []
    domain.submit_contribution(contribution=contribution, by=actors["editor"])
    assert list(rights.reviewable_contributions(actors["cycle_coordinator"], cycle)) == [contribution]
    assert list(rights.reviewable_contributions(actors["bassin_coordinator"], cycle)) == [contribution]
    assert list(rights.reviewable_contributions(actors["other_bassin_coordinator"], cycle)) == []
