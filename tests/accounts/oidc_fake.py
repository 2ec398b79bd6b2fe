"""A fake ProConnect: an OpenID Connect provider on 127.0.0.1, for the login tests.

It answers like ProConnect does: discovery document and JWKS under `/api/v2`, an authorize endpoint that
redirects straight back with a code (no login form), a token endpoint returning an ID token signed with RS256
that carries the nonce, and a userinfo endpoint answering a signed JWT (`application/jwt`).

Tests steer it through attributes: `identity` (the agent's claims), `id_token_nonce` (send another nonce),
`userinfo_key` (sign userinfo with another key), `userinfo_format` ("json", or "unsigned-jwt" for a JWT
with `alg: none`, instead of "jwt"). It records
`authorize_requests` (query dicts) and `token_requests` (form dicts) for assertions.
"""

import json
import secrets
import time
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fixtures.http_server import LoopbackServer

API = "/api/v2"


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One RSA key per name for the whole run: generating them is the slow part of these tests."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeProConnect:
    client_id = "maillage-test"
    client_secret = "secret-de-test"
    kid = "cle-de-test"

    def __init__(self):
        self.key = rsa_key("proconnect")
        self.identity = {
            "sub": "sub-4f2a9c",
            "email": "camille.dupont@interieur.gouv.fr",
            "given_name": "Camille",
            "usual_name": "Dupont",
            "uid": "cdupont",
            "siret": "11000201100044",
            "idp_id": "fia1v2",
        }
        self.id_token_nonce: str | None = None  # None: the nonce received on /authorize
        self.userinfo_key: rsa.RSAPrivateKey | None = None  # None: self.key
        self.userinfo_format = "jwt"  # or "json", "unsigned-jwt"
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._access_tokens: set[str] = set()
        self._server = LoopbackServer(
            {
                f"{API}/.well-known/openid-configuration": _answer(lambda handler: _json(self.discovery())),
                f"{API}/jwks": _answer(lambda handler: _json(self.jwks())),
                f"{API}/authorize": _answer(lambda handler: self.authorize(_query(handler))),
                f"{API}/userinfo": _answer(
                    lambda handler: self.userinfo(handler.headers.get("Authorization", ""))
                ),
                f"{API}/token": _answer(lambda handler: self.token(dict(parse_qsl(handler.body.decode())))),
            }
        )
        self.base = self._server.base

    @property
    def issuer(self) -> str:
        return f"{self.base}{API}"

    def __enter__(self):
        self._server.start()
        return self

    def __exit__(self, *exc_info):
        self._server.stop()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
        }

    def jwks(self) -> dict:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def sign(self, claims: dict, key: rsa.RSAPrivateKey | None = None) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    # Endpoints: each returns (status, headers, body).

    def authorize(self, query: dict):
        self.authorize_requests.append(query)
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {"Content-Type": "text/plain"}, b"Y000400"
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query.get("redirect_uri")}
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return 302, {"Location": location}, b""

    def token(self, form: dict):
        self.token_requests.append(form)
        grant = self._codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            return 400, {"Content-Type": "application/json"}, b'{"error": "invalid_grant"}'
        now = int(time.time())
        id_token = self.sign(
            {
                "iss": self.issuer,
                "aud": self.client_id,
                "sub": self.identity["sub"],
                "iat": now,
                "exp": now + 60,
                "auth_time": now,
                "nonce": self.id_token_nonce if self.id_token_nonce is not None else grant["nonce"],
                "acr": "eidas1",
                "amr": ["pwd"],
            }
        )
        access_token = secrets.token_urlsafe(16)
        self._access_tokens.add(access_token)
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode()

    def userinfo(self, authorization: str):
        scheme, _, access_token = authorization.partition(" ")
        if scheme != "Bearer" or access_token not in self._access_tokens:
            return 401, {"Content-Type": "application/json"}, b'{"error": "invalid_token"}'
        claims = {**self.identity, "iss": self.issuer, "aud": self.client_id}
        if self.userinfo_format == "json":
            return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(claims).encode()
        if self.userinfo_format == "unsigned-jwt":
            body = jwt.encode(claims, None, algorithm="none").encode()
        else:
            body = self.sign(claims, key=self.userinfo_key).encode()
        return 200, {"Content-Type": "application/jwt; charset=utf-8"}, body


def _answer(endpoint):
    """A route of the shared loopback server from an endpoint returning (status, headers, body)."""

    def route(handler):
        status, headers, body = endpoint(handler)
        handler.reply(status, body, headers)

    return route


def _query(handler) -> dict:
    return dict(parse_qsl(urlsplit(handler.path).query))


def _json(data: dict):
    return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()
