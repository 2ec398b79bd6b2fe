"""`ContributionForm` (and the step and comment forms): what a structure may type, and the data it yields."""

from datetime import time, timedelta

import pytest

from programmes import domain
from programmes.domain import CONTENT_FIELDS
from programmes.forms import CommentForm, ContributionForm, StepForm
from tests.factories import StructureFactory

from .factories import ContributionFactory, CycleFactory, bassin_of, editor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def host():
    return StructureFactory(title="Médiathèque de Bourges")


@pytest.fixture
def editor(host):
    return editor_of(host)


@pytest.fixture
def cycle(host):
    return CycleFactory(bassins=[bassin_of(host)])


def day(cycle, offset: int = 0) -> str:
    return (cycle.start_date + timedelta(days=offset)).isoformat()


def form_data(cycle, **overrides) -> dict:
    data = {
        "title": "Faire ses démarches en ligne",
        "summary": "Créer son compte, déposer un dossier, pas à pas.",
        "description": "",
        "format": "atelier",
        "themes": ["Aide aux démarches administratives"],
        "publics": ["Seniors"],
        "date_1": day(cycle, 2),
        "date_2": day(cycle),
        "start_time": "14:00",
        "end_time": "16:00",
        "at_host": "on",
        "capacity": "8",
        "registration": "sans",
        "registration_details": "",
        "needs": [],
        "needs_details": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def error_codes(form, field) -> list[str]:
    return [error.code for error in form.errors.as_data().get(field, [])]


def test_valid_form_yields_every_content_field_with_sorted_dates(cycle, editor):
    form = ContributionForm(form_data(cycle), cycle=cycle, user=editor)

    assert form.is_valid(), form.errors
    data = form.contribution_data()
    assert set(data) == set(CONTENT_FIELDS)
    assert data["dates"] == [day(cycle), day(cycle, 2)]
    assert (data["start_time"], data["end_time"], data["capacity"]) == (time(14), time(16), 8)
    assert (data["at_host"], data["place_name"], data["commune"]) == (True, "", "")


def test_single_structure_is_fixed_and_not_asked(cycle, editor, host):
    form = ContributionForm(form_data(cycle), cycle=cycle, user=editor)

    assert form.is_valid()
    assert "structure" not in form.fields
    assert form.host == host


def test_several_structures_are_a_choice_limited_to_the_users(cycle, editor, host):
    other = StructureFactory(bassin=bassin_of(host), title="PIJ de Bourges")
    editor_of(other, editor)
    stranger = StructureFactory(bassin=bassin_of(host))

    missing = ContributionForm(form_data(cycle), cycle=cycle, user=editor)
    foreign = ContributionForm(form_data(cycle, structure=stranger.pk), cycle=cycle, user=editor)
    chosen = ContributionForm(form_data(cycle, structure=other.pk), cycle=cycle, user=editor)

    assert error_codes(missing, "structure") == ["required"]
    assert error_codes(foreign, "structure") == ["invalid_choice"]
    assert chosen.is_valid() and chosen.host == other


def test_date_outside_the_cycle_is_refused(cycle, editor):
    form = ContributionForm(
        form_data(cycle, date_2=(cycle.end_date + timedelta(days=1)).isoformat()), cycle=cycle, user=editor
    )

    assert error_codes(form, "date_2") == ["date_outside_cycle"]


def test_first_date_is_required_and_duplicates_refused(cycle, editor):
    missing = ContributionForm(form_data(cycle, date_1="", date_2=None), cycle=cycle, user=editor)
    twice = ContributionForm(form_data(cycle, date_2=day(cycle, 2)), cycle=cycle, user=editor)

    assert error_codes(missing, "date_1") == ["required"]
    assert error_codes(twice, "date_2") == ["duplicate_date"]


def test_date_inputs_are_labelled_and_bounded_by_the_cycle(cycle, editor):
    form = ContributionForm(cycle=cycle, user=editor)

    html = str(form["date_2"])
    assert [field.label for field in form.date_fields][:2] == ["Date 1", "Date 2 (facultatif)"]
    assert len(form.date_fields) == 6
    assert f'min="{cycle.start_date.isoformat()}"' in html and f'max="{cycle.end_date.isoformat()}"' in html


def test_end_time_must_follow_start_time(cycle, editor):
    form = ContributionForm(form_data(cycle, end_time="13:00"), cycle=cycle, user=editor)

    assert error_codes(form, "end_time") == ["end_before_start"]


def test_another_place_needs_its_address(cycle, editor):
    missing = ContributionForm(form_data(cycle, at_host=None), cycle=cycle, user=editor)
    given = ContributionForm(
        form_data(
            cycle,
            at_host=None,
            place_name="Salle des fêtes",
            address="1 place de la Mairie",
            postal_code="18000",
            commune="Bourges",
        ),
        cycle=cycle,
        user=editor,
    )

    assert {
        name: error_codes(missing, name) for name in ("place_name", "address", "postal_code", "commune")
    } == {
        "place_name": ["place_missing"],
        "address": ["place_missing"],
        "postal_code": ["place_missing"],
        "commune": ["place_missing"],
    }
    assert given.is_valid() and given.contribution_data()["place_name"] == "Salle des fêtes"


def test_place_at_host_drops_stale_place_fields(cycle, editor):
    form = ContributionForm(form_data(cycle, place_name="Ancienne salle"), cycle=cycle, user=editor)

    assert form.is_valid()
    assert form.contribution_data()["place_name"] == ""


@pytest.mark.parametrize(
    ("registration", "details", "code"),
    [
        ("email", "", "registration_missing"),
        ("telephone", "", "registration_missing"),
        ("email", "pas-une-adresse", "registration_details_invalid"),
        ("lien", "exemple.fr", "registration_details_invalid"),
    ],
)
def test_registration_details_required_and_checked(cycle, editor, registration, details, code):
    form = ContributionForm(
        form_data(cycle, registration=registration, registration_details=details), cycle=cycle, user=editor
    )

    assert error_codes(form, "registration_details") == [code]


def test_co_organisers_are_structures_of_the_territory_but_not_the_host(cycle, editor, host):
    partner = StructureFactory(bassin=bassin_of(host), title="Centre social")
    outside = StructureFactory()

    form = ContributionForm(cycle=cycle, user=editor)
    chosen = ContributionForm(form_data(cycle, co_organisers=[partner.pk]), cycle=cycle, user=editor)
    foreign = ContributionForm(form_data(cycle, co_organisers=[outside.pk]), cycle=cycle, user=editor)
    itself = ContributionForm(form_data(cycle, co_organisers=[host.pk]), cycle=cycle, user=editor)

    assert list(form.fields["co_organisers"].queryset) == [partner]
    assert chosen.is_valid() and chosen.chosen_co_organisers() == [partner]
    assert error_codes(foreign, "co_organisers") == ["invalid_choice"]
    assert error_codes(itself, "co_organisers") == ["invalid_choice"]


def test_equipment_need_asks_for_details(cycle, editor):
    form = ContributionForm(form_data(cycle, needs=["materiel"]), cycle=cycle, user=editor)

    assert error_codes(form, "needs_details") == ["needs_details_missing"]


def test_themes_and_publics_are_required(cycle, editor):
    form = ContributionForm(form_data(cycle, themes=[], publics=[]), cycle=cycle, user=editor)

    assert (error_codes(form, "themes"), error_codes(form, "publics")) == (["required"], ["required"])


def test_edit_form_starts_from_the_contribution_and_changes_nothing_unchanged(cycle, editor, host):
    partner = StructureFactory(bassin=bassin_of(host))
    first = ContributionForm(form_data(cycle, co_organisers=[partner.pk]), cycle=cycle, user=editor)
    assert first.is_valid()
    contribution = domain.create_contribution(
        cycle=cycle,
        structure=host,
        by=editor,
        data=first.contribution_data(),
        co_organisers=first.chosen_co_organisers(),
    )
    unbound = ContributionForm(cycle=cycle, user=editor, contribution=contribution)
    posted = {
        name: unbound[name].value() for name in unbound.fields if unbound[name].value() not in (None, False)
    }

    form = ContributionForm(posted, cycle=cycle, user=editor, contribution=contribution)

    assert form.is_valid(), form.errors
    assert "structure" not in form.fields
    changed = domain.update_contribution(
        contribution=contribution,
        by=editor,
        data=form.contribution_data(),
        co_organisers=form.chosen_co_organisers(),
    )
    assert changed == []


def test_edit_form_shows_more_date_inputs_when_there_are_more_dates(cycle, editor, host):
    contribution = ContributionFactory(
        cycle=cycle, structure=host, dates=[day(cycle, offset) for offset in range(7)]
    )

    form = ContributionForm(cycle=cycle, user=editor, contribution=contribution)

    assert len(form.date_fields) == 7
    assert form["date_7"].value() == cycle.end_date


def test_request_changes_needs_a_message_other_steps_do_not():
    assert StepForm({"message": " "}, step="request_changes").is_valid() is False
    assert StepForm({"message": ""}, step="accept").is_valid() is True


def test_comment_must_not_be_empty():
    assert CommentForm({"message": ""}).errors.as_data()["message"][0].code == "required"
