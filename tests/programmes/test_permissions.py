"""Who may take which step, in every state: the full matrix, read from `domain.allowed_steps` and proven by
running each step for real."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from network import domain as network_domain
from programmes import domain, permissions
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

    assert permissions.can_view(actors["co_organiser_editor"], contribution)
    assert not permissions.can_edit(actors["co_organiser_editor"], contribution)
    assert not permissions.can_view(actors["other_editor"], contribution)


def test_reviewers_never_see_drafts(people):
    contribution, actors = people
    cycle = contribution.cycle

    assert list(permissions.reviewable_contributions(actors["cycle_coordinator"], cycle)) == []
    domain.submit_contribution(contribution=contribution, by=actors["editor"])
    assert list(permissions.reviewable_contributions(actors["cycle_coordinator"], cycle)) == [contribution]
    assert list(permissions.reviewable_contributions(actors["bassin_coordinator"], cycle)) == [contribution]
    assert list(permissions.reviewable_contributions(actors["other_bassin_coordinator"], cycle)) == []


# Who enters the programmes' pages: members, and the cycles' coordinators even without a structure.


def test_a_cycle_coordinator_without_structure_opens_review_and_coverage(client):
    regional = UserFactory()
    cycle = CycleFactory(coordinators=[regional])
    client.force_login(regional)

    statuses = [
        client.get(reverse(name, kwargs={"slug": cycle.slug})).status_code
        for name in ("programmes:review", "programmes:coverage", "programmes:cycle")
    ]

    assert statuses == [200, 200, 200]
    assert client.get(reverse("programmes:cycles")).status_code == 200


def test_a_signed_in_person_with_no_role_gets_the_join_page(client):
    cycle = CycleFactory()
    client.force_login(UserFactory())

    response = client.get(reverse("programmes:review", kwargs={"slug": cycle.slug}))

    assert response.status_code == 403
    assert "pro/not_member.html" in [template.name for template in response.templates]


def test_anonymous_visitors_are_sent_to_login(client):
    cycle = CycleFactory()

    response = client.get(reverse("programmes:cycle", kwargs={"slug": cycle.slug}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
