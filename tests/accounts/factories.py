"""Accounts as allauth leaves them after a real sign-up: a verified primary address, and TOTP on demand."""

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from network import domain
from tests.factories import PASSWORD, BassinFactory, UserFactory

__all__ = ["PASSWORD", "VerifiedUserFactory", "activate_totp", "totp_code", "make_coordinator"]


class VerifiedUserFactory(UserFactory):
    """A person who confirmed their address: with mandatory verification, the only kind that can log in."""

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def activate_totp(user, *, recovery_codes: bool = True) -> str:
    """Give `user` an authenticator app through allauth's own API, as its activation view does; return the
    secret so that tests can compute codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    if recovery_codes:
        RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows right now for `secret` (allauth's own HOTP helpers)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def make_coordinator(user=None):
    """A person coordinating a new bassin, through the network workflow (groups included)."""
    user = user or VerifiedUserFactory()
    domain.add_coordinator(bassin=BassinFactory(), user=user)
    return user
