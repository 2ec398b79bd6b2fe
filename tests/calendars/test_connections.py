"""Connections kept between fetches: reused for the same host and vetted address only, replaced when stale.

Real HTTP against servers on 127.0.0.1 (`serve` from test_fetch); other names resolve through `fake_dns`.
"""

import socket

import pytest

from calendars import connections
from calendars.connections import POOL, ConnectionPool
from calendars.fetch import BlockedAddress, NetworkError, TooLarge, fetch_feed
from tests.calendars.test_fetch import ICS, ok, serve


def test_second_fetch_from_the_same_host_reuses_the_connection(loopback_only):
    with serve({"/a.ics": ok(), "/b.ics": ok()}) as server:
        first = fetch_feed(server.base + "/a.ics")
        second = fetch_feed(server.base + "/b.ics")

    assert (first.body, second.body) == (ICS, ICS)
    assert [request["path"] for request in server.requests] == ["/a.ics", "/b.ics"]
    assert len(loopback_only) == 1
    assert "Connection" not in server.requests[0]["headers"]


def test_not_modified_answer_keeps_the_connection(loopback_only):
    def not_modified(handler):
        handler.reply(304, headers={"ETag": '"v1"', "Content-Length": None})

    with serve({"/cal.ics": not_modified}) as server:
        results = [fetch_feed(server.base + "/cal.ics", etag='"v1"') for _round in range(3)]

    assert [result.status for result in results] == [304, 304, 304]
    assert len(loopback_only) == 1


def test_connection_the_server_closes_is_not_kept(loopback_only):
    with serve({"/cal.ics": ok(Connection="close")}) as server:
        fetch_feed(server.base + "/cal.ics")
        fetch_feed(server.base + "/cal.ics")

    assert len(server.requests) == 2
    assert len(loopback_only) == 2
    assert len(POOL) == 0


def closes_after_answer(handler):
    """Answers as if keeping the connection, then hangs up: an idle timeout on the server's side."""
    handler.reply(200, ICS, {"Content-Type": "text/calendar"})
    handler.close_connection = True


def test_connection_closed_while_idle_is_replaced(loopback_only):
    with serve({"/cal.ics": closes_after_answer}) as server:
        fetch_feed(server.base + "/cal.ics")
        result = fetch_feed(server.base + "/cal.ics")

    assert result.body == ICS
    assert len(server.requests) == 2
    assert len(loopback_only) == 2


def test_request_on_a_connection_found_closed_is_sent_once_more(loopback_only, monkeypatch):
    """The server hangs up between the check and the request: the GET goes again on a new connection."""
    with serve({"/cal.ics": closes_after_answer}) as server:
        fetch_feed(server.base + "/cal.ics")
        monkeypatch.setattr(connections, "_dropped", lambda connection: False)
        result = fetch_feed(server.base + "/cal.ics")

    assert result.body == ICS
    assert len(server.requests) == 2
    assert len(loopback_only) == 2


def test_answer_not_read_to_the_end_does_not_keep_the_connection(loopback_only):
    with serve({"/big.ics": ok(b"X" * 5000), "/cal.ics": ok()}) as server:
        with pytest.raises(TooLarge):
            fetch_feed(server.base + "/big.ics", max_bytes=1000)
        assert len(POOL) == 0
        fetch_feed(server.base + "/cal.ics")

    assert len(loopback_only) == 2


def test_host_now_resolving_to_a_private_address_is_refused_before_reuse(fake_dns, loopback_only):
    with serve({"/cal.ics": ok()}) as server:
        url = f"http://calendrier.test:{server.server_address[1]}/cal.ics"
        fake_dns["calendrier.test"] = ["127.0.0.1"]
        fetch_feed(url)
        fake_dns["calendrier.test"] = ["10.20.30.40"]
        with pytest.raises(BlockedAddress):
            fetch_feed(url)

    assert len(server.requests) == 1
    assert len(loopback_only) == 1


def test_kept_connection_serves_only_the_addresses_just_vetted(fake_dns, monkeypatch):
    """The name now points elsewhere: the kept connection to the old address is not used."""
    real_create_connection = socket.create_connection
    attempts = []

    def create_connection(address, *args, **kwargs):
        attempts.append(address[0])
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError  # 127.0.0.2 is never really connected to
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    with serve({"/cal.ics": ok()}) as server:
        url = f"http://calendrier.test:{server.server_address[1]}/cal.ics"
        fake_dns["calendrier.test"] = ["127.0.0.1"]
        fetch_feed(url)
        fake_dns["calendrier.test"] = ["127.0.0.2"]
        with pytest.raises(NetworkError):
            fetch_feed(url)

    assert attempts == ["127.0.0.1", "127.0.0.2"]
    assert len(server.requests) == 1


def test_connection_idle_too_long_is_closed_not_reused(loopback_only, monkeypatch):
    monkeypatch.setattr(connections, "IDLE_SECONDS", -1.0)
    with serve({"/cal.ics": ok()}) as server:
        fetch_feed(server.base + "/cal.ics")
        fetch_feed(server.base + "/cal.ics")

    assert len(server.requests) == 2
    assert len(loopback_only) == 2


class FakeConnection:
    """An idle connection as the pool sees it: an open socket nobody writes to, and its address."""

    def __init__(self, address="127.0.0.1"):
        self.sock, self.peer = socket.socketpair()
        self.address = address
        self.closed = False

    def close(self):
        self.closed = True
        self.sock.close()
        self.peer.close()


def test_pool_keeps_at_most_max_idle_connections_closing_the_oldest():
    pool = ConnectionPool()
    kept = [FakeConnection() for _number in range(connections.MAX_IDLE + 2)]
    for number, connection in enumerate(kept):
        pool.give(("http", f"h{number}.test", 80), connection)

    assert len(pool) == connections.MAX_IDLE
    assert [connection.closed for connection in kept[:3]] == [True, True, False]
    assert pool.take(("http", "h2.test", 80), ["127.0.0.1"]) is kept[2]
    pool.clear()


def test_pool_takes_by_scheme_host_port_and_address():
    pool = ConnectionPool()
    connection = FakeConnection("192.0.2.10")  # never connected: a socket pair stands in for it
    pool.give(("https", "agenda.test", 443), connection)

    assert pool.take(("http", "agenda.test", 443), ["192.0.2.10"]) is None
    assert pool.take(("https", "agenda.test", 8443), ["192.0.2.10"]) is None
    assert pool.take(("https", "agenda.test", 443), ["192.0.2.11"]) is None
    assert pool.take(("https", "agenda.test", 443), ["192.0.2.11", "192.0.2.10"]) is connection
    assert pool.take(("https", "agenda.test", 443), ["192.0.2.10"]) is None  # taken: no longer idle
    connection.close()


def test_pool_drops_a_connection_the_peer_closed():
    pool = ConnectionPool()
    connection = FakeConnection()
    pool.give(("http", "agenda.test", 80), connection)
    connection.peer.close()  # the server's side hangs up: the idle socket becomes readable (EOF)

    assert pool.take(("http", "agenda.test", 80), ["127.0.0.1"]) is None
    assert connection.closed
    assert len(pool) == 0


def test_forked_worker_forgets_its_parents_connections(monkeypatch):
    pool = ConnectionPool()
    connection = FakeConnection()
    pool.give(("http", "agenda.test", 80), connection)
    monkeypatch.setattr(connections.os, "getpid", lambda: -1)

    assert pool.take(("http", "agenda.test", 80), ["127.0.0.1"]) is None
    assert not connection.closed  # the parent's socket is left alone
    assert len(pool) == 0
    connection.close()
