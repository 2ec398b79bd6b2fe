"""A peer that answers badly loses nothing and is marked in error, in French (federation.client, .sync).

Every request goes through the calendars' guarded fetch: the peer's name is resolved by `fake_dns`, an
address outside loopback is refused, and `loopback_only` fails the test on any other connection.
"""

import json

import pytest

from calendars import fetch
from events.models import Atelier
from federation.client import failure_message
from federation.models import Peer, PeerStatus
from federation.sync import sync_peer
from network.models import BassinPage, StructurePage
from tests.fixtures.http_server import endless_body, slow_status

from .test_sync import populate

pytestmark = pytest.mark.django_db


def server_error(handler):
    handler.reply(500, b"erreur", {"Content-Type": "text/plain"})


def not_json(handler):
    handler.reply(200, b"<html>pas du JSON</html>", {"Content-Type": "text/html"})


def not_a_listing(handler):
    handler.reply(200, json.dumps({"results": "rien"}).encode(), {"Content-Type": "application/json"})


def huge(handler):
    handler.reply(200, b'{"results": [' + b" " * 3_000_000 + b"]}", {"Content-Type": "application/json"})


def counts():
    return (BassinPage.objects.count(), StructurePage.objects.count(), Atelier.objects.count())


@pytest.fixture
def mirrored(fake_peer, peer, home_page):
    """A peer already mirrored once, whose objects then change upstream."""
    bassin, structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    structure |= {"nom": "Renommée", "updated_at": "2099-01-01T00:00:00+00:00"}
    fake_peer.structures[:] = [structure]
    fake_peer.ateliers.clear()  # would be deleted by a successful sync
    return structure, atelier


@pytest.mark.parametrize(
    "kind, route, message",
    [
        ("bassins", server_error, "a répondu 500"),
        ("structures", not_json, "n'est pas du JSON valide"),
        ("ateliers", not_a_listing, "une liste illisible"),
        ("ateliers", huge, "Mo"),
    ],
)
def test_a_bad_answer_keeps_every_copy_and_marks_the_peer_in_error(
    fake_peer, peer, mirrored, settings, kind, route, message
):
    settings.MAILLAGE_PEER_MAX_BYTES = 1_000_000
    structure, atelier = mirrored
    before = counts()
    fake_peer.broken[kind] = route

    assert sync_peer(peer=peer) == {}

    peer.refresh_from_db()
    assert peer.status == PeerStatus.ERROR
    assert peer.last_error.startswith("L'instance suivie pair.test:")
    assert message in peer.last_error
    assert "calendrier" not in peer.last_error
    assert counts() == before
    assert StructurePage.objects.get(global_id=structure["id"]).title == "Médiathèque de Vierzon"
    assert Atelier.objects.filter(uid=atelier["id"]).exists()


def test_the_error_clears_at_the_next_good_sync(fake_peer, peer, mirrored):
    fake_peer.broken["bassins"] = server_error
    sync_peer(peer=peer)
    del fake_peer.broken["bassins"]

    sync_peer(peer=peer)

    peer.refresh_from_db()
    assert (peer.status, peer.last_error) == (PeerStatus.OK, "")
    assert StructurePage.objects.get(global_id=mirrored[0]["id"]).title == "Renommée"


@pytest.mark.parametrize("route", [slow_status(), endless_body()])
def test_a_slow_peer_is_cut_at_the_deadline(fake_peer, peer, mirrored, settings, route):
    settings.MAILLAGE_FETCH_DEADLINE_SECONDS = 1
    before = counts()
    fake_peer.broken["structures"] = route

    sync_peer(peer=peer)

    peer.refresh_from_db()
    assert peer.status == PeerStatus.ERROR
    assert peer.last_error.startswith("L'instance suivie pair.test:")
    assert counts() == before


def test_a_peer_on_an_internal_address_is_refused_without_a_connection(
    db, fake_dns, loopback_only, home_page
):
    fake_dns["interne.test"] = ["10.20.30.40"]
    peer = Peer.objects.create(url="http://interne.test")

    sync_peer(peer=peer)

    peer.refresh_from_db()
    assert peer.status == PeerStatus.ERROR
    assert "interne.test" in peer.last_error
    assert "10.20.30.40" not in peer.last_error
    assert peer.last_error.startswith("L'adresse de l'instance suivie interne.test mène à un réseau privé")
    assert loopback_only == []


def test_a_next_link_to_another_site_is_not_followed(fake_peer, peer, home_page):
    def elsewhere(handler):
        body = {"count": 2, "next": "http://ailleurs.test/api/v1/bassins/?page=2", "results": []}
        handler.reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    fake_peer.broken["bassins"] = elsewhere

    sync_peer(peer=peer)

    peer.refresh_from_db()
    assert peer.status == PeerStatus.ERROR
    assert "renvoie vers un autre site" in peer.last_error
    assert not any("ailleurs" in str(request["headers"]) for request in fake_peer.server.requests)


@pytest.mark.parametrize(
    "error, expected",
    [
        (fetch.BlockedAddress("…calendrier…"), "L'adresse de l'instance suivie pair.test mène à un réseau"),
        (fetch.InvalidURL("…calendrier…"), "L'adresse de l'instance suivie pair.test n'est pas valide"),
        (fetch.TooLarge("…calendrier…"), "L'instance suivie pair.test a envoyé une réponse plus grande"),
        (fetch.TooManyRedirects("…calendrier…"), "L'instance suivie pair.test redirige trop de fois"),
        (fetch.FetchTimeout("…calendrier…"), "L'instance suivie pair.test n'a pas répondu à temps"),
        (fetch.NetworkError("…calendrier…"), "La connexion avec l'instance suivie pair.test a échoué"),
        (fetch.HTTPStatusError(403), "L'instance suivie pair.test a répondu 403 (accès refusé)"),
        (fetch.HTTPStatusError(404), "L'instance suivie pair.test a répondu 404 (page introuvable)"),
        (fetch.HTTPStatusError(429), "L'instance suivie pair.test a répondu 429 (trop de demandes)"),
        (fetch.HTTPStatusError(503), "L'instance suivie pair.test a répondu 503 (erreur de son côté)"),
        (fetch.HTTPStatusError(418), "L'instance suivie pair.test a répondu 418 au lieu d'envoyer"),
        (fetch.FetchError("…calendrier…"), "L'instance suivie pair.test a envoyé une réponse illisible"),
    ],
)
def test_every_fetch_failure_names_the_followed_instance_never_a_calendar(error, expected):
    message = failure_message(error, host="pair.test", max_bytes=20_000_000)

    assert message.startswith(expected)
    assert "calendrier" not in message
