"""Template filters of the account pages: allauth's own views do not say whether MFA is mandatory."""

from django import template

from accounts.mfa import mfa_required as _mfa_required

register = template.Library()


@register.filter
def mfa_required(user) -> bool:
    """`{% if request.user|mfa_required %}`: coordinators and administrators keep an authenticator app."""
    return _mfa_required(user)
