"""The site's social account adapter: ProConnect's failed logins get a page that says what to do next."""

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.shortcuts import render

from .views import PROVIDER_ID, ProConnectError

logger = logging.getLogger("maillage.proconnect")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's default adapter, except for ProConnect's errors.

    allauth's own error page speaks of a « réseau social » and gives no way out. For ProConnect it is
    replaced by one that tells a refused answer (a token that did not verify: possibly an attack, never
    retried silently) from a failed exchange (ProConnect unreachable, expired state), and points back to the
    login page. Cancelling at ProConnect keeps allauth's « connexion annulée » page.
    """

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
        if getattr(provider, "id", None) != PROVIDER_ID or error == AuthError.CANCELLED:
            return
        refused = isinstance(exception, ProConnectError)
        # The reason goes to the log only: the page must not help whoever forged the answer.
        logger.warning("ProConnect login failed (%s): %s", error, exception or "no exception")
        raise ImmediateHttpResponse(
            render(request, "proconnect/error.html", {"refused": refused}, status=401)
        )
