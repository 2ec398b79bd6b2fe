"""`opendata.sources.read_source`: a file of places read from a path or fetched through the calendars' SSRF
guard, with French messages that speak of a file of places, never of a calendar."""

import pytest

from calendars.fetch import status_message
from opendata.sources import PLACES_FILE, SourceError, read_source
from tests.fixtures.http_server import ok, serve

CSV = b"id,nom\nlieu-1,EPN\n"


def test_a_url_is_fetched_through_the_guard(loopback_only, http_server):
    http_server.routes["/lieux.csv"] = ok(CSV, **{"Content-Type": "text/csv"})
    assert read_source(http_server.base + "/lieux.csv") == CSV


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "Le serveur a répondu 404 (page introuvable) : vérifiez l'adresse du fichier des lieux."),
        (
            403,
            "Le serveur a répondu 403 (accès refusé) : le fichier des lieux est sans doute privé. Donnez "
            "l'adresse d'un fichier publié, qui s'ouvre sans compte.",
        ),
        (
            502,
            "Le serveur du fichier des lieux a répondu 502 (erreur de son côté) : réessayez plus tard. Si "
            "cela dure, signalez-le à qui publie le fichier.",
        ),
    ],
)
def test_fetch_errors_name_a_file_of_places(loopback_only, status, message):
    route = {"/lieux.csv": lambda handler: handler.reply(status, b"non")}
    with serve(route) as server, pytest.raises(SourceError) as caught:
        read_source(server.base + "/lieux.csv")
    assert str(caught.value) == message


def test_a_file_too_large_is_refused_in_words_about_places(loopback_only, settings):
    settings.MAILLAGE_OPENDATA_IMPORT_MAX_BYTES = 10
    with serve({"/lieux.csv": ok(CSV)}) as server, pytest.raises(SourceError) as caught:
        read_source(server.base + "/lieux.csv")
    assert str(caught.value) == (
        "Le fichier des lieux dépasse la taille maximale acceptée (1e-05 Mo). Découpez-le, par exemple par "
        "département, et importez chaque partie."
    )


def test_a_private_address_is_refused_in_words_about_places(settings, fake_dns):
    settings.MAILLAGE_FEED_ALLOW_LOOPBACK = False
    fake_dns["lieux.interne.test"] = ["10.0.0.8"]
    with pytest.raises(SourceError) as caught:
        read_source("https://lieux.interne.test/lieux.csv")
    assert "L'adresse du fichier des lieux mène à un réseau privé ou réservé" in str(caught.value)
    assert "calendrier" not in str(caught.value)


def test_calendar_wording_is_unchanged_by_default():
    assert (
        status_message(404)
        == "Le serveur a répondu 404 (page introuvable) : vérifiez l'adresse du calendrier."
    )
    assert "fichier des lieux" in status_message(404, PLACES_FILE)
