"""The ProConnect handshake: allauth's OpenID Connect adapter, with every token verified before use.

What allauth's generic adapter leaves out and ProConnect requires:
- the ID token's `nonce` must be the one sent on the authorize URL (it travels in allauth's stashed state);
- userinfo comes back as a signed JWT (`application/jwt`), which `response.json()` cannot read;
- both tokens must be signed with the algorithm registered with ProConnect, checked against its JWKS.

Any failure raises `ProConnectError`: allauth's callback view turns it into an authentication error, which
the adapter (adapter.py) renders as a French page. Nothing from a refused token reaches the database.
"""

import logging

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from .logout import remember_id_token

logger = logging.getLogger("maillage.proconnect")

PROVIDER_ID = "proconnect"
# Asymmetric algorithms only, verified with ProConnect's published keys. ProConnect also offers HS256 (keyed
# with the client secret); a service registered that way must change its registration, not this list.
SUPPORTED_ALGORITHMS = ("RS256", "ES256")
# Seconds of clock difference tolerated between ProConnect and us on `exp`/`iat` (ID tokens live 60 s).
CLOCK_LEEWAY = 30


class ProConnectError(ProviderException):
    """A ProConnect answer that cannot be trusted: the login stops there."""


class ProConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """The generic OpenID Connect adapter, bound to the `proconnect` provider, verifying what it receives."""

    # Set by the callback view from the stashed state before `complete_login` runs; None refuses the login.
    expected_nonce: str | None = None

    def __init__(self, request):
        super().__init__(request, PROVIDER_ID)
        self._jwks = None

    def get_callback_url(self, request, app):
        # The generic adapter reverses `openid_connect_callback`; ours has its own URL (urls.py).
        return build_absolute_uri(request, reverse(f"{PROVIDER_ID}_callback"), self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        id_token_jwt = kwargs["response"].get("id_token")
        if not id_token_jwt:
            raise ProConnectError("the token endpoint returned no ID token")
        id_token = self._verify_jwt(app, id_token_jwt, required=("iss", "aud", "sub", "exp", "iat", "nonce"))
        # The nonce ties this ID token to the authorize request made from this browser session: without the
        # check, an ID token obtained elsewhere could be replayed here.
        if not self.expected_nonce or not constant_time_compare(str(id_token["nonce"]), self.expected_nonce):
            raise ProConnectError("the ID token's nonce is not the one sent on the authorize request")
        userinfo = self._fetch_userinfo_jwt(app, token.token)
        # OpenID Connect Core 5.3.2: the userinfo answer must be about the ID token's subject.
        if userinfo.get("sub") != id_token["sub"]:
            raise ProConnectError("userinfo and ID token name different subjects")
        remember_id_token(request, id_token_jwt)  # for ProConnect's own logout (logout.py)
        return self.get_provider().sociallogin_from_response(
            request, {"userinfo": userinfo, "id_token": id_token}
        )

    def _fetch_userinfo_jwt(self, app, access_token: str) -> dict:
        """Read the userinfo JWT. A plain JSON answer is refused: ProConnect always signs this one."""
        headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/jwt"}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers=headers)
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/jwt":
            raise ProConnectError(f"userinfo answered {content_type or 'no content type'}, not a signed JWT")
        return self._verify_jwt(app, response.text.strip(), required=("iss", "aud", "sub"))

    def _verify_jwt(self, app, token: str, *, required: tuple[str, ...]) -> dict:
        """Check signature, algorithm, issuer and audience of a ProConnect JWT; return its claims.

        The signature is checked even for the ID token, which allauth would accept unsigned because it came
        straight from the token endpoint over TLS: ProConnect asks its services to check the algorithm, and
        one code path for both tokens is one path to get right.
        """
        configured = app.settings.get("signing_algorithms") or SUPPORTED_ALGORITHMS
        allowed = [alg for alg in configured if alg in SUPPORTED_ALGORITHMS]
        issuer = self.openid_config.get("issuer")
        if not issuer:
            raise ProConnectError("the discovery document has no issuer")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise ProConnectError(f"not a JWT: {error}") from error
        algorithm = header.get("alg")
        if algorithm not in allowed:
            raise ProConnectError(f"JWT signed with {algorithm!r}, expected one of {allowed}")
        key = self._signing_key(header.get("kid"), algorithm)
        try:
            return jwt.decode(
                token,
                key=key.key,
                algorithms=[algorithm],
                audience=app.client_id,
                issuer=issuer,
                leeway=CLOCK_LEEWAY,
                options={"require": list(required)},
            )
        except jwt.PyJWTError as error:
            raise ProConnectError(f"JWT refused: {error}") from error

    def _signing_key(self, kid: str | None, algorithm: str) -> jwt.PyJWK:
        """The JWKS key named by `kid` (or the only key for `algorithm` when the token names none)."""
        if self._jwks is None:
            try:
                jwks_uri = self.openid_config["jwks_uri"]
            except KeyError as error:
                raise ProConnectError("the discovery document has no jwks_uri") from error
            with get_adapter().get_requests_session() as session:
                response = session.get(jwks_uri)
                response.raise_for_status()
                keys = response.json()
            try:
                self._jwks = jwt.PyJWKSet.from_dict(keys if isinstance(keys, dict) else {})
            except jwt.PyJWTError as error:
                raise ProConnectError(f"unusable JWKS: {error}") from error
        candidates = [
            key
            for key in self._jwks.keys
            if key.public_key_use in (None, "sig")
            and key.algorithm_name == algorithm
            and (kid is None or key.key_id == kid)
        ]
        if len(candidates) != 1:
            raise ProConnectError(f"{len(candidates)} keys in the JWKS for kid={kid!r} and {algorithm}")
        return candidates[0]


class ProConnectCallbackView(OAuth2CallbackView):
    """allauth's callback view, handing the nonce from the stashed state to the adapter.

    allauth unstashes the state (its `state` parameter check) in `_get_state`, then calls the adapter's
    `complete_login` without it. Overriding that private step is the narrowest place to read the nonce; if a
    later allauth stopped calling it, `expected_nonce` would stay None and every login would be refused —
    failing closed, and caught by the tests.
    """

    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.expected_nonce = state.get("nonce") if state else None
        return state, response


# The adapter class, not an instance: allauth then builds one per request, so `expected_nonce` and the
# fetched JWKS never outlive the request they belong to.
_login = OAuth2LoginView.adapter_view(ProConnectOAuth2Adapter)
_callback = ProConnectCallbackView.adapter_view(ProConnectOAuth2Adapter)


@login_not_required
def oauth2_login(request):
    """Start the ProConnect login (a POST from the button), or 404 while ProConnect is not configured."""
    try:
        return _login(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def oauth2_callback(request):
    """ProConnect's redirect back (`redirect_uri`), or 404 while ProConnect is not configured."""
    try:
        return _callback(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
