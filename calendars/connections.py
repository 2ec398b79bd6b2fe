"""Connections to calendar hosts, pinned to vetted addresses and kept open between fetches.

Why keep them: a worker syncs feeds one after the other, and most feeds live on a handful of hosts (Google,
Microsoft, a Nextcloud). A new TCP connection, and over the Internet a new TLS session, for each costs more
than downloading a calendar that changed a little: over loopback, 0.40 ms per download with a new connection
against 0.15 ms on a kept one (bench/feed_sync.py). So a connection whose answer was read to the end goes
back to a small per-process pool (HTTP/1.1 keep-alive).

Why it stays safe: a kept connection is taken again only for the same scheme, host and port, and only when
the address it is connected to is among those the SSRF guard (`netguard`) has just vetted for this fetch:
every fetch still resolves and vets the host before anything is sent. A connection the server closed while
idle is dropped before use, and a request that finds it closed anyway is sent once more on a new one (a GET
of a calendar can safely be repeated). At most `MAX_IDLE` stay open per process; one idle for longer than
`IDLE_SECONDS` is closed at the next fetch of that process, whatever its host.
"""

from __future__ import annotations

import http.client
import os
import select
import socket
import ssl
import threading
import time

IDLE_SECONDS = 30.0  # servers close idle connections after 5 s (Apache) to a few minutes
MAX_IDLE = 8  # connections kept per process, all hosts together
# How a kept connection that the server closed in the meantime fails on its next request.
STALE_ERRORS = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTPConnection to already vetted addresses, never resolving `host` again (DNS rebinding).

    `address` is the vetted address it connected to, which decides whether it may be taken again.
    """

    def __init__(self, host: str, port: int, *, addresses: list[str], connect_timeout: float, read_timeout):
        super().__init__(host, port, timeout=connect_timeout)
        self._addresses = addresses
        self.read_timeout = read_timeout
        self.address = ""

    def connect(self):
        last_error: OSError | None = None
        for address in self._addresses:
            try:
                sock = socket.create_connection((address, self.port), timeout=self.timeout)
            except OSError as error:
                last_error = error
                continue
            sock.settimeout(self.read_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock, self.address = sock, address
            return
        raise last_error or OSError("no address to connect to")

    def set_read_timeout(self, seconds: float) -> None:
        """A kept connection serves a new fetch, with that fetch's time budget."""
        self.read_timeout = seconds
        if self.sock is not None:
            self.sock.settimeout(seconds)


class PinnedHTTPSConnection(PinnedHTTPConnection):
    """TLS over the vetted address: SNI and certificate check use the URL's host name, not the address."""

    default_port = http.client.HTTPS_PORT

    def __init__(self, host: str, port: int, **kwargs):
        super().__init__(host, port, **kwargs)
        self._context = ssl.create_default_context()

    def connect(self):
        super().connect()
        try:
            self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)
        except BaseException:
            self.sock.close()
            self.sock = None
            raise


Key = tuple[str, str, int]  # scheme, host, port


class ConnectionPool:
    """Idle connections by (scheme, host, port), most recent last; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[tuple[Key, PinnedHTTPConnection, float]] = []
        self._pid = os.getpid()

    def take(self, key: Key, addresses: list[str]) -> PinnedHTTPConnection | None:
        """A kept connection for `key` to one of `addresses`, still open; None when there is none."""
        now = time.monotonic()
        with self._lock:
            self._after_fork()
            found, stale, kept = None, [], []
            for entry in reversed(self._idle):
                entry_key, connection, since = entry
                if now - since > IDLE_SECONDS or _dropped(connection):
                    stale.append(connection)
                elif found is None and entry_key == key and connection.address in addresses:
                    found = connection
                else:
                    kept.append(entry)
            self._idle = kept[::-1]
        for connection in stale:
            connection.close()
        return found

    def give(self, key: Key, connection: PinnedHTTPConnection) -> None:
        """Keep `connection` (its last answer read to the end) for the next fetch from the same host."""
        with self._lock:
            self._after_fork()
            self._idle.append((key, connection, time.monotonic()))
            surplus, self._idle = self._idle[:-MAX_IDLE], self._idle[-MAX_IDLE:]
        for _key, extra, _since in surplus:
            extra.close()

    def clear(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for _key, connection, _since in idle:
            connection.close()

    def __len__(self) -> int:
        return len(self._idle)

    def _after_fork(self) -> None:
        """A forked worker must not write on its parent's sockets: it forgets them (they stay open there)."""
        if self._pid != os.getpid():
            self._idle, self._pid = [], os.getpid()


def _dropped(connection: PinnedHTTPConnection) -> bool:
    """Whether an idle connection was closed by the server: readable while idle means EOF (or garbage)."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        poller = select.poll()  # not select.select(): it cannot watch descriptors above 1023
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


POOL = ConnectionPool()
