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
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

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
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def issuer(self) -> str:
        return f"{self.base}{API}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

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


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        fake = self.server.fake
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        routes = {
            f"{API}/.well-known/openid-configuration": lambda: _json(fake.discovery()),
            f"{API}/jwks": lambda: _json(fake.jwks()),
            f"{API}/authorize": lambda: fake.authorize(query),
            f"{API}/userinfo": lambda: fake.userinfo(self.headers.get("Authorization", "")),
        }
        route = routes.get(url.path)
        self._reply(*(route() if route else (404, {}, b"")))

    def do_POST(self):  # noqa: N802
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        if urlsplit(self.path).path == f"{API}/token":
            self._reply(*fake.token(form))
        else:
            self._reply(404, {}, b"")

    def _reply(self, status: int, headers: dict, body: bytes):
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # quiet test output
        pass


def _json(data: dict):
    return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()
