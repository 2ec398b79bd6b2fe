"""The `proconnect` provider: allauth's OpenID Connect provider with ProConnect's parameters and claims."""

import json

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from .views import PROVIDER_ID, ProConnectOAuth2Adapter

# ProConnect refuses a `state` or a `nonce` shorter than 32 characters (allauth's state has 16).
STATE_LENGTH = 32
NONCE_LENGTH = 32
# The claims every ProConnect identity carries (scope name = claim name), `idp_id` naming the agent's
# identity provider. Optional ones (phone, organizational_unit…) need ProConnect's approval: add them through
# the provider's SCOPE setting once granted.
DEFAULT_SCOPE = ["openid", "email", "given_name", "usual_name", "uid", "siret", "idp_id"]
# Ask for `acr` (assurance level) and `amr` (authentication methods) in the ID token: ProConnect leaves them
# out unless asked. They are kept in the account's extra_data, for information; no level is required.
DEFAULT_CLAIMS = {"id_token": {"acr": None, "amr": None}}


class ProConnectAccount(OpenIDConnectProviderAccount):
    def to_str(self):
        data = self.get_user_data() or {}
        name = " ".join(part for part in (data.get("given_name"), data.get("usual_name")) if part)
        return name or data.get("email") or super().to_str()


class ProConnectProvider(OpenIDConnectProvider):
    """One ProConnect application, configured in SOCIALACCOUNT_PROVIDERS["proconnect"]["APPS"].

    Everything the browser carries to ProConnect's authorize URL is fixed here: ProConnect answers any
    parameter outside its list with an error (Y000400), so the `scope` and `auth_params` that allauth would
    take from the login URL's query string are ignored, and PKCE stays off.
    """

    id = PROVIDER_ID
    name = "ProConnect"
    account_class = ProConnectAccount
    oauth2_adapter_class = ProConnectOAuth2Adapter
    # allauth's token login (an ID token posted by an app) would skip the nonce and userinfo checks.
    supports_token_authentication = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = self.app.name or ProConnectProvider.name

    def get_login_url(self, request, **kwargs):
        url = reverse(f"{self.id}_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse(f"{self.id}_callback")

    def get_oauth2_adapter(self, request):
        return self.oauth2_adapter_class(request)

    def get_default_scope(self):
        return list(DEFAULT_SCOPE)

    def get_auth_params(self):
        return {"claims": json.dumps(DEFAULT_CLAIMS), **super().get_auth_params()}

    def get_auth_params_from_request(self, request, action):
        return self.get_auth_params()

    def get_scope_from_request(self, request):
        return self.get_scope()

    def get_pkce_params(self):
        return {}

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """Add a fresh nonce to the authorize URL and to the stashed state, where the callback finds it."""
        nonce = get_random_string(NONCE_LENGTH)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        kwargs["auth_params"] = {**auth_params, "nonce": nonce}
        return super().redirect(request, process, next_url, data, nonce=nonce, **kwargs)

    def stash_redirect_state(self, request, process, next_url=None, data=None, state_id=None, **kwargs):
        if state_id is None:
            state_id = get_random_string(STATE_LENGTH)
        return super().stash_redirect_state(request, process, next_url, data, state_id=state_id, **kwargs)

    def extract_common_fields(self, data):
        userinfo = data.get("userinfo") or {}
        return {
            "email": userinfo.get("email"),
            "first_name": userinfo.get("given_name"),
            # ProConnect's surname is `usual_name` (the name in use), not OpenID's `family_name`.
            "last_name": userinfo.get("usual_name"),
        }

    def extract_email_addresses(self, data):
        email = (data.get("userinfo") or {}).get("email")
        # ProConnect sends no `email_verified`: whether its addresses count as verified is the VERIFIED_EMAIL
        # provider setting (see config/settings/base.py), applied by allauth afterwards.
        return [EmailAddress(email=email, verified=False, primary=True)] if email else []

    def extract_extra_data(self, data):
        """Keep the agent's identity (userinfo: uid, siret, idp_id…) and the ID token's authentication facts.

        The rest of the ID token (nonce, at_hash, expiry) is only meaningful during the handshake.
        """
        id_token = data.get("id_token") or {}
        return {
            "userinfo": data.get("userinfo") or {},
            "id_token": {
                key: id_token[key] for key in ("iss", "sub", "acr", "amr", "auth_time") if key in id_token
            },
        }


provider_classes = [ProConnectProvider]
