"""Download a structure's iCal feed over HTTP(S), with the standard library only.

Why not `urllib` or `requests`: the feed URL is untrusted, so the host must be resolved once, every address
vetted (`netguard`), and the connection opened to that vetted address, never re-resolved (DNS rebinding).
Each request gets its own connection, closed after it: a connection kept between fetches would have to be
vetted again, and the handshake it saves is small next to what a sync then does with the calendar. TLS
still checks the certificate against the host name of the URL, and the Host header names it. Each redirect
is judged like the first URL. The body is capped both as received and once un-gzipped (a small gzip can
expand a thousandfold). The whole fetch, redirects included, has one deadline that the sockets enforce on
every call (`MAILLAGE_FETCH_DEADLINE_SECONDS`), so that no server, however slow, holds a worker longer.
Every failure carries a message in plain French that the structure can act on, naming the URL's host (never
the address it resolved to), plus whether trying again later may help (`retryable`). The messages name what
was fetched through a `Wording` (a calendar by default): the same guard fetches other things (a file of
places for `opendata`), whose messages must not speak of a calendar.
"""

import http.client
import logging
import ssl
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import netguard
from .models import normalise_feed_url

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class Wording:
    """How the French messages of a failed fetch name what was fetched, in the forms their sentences need.

    Each field is a translated fragment or sentence; they are masculine singular nouns (« le calendrier »,
    « le fichier des lieux »), which the sentences around them agree with.
    """

    the: str  # « le calendrier »
    of_the: str  # « du calendrier »
    retry: str  # « Maillage réessaiera plus tard » (no final stop)
    private_advice: str  # after a 401/403
    down_advice: str  # after a 5xx
    blocked_advice: str  # when the address leads to a private network
    redirect_advice: str  # after too many redirections (no final stop)
    too_large_advice: str
    certificate_advice: str  # after a certificate error


CALENDAR = Wording(
    the=gettext_lazy("le calendrier"),
    of_the=gettext_lazy("du calendrier"),
    retry=gettext_lazy("Maillage réessaiera plus tard"),
    private_advice=gettext_lazy("Utilisez son adresse « publique » ou « secrète » au format iCal."),
    down_advice=gettext_lazy("Si cela dure, vérifiez que votre agenda en ligne fonctionne."),
    blocked_advice=gettext_lazy("Utilisez l'adresse publique de votre agenda en ligne."),
    redirect_advice=gettext_lazy("copiez l'adresse finale depuis votre agenda en ligne"),
    too_large_advice=gettext_lazy("Publiez un agenda plus court, par exemple sans les événements passés."),
    certificate_advice=gettext_lazy(
        "Si l'agenda s'ouvre sans alerte dans votre navigateur, Maillage réessaiera plus tard."
    ),
)


def _words(wording: Wording, **values) -> dict:
    """The fragments a message template may use: %(the)s, %(The)s, %(of_the)s, %(retry)s…"""
    return {
        "the": wording.the,
        "The": capfirst(str(wording.the)),
        "of_the": wording.of_the,
        "retry": wording.retry,
        **values,
    }


class FetchError(Exception):
    """A fetch that failed, with `message` in French for the structure, and whether a retry may help."""

    retryable: bool = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BlockedAddress(FetchError):
    """The URL leads to an address we refuse to reach (internal network, loopback…)."""


class TooLarge(FetchError):
    """The calendar is bigger than `MAILLAGE_FEED_MAX_BYTES`, as sent or once decompressed."""


class InvalidURL(FetchError):
    """Not an http(s)/webcal address, or one without a host."""


class TooManyRedirects(FetchError):
    """More than `MAX_REDIRECTS` redirections, or a redirection without a usable Location."""


class NetworkError(FetchError):
    """Timeouts, unknown host, refused connection, TLS or protocol trouble: often temporary."""

    retryable = True


class FetchTimeout(NetworkError):
    """The whole fetch (connection, status line, headers, body) did not end within its deadline."""


class HTTPStatusError(FetchError):
    """The server answered with an error status. Server errors (5xx) and 429 are worth retrying.

    Accepts `HTTPStatusError(404)`, `HTTPStatusError(404, "message")` or `HTTPStatusError("message",
    status=404)`; without a message, the standard French explanation of the status is used.
    """

    def __init__(self, *args, status: int | None = None, wording: Wording = CALENDAR):
        message = ""
        for arg in args:
            if isinstance(arg, int):
                status = arg
            else:
                message = str(arg)
        if status is None:
            raise TypeError("HTTPStatusError needs a status")
        self.status = status
        self.retryable = status >= 500 or status == 429
        super().__init__(message or status_message(status, wording))


def status_message(status: int, wording: Wording = CALENDAR) -> str:
    """What an HTTP error status means for the structure, and what to do about it."""
    words = _words(wording, status=status)
    if status in (401, 403):
        return _(
            "Le serveur a répondu %(status)s (accès refusé) : %(the)s est sans doute privé. %(advice)s"
        ) % {**words, "advice": wording.private_advice}
    if status in (404, 410):
        return (
            _("Le serveur a répondu %(status)s (page introuvable) : vérifiez l'adresse %(of_the)s.") % words
        )
    if status == 429:
        return _("Le serveur a répondu 429 (trop de demandes) : %(retry)s.") % words
    if status >= 500:
        return _(
            "Le serveur %(of_the)s a répondu %(status)s (erreur de son côté) : %(retry)s. %(advice)s"
        ) % {**words, "advice": wording.down_advice}
    return (
        _("Le serveur a répondu %(status)s au lieu d'envoyer %(the)s : vérifiez l'adresse %(of_the)s.")
        % words
    )


@dataclass
class FetchResult:
    status: int  # 200 or 304
    body: bytes | None  # None on 304; gzip already decoded
    etag: str
    last_modified: str
    final_url: str
    # The final URL when every redirection on the way was permanent (301/308): the feed has moved for good.
    moved_to: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line


class _Deadline:
    """One time budget for the whole fetch, redirects included (`MAILLAGE_FETCH_DEADLINE_SECONDS`).

    The sockets enforce it on every call (`netguard.PinnedHTTPConnection`): a server trickling its status
    line, headers or body one byte at a time is cut when the budget is spent, not after each slow read.
    """

    def __init__(self, wording: Wording = CALENDAR):
        self.wording = wording
        self.seconds = float(getattr(settings, "MAILLAGE_FETCH_DEADLINE_SECONDS", 30))
        self.connect, self.read = _timeouts()
        self.expires = time.monotonic() + self.seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.expires

    def check(self) -> None:
        if self.expired:
            raise FetchTimeout(timeout_message(self.wording))


def _timeouts() -> tuple[float, float]:
    """The longest wait for the connection, and for any one read, within the overall deadline."""
    value = getattr(settings, "MAILLAGE_FEED_TIMEOUT", (10, 30))
    if isinstance(value, int | float):
        return float(value), float(value)
    connect, read = value
    return float(connect), float(read)


def timeout_message(wording: Wording = CALENDAR) -> str:
    return _(
        "Le serveur %(of_the)s n'a pas répondu à temps : %(retry)s. "
        "Si cela dure, vérifiez que l'adresse s'ouvre dans votre navigateur."
    ) % _words(wording)


def invalid_url(wording: Wording = CALENDAR) -> InvalidURL:
    return InvalidURL(_("L'adresse %(of_the)s n'est pas valide : vérifiez-la.") % _words(wording))


def _parse(url: str, wording: Wording) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise invalid_url(wording) from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURL(_("L'adresse doit commencer par http://, https:// ou webcal://."))
    if not parts.hostname:
        raise InvalidURL(_("L'adresse %(of_the)s n'indique pas de serveur : vérifiez-la.") % _words(wording))
    try:  # accented domain names travel as IDNA (xn--…), in DNS, SNI and the Host header alike
        host = (
            parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
        )
    except UnicodeError as error:
        raise invalid_url(wording) from error
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    path = quote(path, safe="/%?&=:;@!$'()*+,~[]")  # spaces and accents as typed in the admin
    default_port = 443 if scheme == "https" else 80
    return _Target(scheme=scheme, host=host, port=port or default_port, path=path)


def _vetted_addresses(target: _Target, wording: Wording) -> list[str]:
    """Resolve the host and vet every address: one forbidden address refuses the whole host."""
    try:
        addresses = netguard.resolve(target.host, target.port)
    except (OSError, UnicodeError) as error:
        raise NetworkError(
            _(
                "Le nom de domaine « %(host)s » est introuvable : vérifiez l'adresse %(of_the)s. "
                "Si elle est juste, %(retry)s."
            )
            % _words(wording, host=target.host)
        ) from error
    allow_loopback = getattr(settings, "MAILLAGE_FEED_ALLOW_LOOPBACK", False)
    for address in addresses:
        reason = netguard.blocked_reason(address, allow_loopback=allow_loopback)
        if reason:
            logger.warning(
                "Feed fetch to %s refused: %s resolves to %s (%s)", target.host, target.host, address, reason
            )
            raise BlockedAddress(
                _(
                    "L'adresse %(of_the)s mène à un réseau privé ou réservé (le serveur « %(host)s ») : "
                    "pour des raisons de sécurité, Maillage ne s'y connecte pas. %(advice)s"
                )
                % _words(wording, host=target.host, advice=wording.blocked_advice)
            )
    if not addresses:
        raise NetworkError(_("Le nom de domaine « %(host)s » est introuvable.") % {"host": target.host})
    return addresses


def _headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {
        "User-Agent": settings.MAILLAGE_FEED_USER_AGENT,
        "Accept": "text/calendar, text/plain;q=0.8, */*;q=0.5",
        "Accept-Encoding": "gzip",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def too_large(max_bytes: int, wording: Wording = CALENDAR) -> TooLarge:
    return TooLarge(
        _("%(The)s dépasse la taille maximale acceptée (%(size)s Mo). %(advice)s")
        % _words(wording, size=f"{max_bytes / 1_000_000:g}", advice=wording.too_large_advice)
    )


def _read_body(response: http.client.HTTPResponse, max_bytes: int, deadline: _Deadline) -> bytes:
    """Read the body chunk by chunk, capping the raw and the decoded size, decoding gzip on the fly."""
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise too_large(max_bytes, deadline.wording)
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, detected
    elif encoding == "identity":
        decoder = None
    else:
        raise FetchError(
            _("Le serveur a envoyé %(the)s dans un format compressé non pris en charge (%(encoding)s).")
            % _words(deadline.wording, encoding=encoding)
        )
    raw_size = 0
    parts: list[bytes] = []
    decoded_size = 0
    while True:
        deadline.check()
        chunk = response.read1(CHUNK_SIZE)  # what has arrived: read() would wait for the whole chunk
        if not chunk:
            break
        raw_size += len(chunk)
        if raw_size > max_bytes:
            raise too_large(max_bytes, deadline.wording)
        if decoder is None:
            parts.append(chunk)
            decoded_size += len(chunk)
            continue
        data = chunk
        while data:
            try:
                # max_length bounds memory: a bomb is refused after max_bytes + 1 decoded bytes.
                piece = decoder.decompress(data, max_bytes - decoded_size + 1)
            except zlib.error as error:
                raise NetworkError(
                    _("%(The)s reçu est mal compressé : il est illisible.") % _words(deadline.wording)
                ) from error
            parts.append(piece)
            decoded_size += len(piece)
            if decoded_size > max_bytes:
                raise too_large(max_bytes, deadline.wording)
            if decoder.eof and decoder.unused_data:  # concatenated gzip members
                data = decoder.unused_data
                decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)
            else:
                data = decoder.unconsumed_tail
    if decoder is not None and not decoder.eof and raw_size:
        raise NetworkError(_("%(The)s a été reçu incomplet : %(retry)s.") % _words(deadline.wording))
    return b"".join(parts)


def _request(target: _Target, headers: dict[str, str], deadline: _Deadline, max_bytes: int, url: str):
    """One request/response exchange on a new connection to a vetted address, closed at the end.

    Returns (status, location, etag, last_modified, body).
    """
    addresses = _vetted_addresses(target, deadline.wording)
    kind = netguard.PinnedHTTPSConnection if target.scheme == "https" else netguard.PinnedHTTPConnection
    connection = kind(
        target.host,
        target.port,
        addresses=addresses,
        connect_timeout=deadline.connect,
        read_timeout=deadline.read,
        expires=deadline.expires,
    )
    try:
        connection.request("GET", target.path, headers={**headers, "Connection": "close"})
        response = connection.getresponse()
        status = response.status
        location = response.getheader("Location") or ""
        etag = response.getheader("ETag") or ""
        last_modified = response.getheader("Last-Modified") or ""
        body = _read_body(response, max_bytes, deadline) if 200 <= status < 300 else None
        return status, location, etag, last_modified, body
    except FetchError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as error:
        # Past the deadline, whatever the socket said (timed out, reset, closed) is the deadline's doing.
        if isinstance(error, TimeoutError) or deadline.expired:
            raise FetchTimeout(timeout_message(deadline.wording)) from error
        raise _connection_error(error, target, url, deadline.wording) from error
    finally:
        connection.close()


def _connection_error(error: Exception, target: _Target, url: str, wording: Wording) -> FetchError:
    """What went wrong on the connection, in French, naming the URL's host, never the address it resolved
    to."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return NetworkError(
            _(
                "Le certificat de sécurité du serveur « %(host)s » n'est pas valide (%(detail)s) : la "
                "connexion a été refusée. %(advice)s"
            )
            % _words(
                wording,
                host=target.host,
                detail=error.verify_message or error.reason,
                advice=wording.certificate_advice,
            )
        )
    if isinstance(error, ssl.SSLError):
        return NetworkError(
            _("La connexion sécurisée (https) avec « %(host)s » a échoué : %(retry)s.")
            % _words(wording, host=target.host)
        )
    if isinstance(error, ConnectionRefusedError):
        return NetworkError(
            _("Le serveur « %(host)s » refuse la connexion : %(retry)s.") % _words(wording, host=target.host)
        )
    if isinstance(error, ValueError):
        # http.client.InvalidURL, an illegal header value: a retry would not help. Checked after the TLS
        # errors, as SSLCertVerificationError is a ValueError too.
        return invalid_url(wording)
    logger.info("Feed fetch %s failed: %r", url, error)
    return NetworkError(
        _("La connexion avec le serveur « %(host)s » a échoué ou a été coupée : %(retry)s.")
        % _words(wording, host=target.host)
    )


def fetch_feed(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int | None = None,
    wording: Wording = CALENDAR,
) -> FetchResult:
    """GET the feed at `url` (http, https or webcal), conditionally when validators are given.

    Returns a `FetchResult` (status 200 with the decoded body, or 304 without one); raises a `FetchError`
    subclass otherwise, whose message names what was fetched as `wording` says. Never connects to an
    address refused by `netguard`, redirects included.
    """
    if max_bytes is None:
        max_bytes = settings.MAILLAGE_FEED_MAX_BYTES
    deadline = _Deadline(wording)
    headers = _headers(etag, last_modified)
    current = normalise_feed_url(url)
    permanent = None  # whether every redirection so far was permanent; None: no redirection yet
    for _hop in range(MAX_REDIRECTS + 1):
        deadline.check()
        target = _parse(current, wording)
        status, location, new_etag, new_last_modified, body = _request(
            target, headers, deadline, max_bytes, current
        )
        if status in REDIRECT_STATUSES:
            if not location:
                raise TooManyRedirects(
                    _("Le serveur redirige %(the)s sans dire vers où : vérifiez l'adresse.") % _words(wording)
                )
            current = normalise_feed_url(urljoin(current, location.strip()))
            permanent = status in PERMANENT_REDIRECTS and permanent is not False
            continue
        moved_to = current if permanent else ""
        if status == 304:
            return FetchResult(
                status=304,
                body=None,
                etag=new_etag or etag,
                last_modified=new_last_modified or last_modified,
                final_url=current,
                moved_to=moved_to,
            )
        if 200 <= status < 300:
            return FetchResult(
                status=status,
                body=body,
                etag=new_etag,
                last_modified=new_last_modified,
                final_url=current,
                moved_to=moved_to,
            )
        raise HTTPStatusError(status, wording=wording)
    raise TooManyRedirects(
        _("L'adresse %(of_the)s redirige plus de %(count)s fois : vérifiez-la, ou %(advice)s.")
        % _words(wording, count=MAX_REDIRECTS, advice=wording.redirect_advice)
    )
