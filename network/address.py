"""Address lookup in the Base Adresse Nationale (BAN) for the structure form: commune, INSEE, coordinates.

Why a server-side call: the editor's browser talks only to Maillage (no third-party request from the admin,
one place for the deadline and the size bound, and the setting `MAILLAGE_ADDRESS_LOOKUP` turns it off).

What must stay true:
- the URL is the setting `MAILLAGE_ADDRESS_API_URL`, fixed by the administrator, never by a user: the user
  gives only the words of the query, sent url-encoded as ``q``. So there is no server-side request forgery to
  guard against, and the calendars' guard (`calendars.netguard`, a higher layer this app may not import) is
  not needed; the setting must simply never point at a private address (tests point it at loopback);
- every call has an overall deadline (`MAILLAGE_ADDRESS_DEADLINE_SECONDS`: the connection, the sending and
  every read wait at most what is left of it; only the name lookup is the system resolver's, for the one
  host of the setting) and a size bound (`MAILLAGE_ADDRESS_MAX_BYTES`); redirects are not followed;
- anything but a well-formed GeoJSON answer is an `AddressLookupError`, which the view turns into a French
  message: the editor can always type the commune and the coordinates by hand.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings

QUERY_MIN_LENGTH = 3
QUERY_MAX_LENGTH = 200  # BAN refuses longer queries
RESULTS_LIMIT = 5


class AddressLookupError(Exception):
    """BAN could not be asked or did not answer usable data (the reason is for the logs, not the editor)."""


@dataclass(frozen=True)
class AddressMatch:
    """One BAN result, with the schema's names: what the form's fields receive."""

    label: str  # "8 Boulevard du Port 18100 Vierzon", shown to the editor
    adresse: str  # number and street ("8 Boulevard du Port"); empty for a whole commune
    code_postal: str
    commune: str
    code_insee: str
    latitude: float
    longitude: float


def search_addresses(query: str) -> list[AddressMatch]:
    """At most `RESULTS_LIMIT` matches for `query`; raises `AddressLookupError` when BAN fails."""
    base = settings.MAILLAGE_ADDRESS_API_URL
    separator = "&" if urlsplit(base).query else "?"
    url = f"{base}{separator}{urlencode({'q': query, 'limit': RESULTS_LIMIT})}"
    payload = _fetch(
        url,
        deadline_seconds=settings.MAILLAGE_ADDRESS_DEADLINE_SECONDS,
        max_bytes=settings.MAILLAGE_ADDRESS_MAX_BYTES,
    )
    return read_matches(payload)


def read_matches(payload: bytes) -> list[AddressMatch]:
    """Matches of a BAN answer (a GeoJSON FeatureCollection); features without a usable point are dropped."""
    try:
        data = json.loads(payload)
        features = data["features"]
    except (ValueError, TypeError, KeyError) as error:
        raise AddressLookupError(f"not a GeoJSON FeatureCollection: {error}") from error
    if not isinstance(features, list):
        raise AddressLookupError("features is not a list")
    matches = []
    for feature in features[:RESULTS_LIMIT]:
        match = _read_feature(feature)
        if match is not None:
            matches.append(match)
    return matches


def _read_feature(feature) -> AddressMatch | None:
    try:
        properties = feature["properties"]
        longitude, latitude = (float(value) for value in feature["geometry"]["coordinates"][:2])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    if not isinstance(properties, dict) or not all(map(math.isfinite, (latitude, longitude))):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    kind = str(properties.get("type") or "")
    return AddressMatch(
        label=str(properties.get("label") or ""),
        adresse="" if kind == "municipality" else str(properties.get("name") or ""),
        code_postal=str(properties.get("postcode") or ""),
        commune=str(properties.get("city") or ""),
        code_insee=str(properties.get("citycode") or ""),
        latitude=round(latitude, 6),
        longitude=round(longitude, 6),
    )


def _fetch(url: str, *, deadline_seconds: float, max_bytes: int) -> bytes:
    """GET `url` within `deadline_seconds` overall and at most `max_bytes`; only a 200 answer is read."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressLookupError(f"unsupported address API URL: {url!r}")
    deadline = time.monotonic() + deadline_seconds

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AddressLookupError("deadline exceeded")
        return left

    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=remaining())
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    watchdog = None
    try:
        connection.connect()
        # Kept: `getresponse` hands the socket over to the response when the server will close it.
        sock = connection.sock
        # A server may send its headers a byte at a time, each read well within the timeout: at the deadline
        # the watchdog shuts the socket, which ends any read in progress.
        watchdog = threading.Timer(remaining(), _shut, args=(sock,))
        watchdog.daemon = True
        watchdog.start()
        sock.settimeout(remaining())
        connection.request(
            "GET",
            target,
            headers={"Accept": "application/json", "User-Agent": settings.MAILLAGE_FEED_USER_AGENT},
        )
        sock.settimeout(remaining())
        response = connection.getresponse()
        if response.status != 200:
            raise AddressLookupError(f"HTTP {response.status}")
        chunks, size = [], 0
        while True:
            sock.settimeout(remaining())
            chunk = response.read1(16_384)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise AddressLookupError(f"answer larger than {max_bytes} bytes")
            chunks.append(chunk)
        remaining()  # a read the watchdog ended looks like the end of the answer: it is not
        return b"".join(chunks)
    except (OSError, http.client.HTTPException) as error:
        # Every socket timeout is what was left of the deadline; a watchdog's shutdown comes at it.
        if isinstance(error, TimeoutError) or time.monotonic() >= deadline:
            raise AddressLookupError("deadline exceeded") from error
        raise AddressLookupError(f"{type(error).__name__}: {error}") from error
    finally:
        if watchdog is not None:
            watchdog.cancel()
        connection.close()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
