"""Hostile calendar hosts (`hostile_server`): every fetch ends by its overall deadline or its size cap,
with a French message the structure can act on, and the other feeds go on as usual.

The deadline is 2 s here (`MAILLAGE_FETCH_DEADLINE_SECONDS`); each hostile host would hold a client for a
minute or more. The only clock read is a generous bound, so that a broken deadline fails instead of hanging.
"""

import socket
import threading
import time

import pytest

from calendars import sync, tasks
from calendars.fetch import BlockedAddress, FetchTimeout, NetworkError, TooLarge, fetch_feed
from calendars.models import Feed, FeedPreview, FeedPreviewStatus, FeedStatus
from events.models import Atelier
from tests.factories import UserFactory
from tests.fixtures.calendars import TOO_LARGE, TOO_SLOW

DEADLINE = 2
GENEROUS_BOUND = DEADLINE + 8  # a fetch without a deadline would take a minute or more
TIMEOUT_MESSAGE = "Le serveur du calendrier n'a pas répondu à temps"


@pytest.fixture
def deadline(settings):
    settings.MAILLAGE_FETCH_DEADLINE_SECONDS = DEADLINE
    settings.MAILLAGE_FEED_TIMEOUT = (10, 30)  # per call: longer than any pause of the hostile hosts


@pytest.mark.parametrize("path", TOO_SLOW)
def test_a_slow_host_is_cut_at_the_deadline_with_a_french_message(
    hostile_server, deadline, loopback_only, path
):
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as caught:
        fetch_feed(hostile_server.url(path))
    elapsed = time.monotonic() - started

    assert caught.value.retryable is True
    assert caught.value.message.startswith(TIMEOUT_MESSAGE)
    assert "erreur de Maillage" not in caught.value.message
    assert elapsed < GENEROUS_BOUND


@pytest.mark.parametrize("path", TOO_LARGE)
def test_a_gzip_bomb_stops_at_the_size_cap(hostile_server, deadline, loopback_only, settings, path):
    settings.MAILLAGE_FEED_MAX_BYTES = 1_000_000

    with pytest.raises(TooLarge) as caught:
        fetch_feed(hostile_server.url(path))

    assert caught.value.retryable is False
    assert caught.value.message.startswith("Le calendrier dépasse la taille maximale acceptée (1 Mo)")


def test_the_deadline_covers_redirects_too(hostile_server, deadline, loopback_only):
    hostile_server.routes["/ancien.ics"] = lambda handler: handler.reply(
        301, headers={"Location": "/lent-corps.ics"}
    )

    with pytest.raises(FetchTimeout):
        fetch_feed(hostile_server.url("/ancien.ics"))

    assert [request["path"] for request in hostile_server.requests] == ["/ancien.ics", "/lent-corps.ics"]


def test_another_feed_is_fetched_while_a_hostile_one_is_held(hostile_server, deadline, loopback_only):
    outcome = {}
    held = threading.Event()
    hostile = hostile_server.routes["/lent-entetes.ics"]

    def announcing(handler):
        held.set()
        hostile(handler)

    hostile_server.routes["/lent-entetes.ics"] = announcing

    def fetch_hostile():
        try:
            fetch_feed(hostile_server.url("/lent-entetes.ics"))
        except FetchTimeout as error:
            outcome["hostile"] = error

    thread = threading.Thread(target=fetch_hostile)
    thread.start()
    assert held.wait(GENEROUS_BOUND)
    result = fetch_feed(hostile_server.url("/agenda.ics"))
    still_held = "hostile" not in outcome
    thread.join(GENEROUS_BOUND)

    assert result.status == 200 and b"Caf\xc3\xa9 num\xc3\xa9rique" in result.body
    assert still_held is True
    assert isinstance(outcome["hostile"], FetchTimeout)


def test_a_hostile_feed_fails_in_french_and_the_next_feed_syncs(
    hostile_server, deadline, loopback_only, structure
):
    hostile = Feed.objects.create(
        structure=structure, url=hostile_server.url("/lent-entetes.ics"), active=True
    )
    normal = Feed.objects.create(structure=structure, url=hostile_server.url("/agenda.ics"), active=True)

    with pytest.raises(FetchTimeout):
        sync.sync_feed(feed=hostile)
    sync.sync_feed(feed=normal)

    hostile.refresh_from_db()
    normal.refresh_from_db()
    assert (hostile.status, hostile.consecutive_failures) == (FeedStatus.FAILING, 1)
    assert hostile.last_error.startswith(TIMEOUT_MESSAGE)
    assert (normal.status, normal.last_error) == (FeedStatus.OK, "")
    assert set(Atelier.objects.filter(feed=normal).values_list("title", flat=True)) == {
        "Café numérique",
        "Messagerie pour débuter",
    }
    assert not Atelier.objects.filter(feed=hostile).exists()


# Errors name the host the structure typed, never the address it resolved to ------------------------------


def test_a_refused_address_is_named_by_its_host(fake_dns, loopback_only):
    fake_dns["agenda.interne.test"] = ["10.20.30.40"]

    with pytest.raises(BlockedAddress) as caught:
        fetch_feed("https://agenda.interne.test/cal.ics")

    assert "« agenda.interne.test »" in caught.value.message
    assert "10.20.30.40" not in caught.value.message
    assert loopback_only == []


def test_a_timeout_and_a_hang_up_are_named_by_their_host(hostile_server, deadline, fake_dns, loopback_only):
    port = hostile_server.server_address[1]
    fake_dns["agenda.lent.test"] = ["127.0.0.1"]
    hostile_server.routes["/coupe.ics"] = lambda handler: handler.wfile.write(b"PAS DU HTTP\r\n")

    with pytest.raises(FetchTimeout) as slow:
        fetch_feed(f"http://agenda.lent.test:{port}/lent-statut.ics")
    with pytest.raises(NetworkError) as cut:
        fetch_feed(f"http://agenda.lent.test:{port}/coupe.ics")

    assert "127.0.0.1" not in slow.value.message
    assert cut.value.message.startswith("La connexion avec le serveur « agenda.lent.test » a échoué")
    assert "127.0.0.1" not in cut.value.message


def test_a_preview_of_a_hostile_host_ends_failed_with_the_timeout_message(
    hostile_server, deadline, loopback_only, structure
):
    feed = Feed.objects.create(structure=structure, url=hostile_server.url("/lent-statut.ics"))
    asked = FeedPreview.objects.create(feed=feed, requested_by=UserFactory(), url=feed.url)

    outcome = tasks.preview_feed_task(preview_id=asked.pk)

    asked.refresh_from_db()
    assert outcome == FeedPreviewStatus.FAILED
    assert asked.error.startswith(TIMEOUT_MESSAGE)


def test_a_tls_handshake_that_never_ends_is_cut_at_the_deadline(deadline, loopback_only):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the system accepts; nobody ever answers
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(FetchTimeout) as caught:
            fetch_feed(f"https://127.0.0.1:{port}/agenda.ics")
        elapsed = time.monotonic() - started

    assert caught.value.message.startswith(TIMEOUT_MESSAGE)
    assert elapsed < GENEROUS_BOUND
