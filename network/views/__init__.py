"""Views of the network app: the public directory and the invitation landing page."""

from .directory import directory
from .invitations import accept_invitation_view

__all__ = ["accept_invitation_view", "directory"]
