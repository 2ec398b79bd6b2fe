"""A fake Maillage peer on loopback: the API listings of `api_contract.md`, served from editable lists.

`peer.bassins`, `peer.structures` and `peer.ateliers` hold the objects as the API shows them; the routes
apply `updated_since` and `fields=id`, paginate by `page_size`, and answer 304 to a matching If-None-Match.
The peer is reached as http://pair.test:<port> through `fake_dns` (the SSRF guard resolves the name), and
`loopback_only` fails any test that would connect elsewhere.
"""

import hashlib
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils.dateparse import parse_datetime

from federation.models import Peer

PEER_HOST = "pair.test"


class FakePeer:
    def __init__(self, server):
        self.server = server
        self.port = server.server_address[1]
        self.base = f"http://{PEER_HOST}:{self.port}"
        self.bassins: list[dict] = []
        self.structures: list[dict] = []
        self.ateliers: list[dict] = []
        self.broken: dict[str, object] = {}  # kind -> route replacing the listing (500, invalid JSON…)
        for kind in ("bassins", "structures", "ateliers"):
            server.routes[f"/api/v1/{kind}/"] = self._route(kind)

    def _route(self, kind):
        def route(handler):
            if kind in self.broken:
                return self.broken[kind](handler)
            query = parse_qs(urlsplit(handler.path).query)
            items = list(getattr(self, kind))
            if "updated_since" in query:
                since = parse_datetime(query["updated_since"][0])
                items = [item for item in items if parse_datetime(item["updated_at"]) > since]
            if query.get("fields") == ["id"]:
                items = [{"id": item["id"]} for item in items]
            size = int(query.get("page_size", ["500"])[0])
            page = int(query.get("page", ["1"])[0])
            chunk = items[(page - 1) * size : page * size]
            more = page * size < len(items)
            next_query = {key: values[0] for key, values in query.items()} | {"page": page + 1}
            payload = {
                "count": len(items),
                "next": f"{self.base}/api/v1/{kind}/?{urlencode(next_query)}" if more else None,
                "previous": None,
                "results": chunk,
            }
            body = json.dumps(payload).encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if handler.headers.get("If-None-Match") == etag:
                return handler.reply(304, b"", {"ETag": etag})
            handler.reply(200, body, {"Content-Type": "application/json", "ETag": etag})

        return route

    def requests_to(self, kind: str) -> list[str]:
        return [
            request["path"]
            for request in self.server.requests
            if request["path"].startswith(f"/api/v1/{kind}/")
        ]


@pytest.fixture
def fake_peer(http_server, fake_dns, loopback_only):
    fake_dns[PEER_HOST] = ["127.0.0.1"]
    return FakePeer(http_server)


@pytest.fixture
def peer(db, fake_peer):
    return Peer.objects.create(url=fake_peer.base + "/", name="Maillage du Cher")
