"""Where `import_lieux` reads a file: a local path, or a URL fetched through the calendars' SSRF guard.

The same guard as calendar feeds (`calendars.fetch`): the host is resolved once and every address vetted,
redirects are judged like the first URL, the body is capped and the whole download has one deadline. Its
French messages name a file of places (`PLACES_FILE`), not a calendar, and advise what a person running an
import can do (there is no automatic retry here).
"""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendars.fetch import FetchError, Wording, fetch_feed

PLACES_FILE = Wording(
    the=gettext_lazy("le fichier des lieux"),
    of_the=gettext_lazy("du fichier des lieux"),
    retry=gettext_lazy("réessayez plus tard"),
    private_advice=gettext_lazy("Donnez l'adresse d'un fichier publié, qui s'ouvre sans compte."),
    down_advice=gettext_lazy("Si cela dure, signalez-le à qui publie le fichier."),
    blocked_advice=gettext_lazy("Donnez l'adresse publique du fichier, ou téléchargez-le et importez-le."),
    redirect_advice=gettext_lazy("donnez directement l'adresse finale du fichier"),
    too_large_advice=gettext_lazy("Découpez-le, par exemple par département, et importez chaque partie."),
    certificate_advice=gettext_lazy(
        "Si l'adresse s'ouvre sans alerte dans votre navigateur, réessayez plus tard ; sinon, "
        "téléchargez le fichier et importez-le."
    ),
)


class SourceError(Exception):
    """The file could not be read; the message is in French."""


def is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def read_source(location: str) -> bytes:
    max_bytes = settings.MAILLAGE_OPENDATA_IMPORT_MAX_BYTES
    if is_url(location):
        try:
            return fetch_feed(location, max_bytes=max_bytes, wording=PLACES_FILE).body or b""
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
