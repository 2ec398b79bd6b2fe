"""Read a peer's API (`/api/v1/`, docs of issue 20) through the calendars' guarded fetch.

Every request goes through `calendars.fetch.fetch_feed`: the SSRF guard (`netguard`: the host is resolved
once, every address vetted, redirects judged alike), one deadline per request and a size cap, as received
and once decompressed. A listing is read page by page up to `MAILLAGE_PEER_MAX_PAGES`, and the whole sync
shares one time budget (`MAILLAGE_PEER_SYNC_DEADLINE_SECONDS`), so that no peer holds a worker for long.
Any failure raises `PeerError` with a French message for the administrator; nothing is applied until every
listing has been read (`federation.sync`). The messages are federation's own, chosen by the type of the
fetch's exception (`failure_message`): the fetch's own messages (`calendars.fetch.Wording`) are written for
a masculine thing a structure publishes (« le calendrier », « le fichier des lieux ») and give a publisher's
advice, whereas here an administrator reads about « l'instance suivie » and what to check on a peer.
"""

import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from calendars.fetch import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    NetworkError,
    TooLarge,
    TooManyRedirects,
    fetch_feed,
)


class PeerError(Exception):
    """The peer answered badly; `message` is in French, for the administrator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass
class Listing:
    """The objects of one listing, or `not_modified` when its first page answered 304."""

    results: list[dict] = field(default_factory=list)
    etag: str = ""
    not_modified: bool = False


class PeerClient:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.max_bytes = settings.MAILLAGE_PEER_MAX_BYTES
        self.max_pages = settings.MAILLAGE_PEER_MAX_PAGES
        self.ends_at = time.monotonic() + settings.MAILLAGE_PEER_SYNC_DEADLINE_SECONDS

    def listing(self, kind: str, *, params: dict | None = None, etag: str = "") -> Listing:
        """Every object of `/api/v1/<kind>/` with `params`, following `next`; 304 on the first page stops."""
        url = f"{self.base_url}/api/v1/{kind}/?" + urlencode({"page_size": 500, **(params or {})})
        listing = Listing()
        for page in range(self.max_pages):
            payload, listing_etag, not_modified = self._get(url, etag=etag if page == 0 else "")
            if page == 0:
                listing.etag = listing_etag
                if not_modified:
                    listing.not_modified = True
                    return listing
            results = payload.get("results") if isinstance(payload, dict) else None
            if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
                raise PeerError(
                    _("L'instance suivie %(host)s a envoyé une liste illisible.") % {"host": self.host}
                )
            listing.results.extend(results)
            next_url = payload.get("next")
            if not next_url:
                return listing
            url = self._same_instance(urljoin(url, str(next_url)))
        raise PeerError(
            _("L'instance suivie %(host)s envoie plus de %(pages)s pages : la synchronisation s'arrête là.")
            % {"host": self.host, "pages": self.max_pages}
        )

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def _same_instance(self, url: str) -> str:
        """A `next` link must stay on the peer: it is fetched with the same guard, but never elsewhere."""
        if urlsplit(url).netloc != self.host:
            raise PeerError(
                _("L'instance suivie %(host)s renvoie vers un autre site : la synchronisation s'arrête.")
                % {"host": self.host}
            )
        return url

    def _get(self, url: str, *, etag: str) -> tuple[object, str, bool]:
        if time.monotonic() > self.ends_at:
            raise PeerError(
                _(
                    "L'instance suivie %(host)s répond trop lentement : la synchronisation a dépassé "
                    "son délai."
                )
                % {"host": self.host}
            )
        try:
            result = fetch_feed(url, etag=etag, max_bytes=self.max_bytes)
        except FetchError as error:
            raise PeerError(failure_message(error, host=self.host, max_bytes=self.max_bytes)) from error
        if result.not_modified:
            return None, result.etag, True
        try:
            payload = json.loads(result.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise PeerError(
                _("L'instance suivie %(host)s a envoyé une réponse qui n'est pas du JSON valide.")
                % {"host": self.host}
            ) from error
        return payload, result.etag, False


def failure_message(error: FetchError, *, host: str, max_bytes: int) -> str:
    """What a failed fetch of a peer means for the administrator, in French, naming the peer's host (never
    the address it resolved to). Chosen by the exception's type only, never by its text, which is written
    for a publisher."""
    values = {"host": host}
    if isinstance(error, BlockedAddress):
        message = _(
            "L'adresse de l'instance suivie %(host)s mène à un réseau privé ou réservé : pour des raisons "
            "de sécurité, Maillage ne s'y connecte pas. Indiquez l'adresse publique de l'instance."
        )
    elif isinstance(error, InvalidURL):
        message = _("L'adresse de l'instance suivie %(host)s n'est pas valide : vérifiez-la.")
    elif isinstance(error, TooLarge):
        message = _(
            "L'instance suivie %(host)s a envoyé une réponse plus grande que la taille acceptée "
            "(%(size)s Mo) : la synchronisation s'arrête là."
        )
        values["size"] = f"{max_bytes / 1_000_000:g}"
    elif isinstance(error, TooManyRedirects):
        message = _(
            "L'instance suivie %(host)s redirige trop de fois, ou sans dire vers où : vérifiez son adresse."
        )
    elif isinstance(error, HTTPStatusError):
        return status_message(error.status, host=host)
    elif isinstance(error, FetchTimeout):
        message = _("L'instance suivie %(host)s n'a pas répondu à temps : Maillage réessaiera plus tard.")
    elif isinstance(error, NetworkError):
        message = _(
            "La connexion avec l'instance suivie %(host)s a échoué ou a été coupée : Maillage réessaiera "
            "plus tard."
        )
    else:
        message = _("L'instance suivie %(host)s a envoyé une réponse illisible.")
    return message % values


def status_message(status: int, *, host: str) -> str:
    """An HTTP error status of a peer, and what the administrator can do about it."""
    values = {"host": host, "status": status}
    if status in (401, 403):
        return (
            _("L'instance suivie %(host)s a répondu %(status)s (accès refusé) : son API doit être publique.")
            % values
        )
    if status in (404, 410):
        return (
            _(
                "L'instance suivie %(host)s a répondu %(status)s (page introuvable) : vérifiez que son "
                "adresse est bien celle d'une instance Maillage."
            )
            % values
        )
    if status == 429:
        return (
            _("L'instance suivie %(host)s a répondu 429 (trop de demandes) : Maillage réessaiera plus tard.")
            % values
        )
    if status >= 500:
        return (
            _(
                "L'instance suivie %(host)s a répondu %(status)s (erreur de son côté) : Maillage réessaiera "
                "plus tard."
            )
            % values
        )
    return _("L'instance suivie %(host)s a répondu %(status)s au lieu d'envoyer ses données.") % values
