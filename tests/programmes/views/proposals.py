"""Proposing a contribution as a structure does it: the form data, a submitted proposal, a closed call."""

from datetime import timedelta

from django.utils import timezone

from programmes import domain

from ..factories import ContributionFactory


def propose(cycle, structure, editor, *, day=1, **fields):
    """A contribution submitted by its structure, as people do it."""
    contribution = ContributionFactory(
        cycle=cycle,
        structure=structure,
        created_by=editor,
        dates=[(cycle.start_date + timedelta(days=day)).isoformat()],
        **fields,
    )
    return domain.submit_contribution(contribution=contribution, by=editor)


def form_data(cycle, **overrides) -> dict:
    data = {
        "title": "Faire ses démarches en ligne",
        "summary": "Créer son compte, déposer un dossier, pas à pas.",
        "description": "",
        "format": "atelier",
        "themes": ["Aide aux démarches administratives"],
        "publics": ["Seniors"],
        "date_1": (cycle.start_date + timedelta(days=1)).isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "at_host": "on",
        "registration": "sans",
    }
    data.update(overrides)
    return data


def close_call(cycle):
    cycle.call_opens = timezone.localdate() - timedelta(days=20)
    cycle.call_closes = timezone.localdate() - timedelta(days=1)
    cycle.save()
