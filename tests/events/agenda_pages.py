"""What the agenda tests need again and again: a coming weekday, the titles a list page shows."""

from datetime import timedelta

from django.utils import timezone


def next_weekday(weekday: int, after=None):
    """The first `weekday` (0 = Monday) strictly after `after` (default: today), at least two days ahead."""
    day = (after or timezone.localdate()) + timedelta(days=2)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def listed_titles(response) -> list[str]:
    return [
        occurrence.atelier.title for _day, sessions in response.context["days"] for occurrence in sessions
    ]
