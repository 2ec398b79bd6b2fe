"""Leaving Maillage also ends the ProConnect session, so the next person at a shared computer is not let in.

ProConnect keeps its own session for 12 hours: logging out of Maillage alone would let whoever sits next at a
library computer click « S'identifier avec ProConnect » and be logged in as the previous agent. So the ID
token of a ProConnect login is kept in the Maillage session, and logging out sends the browser to
ProConnect's `session/end` with it (`id_token_hint`), a 32-character `state` and the address to come back to
(the site's home page, to be declared to ProConnect as the post-logout redirect URI).
"""

from django.conf import settings
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

SESSION_KEY = "proconnect_id_token"
STATE_LENGTH = 32


def remember_id_token(request, id_token: str) -> None:
    """Called once the login is verified; Django keeps session data across the login's key rotation."""
    request.session[SESSION_KEY] = id_token


def end_session_url(request) -> str | None:
    """Where logging out should send the browser: ProConnect's end of session, or None when the person did
    not come through ProConnect (or it is switched off)."""
    id_token = request.session.get(SESSION_KEY)
    if not id_token or not settings.MAILLAGE_PROCONNECT_ENABLED:
        return None
    params = {
        "id_token_hint": id_token,
        "state": get_random_string(STATE_LENGTH),
        "post_logout_redirect_uri": request.build_absolute_uri("/"),
    }
    return f"{settings.MAILLAGE_PROCONNECT_SERVER_URL}/session/end?{urlencode(params)}"
