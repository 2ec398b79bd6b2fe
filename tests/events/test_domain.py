"""Workflows of `events.domain`: duplicating an atelier, changing, cancelling and restoring one session."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events import domain, enums
from events.models import Occurrence, SessionOverride
from events.recurrence import localize
from tests.factories import AtelierFactory


@pytest.fixture
def atelier(db):
    return AtelierFactory(title="Tablette", rrule="FREQ=WEEKLY;COUNT=3")


def session_start(atelier, index=0):
    return localize(datetime.combine(atelier.start_date + timedelta(days=7 * index), time(14)))


def test_cancel_session_cancels_only_that_occurrence(atelier):
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier, 1))

    statuses = list(atelier.occurrences.order_by("start").values_list("status", flat=True))
    assert statuses == [enums.Status.SCHEDULED, enums.Status.CANCELLED, enums.Status.SCHEDULED]


def test_cancel_session_twice_keeps_one_override(atelier):
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))

    assert SessionOverride.objects.filter(atelier=atelier).count() == 1


def test_restore_session_removes_bare_override(atelier):
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))

    result = domain.restore_session(atelier=atelier, original_start=session_start(atelier))

    assert result is None
    assert not SessionOverride.objects.exists()
    assert Occurrence.objects.get(recurrence_id=session_start(atelier)).status == enums.Status.SCHEDULED


def test_restore_session_keeps_other_changes(atelier):
    domain.update_session(atelier=atelier, original_start=session_start(atelier), note="Salle 2")
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))

    override = domain.restore_session(atelier=atelier, original_start=session_start(atelier))

    assert (override.status, override.note) == (enums.Status.SCHEDULED, "Salle 2")
    assert Occurrence.objects.get(recurrence_id=session_start(atelier)).note == "Salle 2"


def test_update_session_moves_and_fills(atelier):
    new_start = session_start(atelier) + timedelta(hours=1)

    domain.update_session(
        atelier=atelier,
        original_start=session_start(atelier),
        status=enums.Status.FULL,
        new_start=new_start,
        new_end=new_start + timedelta(hours=2),
        seats_taken=10,
    )

    occurrence = Occurrence.objects.get(recurrence_id=session_start(atelier))
    assert (occurrence.start, occurrence.status, occurrence.seats_taken, occurrence.is_moved) == (
        new_start,
        enums.Status.FULL,
        10,
        True,
    )


def test_update_session_unknown_start_is_refused(atelier):
    with pytest.raises(ValidationError) as error:
        domain.cancel_session(atelier=atelier, original_start=session_start(atelier) + timedelta(hours=1))

    assert error.value.messages == ["Cette séance ne fait pas partie de l'atelier « Tablette »."]
    assert not SessionOverride.objects.exists()


def test_duplicate_atelier_new_identity_same_content_no_overrides(atelier):
    domain.cancel_session(atelier=atelier, original_start=session_start(atelier))
    atelier.refresh_from_db()

    copy = domain.duplicate_atelier(atelier=atelier)

    assert copy.pk != atelier.pk and copy.uid != atelier.uid
    assert (copy.title, copy.sequence, copy.structure_id, copy.rrule) == (
        "Tablette (copie)",
        0,
        atelier.structure_id,
        atelier.rrule,
    )
    assert not copy.overrides.exists()
    assert list(copy.occurrences.values_list("status", flat=True)) == [enums.Status.SCHEDULED] * 3


def test_duplicate_imported_atelier_becomes_local(atelier):
    atelier.source = enums.Source.FEED
    domain.save_atelier(atelier=atelier)

    copy = domain.duplicate_atelier(atelier=atelier)

    assert copy.source == enums.Source.LOCAL
    assert copy.start_date >= timezone.localdate()
