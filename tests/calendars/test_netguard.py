"""The SSRF guard: a feed URL never makes the worker connect to an internal address.

Resolution is faked (`fake_dns`) and `socket.create_connection` fails the test when called with anything
but loopback, so a refusal is proven to happen before any connection attempt and nothing leaves the machine.
"""

import socket

import pytest

from calendars import netguard
from calendars.fetch import BlockedAddress, NetworkError, fetch_feed
from tests.fixtures.http_server import ICS, ok, serve

REFUSED = [
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:10.0.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "100.64.0.1",
    "192.0.0.8",
    "198.18.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "fec0::1",
    "ff02::1",
    "::ffff:169.254.169.254",
    "::10.0.0.1",
    "2002:a00:1::1",  # 6to4 wrapping of 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 wrapping of 169.254.169.254
]


@pytest.fixture
def no_connection(monkeypatch):
    def create_connection(address, *args, **kwargs):
        pytest.fail(f"Connexion tentée vers {address} : l'adresse aurait dû être refusée avant")

    monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.fixture
def strict(settings):
    settings.MAILLAGE_FEED_ALLOW_LOOPBACK = False


@pytest.mark.parametrize(
    ("address", "allow_loopback"),
    [(address, False) for address in REFUSED] + [(address, True) for address in REFUSED if address != "::1"],
)
def test_internal_addresses_are_refused_before_any_connection(
    fake_dns,
    no_connection,
    settings,
    address,
    allow_loopback,
):
    settings.MAILLAGE_FEED_ALLOW_LOOPBACK = allow_loopback
    fake_dns["calendrier.example"] = [address]

    with pytest.raises(BlockedAddress) as caught:
        fetch_feed("https://calendrier.example/agenda.ics")

    assert not caught.value.retryable
    assert "réseau privé ou réservé (le serveur « calendrier.example »)" in caught.value.message
    assert "Maillage ne s'y connecte pas" in caught.value.message
    assert address not in caught.value.message  # editors see the host they typed, not where it leads


@pytest.mark.parametrize("address", ["::1", "fe80::1", "10.0.0.1"])
def test_ip_literals_in_the_url_are_refused(no_connection, strict, address):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(BlockedAddress):
        fetch_feed(f"http://{host}/agenda.ics")


@pytest.mark.parametrize("address", ["127.0.0.1", "127.5.5.5", "::1", "::ffff:127.0.0.1"])
def test_loopback_is_refused_unless_the_setting_allows_it(fake_dns, no_connection, strict, address):
    fake_dns["calendrier.example"] = [address]

    with pytest.raises(BlockedAddress):
        fetch_feed("http://calendrier.example/agenda.ics")
    assert netguard.blocked_reason(address, allow_loopback=True) is None


@pytest.mark.parametrize("address", REFUSED[:4] + ["0.0.0.0", "fe80::1", "::ffff:10.0.0.1"])
def test_allowing_loopback_relaxes_nothing_else(address):
    assert netguard.blocked_reason(address, allow_loopback=True) is not None


def test_one_private_address_among_public_ones_refuses_the_host(fake_dns, no_connection):
    fake_dns["calendrier.example"] = ["93.184.216.34", "10.0.0.1"]

    with pytest.raises(BlockedAddress) as caught:
        fetch_feed("https://calendrier.example/agenda.ics")
    assert "« calendrier.example »" in caught.value.message
    assert "10.0.0.1" not in caught.value.message


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses_pass(address):
    assert netguard.blocked_reason(address) is None


def test_connection_goes_to_the_vetted_address_only(fake_dns, monkeypatch):
    """The vetted address is used as is: no second resolution, that a rebinding DNS could answer otherwise."""
    fake_dns["calendrier.example"] = ["93.184.216.34"]
    attempts = []

    def create_connection(address, *args, **kwargs):
        attempts.append(address)
        raise ConnectionRefusedError  # never really connect to a public address from tests

    monkeypatch.setattr(socket, "create_connection", create_connection)
    resolutions = []
    real_resolve = netguard.resolve
    monkeypatch.setattr(
        netguard, "resolve", lambda host, port: resolutions.append(host) or real_resolve(host, port)
    )

    with pytest.raises(NetworkError):
        fetch_feed("https://calendrier.example/agenda.ics")

    assert attempts == [("93.184.216.34", 443)]
    assert resolutions == ["calendrier.example"]


def test_redirect_to_an_internal_address_is_refused(fake_dns, loopback_only):
    fake_dns["intranet.example"] = ["10.0.0.1"]
    routes = {"/agenda.ics": lambda h: h.reply(302, headers={"Location": "http://intranet.example/admin"})}

    with serve(routes) as server, pytest.raises(BlockedAddress) as caught:
        fetch_feed(server.base + "/agenda.ics")

    assert "« intranet.example »" in caught.value.message and "10.0.0.1" not in caught.value.message
    assert [request["path"] for request in server.requests] == ["/agenda.ics"]
    assert loopback_only == [("127.0.0.1", server.server_address[1])]


def test_redirect_to_another_scheme_is_refused(loopback_only):
    routes = {"/agenda.ics": lambda h: h.reply(301, headers={"Location": "file:///etc/passwd"})}

    with serve(routes) as server, pytest.raises(Exception) as caught:
        fetch_feed(server.base + "/agenda.ics")
    assert "http://, https:// ou webcal://" in str(caught.value)


def test_redirect_to_an_allowed_host_is_followed(fake_dns, loopback_only):
    routes = {"/agenda.ics": ok()}
    with serve(routes) as server:
        fake_dns["miroir.test"] = ["127.0.0.1"]
        port = server.server_address[1]
        routes["/ancien.ics"] = lambda h: h.reply(
            308, headers={"Location": f"http://miroir.test:{port}/agenda.ics"}
        )
        result = fetch_feed(server.base + "/ancien.ics")

    assert result.body == ICS
    assert result.final_url == f"http://miroir.test:{port}/agenda.ics"
    assert server.requests[1]["headers"]["Host"] == f"miroir.test:{port}"


# Moved from the tests of the removed connection pool: a fetch never outlives the vetting of its host.


def test_host_now_resolving_to_a_private_address_is_refused_on_the_next_fetch(fake_dns, loopback_only):
    with serve({"/cal.ics": ok()}) as server:
        url = f"http://calendrier.test:{server.server_address[1]}/cal.ics"
        fake_dns["calendrier.test"] = ["127.0.0.1"]
        fetch_feed(url)
        fake_dns["calendrier.test"] = ["10.20.30.40"]
        with pytest.raises(BlockedAddress):
            fetch_feed(url)

    assert len(server.requests) == 1
    assert len(loopback_only) == 1


def test_next_fetch_connects_only_to_the_addresses_just_vetted(fake_dns, monkeypatch):
    """The name now points elsewhere: the next fetch connects there, never to the old address."""
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
