"""Where `import_lieux` reads a file: a local path, or a URL fetched through the calendars' SSRF guard.

The same guard as calendar feeds (`calendars.fetch`): the host is resolved once and every address vetted,
redirects are judged like the first URL, the body is capped and the whole download has one deadline.
"""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from calendars.fetch import FetchError, fetch_feed


class SourceError(Exception):
    """The file could not be read; the message is in French."""


def is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def read_source(location: str) -> bytes:
    max_bytes = settings.MAILLAGE_OPENDATA_IMPORT_MAX_BYTES
    if is_url(location):
        try:
            return fetch_feed(location, max_bytes=max_bytes).body or b""
        except FetchError as error:
            raise SourceError(error.message) from error
    path = Path(location)
    if not path.is_file():
        raise SourceError(_("Fichier introuvable : %(path)s") % {"path": location})
    if path.stat().st_size > max_bytes:
        raise SourceError(
            _("Le fichier dépasse %(size)s Mo : découpez-le.") % {"size": max_bytes // 1_000_000}
        )
    return path.read_bytes()
