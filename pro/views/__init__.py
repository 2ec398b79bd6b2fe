"""Views of the professional area (`/pro/`)."""

from .agenda import agenda, agenda_feed, renew_feed_address
from .area import directory, home, structures
from .orientation import orientation, referral
from .profile import profile
from .requests import accept, refuse, requests

__all__ = [
    "accept",
    "agenda",
    "agenda_feed",
    "directory",
    "home",
    "orientation",
    "profile",
    "referral",
    "refuse",
    "renew_feed_address",
    "requests",
    "structures",
]
