"""Event cycles (Human Tech Days…), the structures' contributions to them and the e-mails they cause."""

from .contribution import Contribution, ContributionEvent, ContributionQuerySet, ContributionScore
from .cycle import CallState, CycleCoordinator, CyclePage
from .notification import Notification, NotificationQuerySet

__all__ = [
    "CallState",
    "Contribution",
    "ContributionEvent",
    "ContributionQuerySet",
    "ContributionScore",
    "CycleCoordinator",
    "CyclePage",
    "Notification",
    "NotificationQuerySet",
]
