"""Who must protect their account with a second factor, and whether they have done so.

Coordinators and administrators can change every structure of a bassin or of the region: a stolen password
alone must not be enough to do that. Members of one structure, and people without any role, choose freely.
"""

from allauth.mfa.models import Authenticator


def mfa_required(user) -> bool:
    """True for administrators (staff or superuser) and for whoever coordinates at least one bassin."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    # `network.Coordination` rows, through the relation they add to the user: accounts sit below network in
    # the layers (pyproject.toml) and never import it.
    return user.coordinations.exists()


def has_totp(user) -> bool:
    """True once the person has activated an authenticator app (recovery codes alone do not count)."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
