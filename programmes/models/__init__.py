"""Event cycles (Human Tech Days…) and the structures' contributions to them (their e-mails: `outbox`)."""

from .contribution import Contribution, ContributionEvent, ContributionQuerySet, ContributionScore
from .cycle import CallState, CycleCoordinator, CyclePage

__all__ = [
    "CallState",
    "Contribution",
    "ContributionEvent",
    "ContributionQuerySet",
    "ContributionScore",
    "CycleCoordinator",
    "CyclePage",
]
