"""Coordinators and administrators activate two-factor authentication before they do anything else."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .mfa import has_totp, mfa_required

# What someone who must set up TOTP may still open: the setup itself (allauth asks to confirm the password
# first), confirming their e-mail address (allauth refuses TOTP while an address is unverified), logging out
# and switching language.
ALLOWED_VIEW_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "set_language",
    }
)


class MfaRequiredMiddleware:
    """Send signed-in coordinators and administrators without an authenticator app to its activation page.

    It runs in `process_view`, once the URL is resolved, so that pages are recognised by their URL name
    rather than by a path that may move. The Wagtail admin is a view like any other: it is covered too.
    What must stay true: the activation page and everything it leads to stay reachable, or the person is
    locked out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MAILLAGE_MFA_REQUIRED:
            return None
        if self._is_exempt(request) or not mfa_required(request.user) or has_totp(request.user):
            return None
        if request.method == "GET":
            messages.warning(
                request,
                _(
                    "Vous coordonnez un bassin ou administrez Maillage : vous pouvez modifier les fiches de "
                    "nombreuses structures. Pour protéger ce compte, activez d'abord la double "
                    "authentification avec une application sur votre téléphone. Cela prend deux minutes."
                ),
            )
        return redirect("mfa_activate_totp")

    @staticmethod
    def _is_exempt(request) -> bool:
        if not request.user.is_authenticated:
            return True
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_VIEW_NAMES:
            return True
        prefixes = [settings.STATIC_URL, settings.MEDIA_URL, *settings.MAILLAGE_MFA_EXEMPT_PATHS]
        return any(request.path_info.startswith(prefix) for prefix in prefixes if prefix)
