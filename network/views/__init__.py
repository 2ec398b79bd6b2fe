"""Views of the network app: the public directory, the invitation landing page, and joining a structure."""

from .communes import commune_suggestions
from .directory import directory
from .invitations import accept_invitation_view
from .join import join_structure, withdraw_join_request
from .map_json import map_data

__all__ = [
    "accept_invitation_view",
    "commune_suggestions",
    "directory",
    "join_structure",
    "map_data",
    "withdraw_join_request",
]
