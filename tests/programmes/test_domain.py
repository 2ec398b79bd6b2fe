"""Workflow of a contribution: every transition, who may make it, what it publishes and whom it tells."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events.models import Atelier, Occurrence
from outbox.models import Message
from programmes import domain
from programmes.enums import ContributionState, EventKind
from tests.factories import StructureFactory, UserFactory

from .factories import ContributionFactory, CycleFactory, bassin_of, coordinator_of, editor_of

pytestmark = pytest.mark.django_db
S = ContributionState


@pytest.fixture
def host():
    return StructureFactory()


@pytest.fixture
def editor(host):
    return editor_of(host)


@pytest.fixture
def cycle_coordinator():
    return UserFactory()


@pytest.fixture
def cycle(cycle_coordinator):
    return CycleFactory(coordinators=[cycle_coordinator])


@pytest.fixture
def contribution(cycle, host, editor):
    return ContributionFactory(cycle=cycle, structure=host, created_by=editor)


def submitted(contribution, editor):
    return domain.submit_contribution(contribution=contribution, by=editor)


def test_submit_moves_draft_to_submitted_and_tells_reviewers_and_structure(
    contribution, editor, cycle_coordinator
):
    result = submitted(contribution, editor)

    assert result.state == S.SUBMITTED
    assert list(result.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED]
    assert sorted(Message.objects.values_list("reason", "email")) == sorted(
        [
            ("contribution_submitted", cycle_coordinator.email),
            ("contribution_received", editor.email),
        ]
    )


def test_submit_refused_when_the_call_is_closed(cycle, contribution, editor):
    cycle.call_closes = timezone.localdate() - timedelta(days=1)
    cycle.call_opens = timezone.localdate() - timedelta(days=10)
    cycle.save()
    contribution.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        submitted(contribution, editor)

    assert error.value.code == "call_not_open"


def test_an_editor_of_another_structure_cannot_submit(contribution):
    stranger = editor_of(StructureFactory())

    with pytest.raises(PermissionDenied):
        domain.submit_contribution(contribution=contribution, by=stranger)


def test_the_structure_cannot_accept_its_own_contribution(contribution, editor):
    submitted(contribution, editor)

    with pytest.raises(PermissionDenied):
        domain.accept_contribution(contribution=contribution, by=editor)


def test_accept_publishes_an_atelier_in_the_host_and_co_organisers_agendas(
    cycle, contribution, editor, cycle_coordinator
):
    partner = StructureFactory(bassin=bassin_of(contribution.structure))
    contribution.co_organisers.add(partner)
    contribution.dates = [
        (cycle.start_date + timedelta(days=1)).isoformat(),
        (cycle.start_date + timedelta(days=3)).isoformat(),
    ]
    contribution.save()
    submitted(contribution, editor)

    result = domain.accept_contribution(contribution=contribution, by=cycle_coordinator)

    atelier = Atelier.objects.get(contribution=result)
    assert (atelier.structure, atelier.title, atelier.start_time) == (
        contribution.structure,
        contribution.title,
        time(14),
    )
    assert list(atelier.co_organisers.all()) == [partner]
    assert Occurrence.objects.filter(atelier=atelier).count() == 2
    assert list(Atelier.objects.of_structure(partner)) == [atelier]
    assert list(Occurrence.objects.public().of_structure(partner).values_list("atelier", flat=True)) == [
        atelier.pk,
        atelier.pk,
    ]


def test_a_bassin_coordinator_reviews_only_the_bassin(cycle, contribution, editor):
    own = coordinator_of(bassin_of(contribution.structure))
    other = coordinator_of(bassin_of(StructureFactory()))
    submitted(contribution, editor)

    with pytest.raises(PermissionDenied):
        domain.accept_contribution(contribution=contribution, by=other)
    assert domain.accept_contribution(contribution=contribution, by=own).state == S.ACCEPTED


def test_request_changes_then_edit_then_resubmit_then_accept(contribution, editor, cycle_coordinator):
    submitted(contribution, editor)
    domain.request_changes(contribution=contribution, by=cycle_coordinator, message="Précisez le public.")
    cycle = contribution.cycle
    cycle.call_closes = timezone.localdate() - timedelta(days=1)  # closed: changes requested stay editable
    cycle.call_opens = timezone.localdate() - timedelta(days=10)
    cycle.save()
    contribution.refresh_from_db()

    changed = domain.update_contribution(contribution=contribution, by=editor, data={"publics": ["Jeunes"]})
    domain.submit_contribution(contribution=contribution, by=editor)
    result = domain.accept_contribution(contribution=contribution, by=cycle_coordinator)

    assert changed == ["publics"]
    assert list(result.events.values_list("kind", flat=True)) == [
        EventKind.SUBMITTED,
        EventKind.CHANGES_REQUESTED,
        EventKind.EDITED,
        EventKind.SUBMITTED,
        EventKind.ACCEPTED,
    ]
    assert result.atelier.publics == ["Jeunes"]


def test_editing_an_accepted_contribution_updates_its_atelier(contribution, editor, cycle_coordinator):
    submitted(contribution, editor)
    domain.accept_contribution(contribution=contribution, by=cycle_coordinator)
    contribution.refresh_from_db()
    sequence = contribution.atelier.sequence

    domain.update_contribution(contribution=contribution, by=editor, data={"title": "Nouveau titre"})

    atelier = Atelier.objects.get(pk=contribution.atelier_id)
    assert (atelier.title, atelier.sequence) == ("Nouveau titre", sequence + 1)


@pytest.mark.parametrize("step", ["decline", "withdraw"])
def test_declining_or_withdrawing_removes_the_atelier(contribution, editor, cycle_coordinator, step):
    submitted(contribution, editor)
    domain.accept_contribution(contribution=contribution, by=cycle_coordinator)
    contribution.refresh_from_db()
    atelier_pk = contribution.atelier_id

    if step == "decline":
        domain.decline_contribution(contribution=contribution, by=cycle_coordinator, message="Doublon.")
    else:
        domain.withdraw_contribution(contribution=contribution, by=editor)

    contribution.refresh_from_db()
    assert contribution.atelier_id is None
    assert not Atelier.objects.filter(pk=atelier_pk).exists()
    assert not Occurrence.objects.filter(atelier_id=atelier_pk).exists()


def test_request_changes_needs_a_message(contribution, editor, cycle_coordinator):
    submitted(contribution, editor)

    with pytest.raises(ValidationError):
        domain.request_changes(contribution=contribution, by=cycle_coordinator, message="  ")


def test_bulk_accept_accepts_what_it_may_and_reports_the_rest(cycle, editor, host, cycle_coordinator):
    first = submitted(ContributionFactory(cycle=cycle, structure=host), editor)
    second = submitted(ContributionFactory(cycle=cycle, structure=host), editor)
    draft = ContributionFactory(cycle=cycle, structure=host)

    accepted, refused = domain.bulk_accept(contributions=[first, second, draft], by=cycle_coordinator)

    assert [c.pk for c in accepted] == [first.pk, second.pk]
    assert [c.pk for c, _reason in refused] == [draft.pk]


def test_deleting_the_cycle_removes_its_published_ateliers(cycle, contribution, editor, cycle_coordinator):
    submitted(contribution, editor)
    domain.accept_contribution(contribution=contribution, by=cycle_coordinator)
    contribution.refresh_from_db()
    atelier_pk = contribution.atelier_id

    cycle.delete()

    assert not Atelier.objects.filter(pk=atelier_pk).exists()
