"""Fixtures of the feed tests that talk HTTP: name resolution faked, connections held to loopback."""

import socket

import pytest

from calendars import netguard


@pytest.fixture
def fake_dns(monkeypatch):
    """`fake_dns["calendrier.test"] = ["127.0.0.1"]`: names resolve from this table only, IP literals pass."""
    table: dict[str, list[str]] = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port),
                )
                for address in table[host]
            ]
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in str(host) else socket.AF_INET, str(host))
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "unknown in the test table") from None
        return real_getaddrinfo(host, port, *args, **kwargs)  # an IP literal: no DNS query

    monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.fixture
def loopback_only(monkeypatch):
    """Fail the test if anything connects elsewhere than 127.0.0.1 / ::1."""
    real_create_connection = socket.create_connection
    calls = []

    def create_connection(address, *args, **kwargs):
        calls.append(address)
        if address[0] not in ("127.0.0.1", "::1"):
            pytest.fail(f"Connexion tentée vers {address}")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls
