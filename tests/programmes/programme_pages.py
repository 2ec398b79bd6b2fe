"""What the programme tests do again and again: a contribution proposed or accepted, a day of the cycle, the
titles a programme page lists."""

from datetime import timedelta

from programmes import domain

from .factories import ContributionFactory, editor_of


def proposed(cycle, structure, **fields):
    """A submitted contribution of `structure`, written and sent by one of its editors."""
    editor = editor_of(structure)
    contribution = ContributionFactory(cycle=cycle, structure=structure, created_by=editor, **fields)
    return domain.submit_contribution(contribution=contribution, by=editor), editor


def accepted(cycle, structure, coordinator, **fields):
    contribution, _editor = proposed(cycle, structure, **fields)
    return domain.accept_contribution(contribution=contribution, by=coordinator)


def day(cycle, number: int) -> str:
    return (cycle.start_date + timedelta(days=number)).isoformat()


def session_titles(response) -> list[str]:
    return [row.atelier.title for row in response.context["sessions"]]
