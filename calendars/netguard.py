"""Which network addresses a feed fetch may connect to.

A feed URL is typed by a structure, so it is untrusted input: without this guard, "https://10.0.0.5/admin"
or "http://169.254.169.254/" (cloud metadata) would make our worker query the hosting network on the
attacker's behalf (SSRF). Only addresses that are globally routable pass. The host is resolved once, here,
and the fetch connects to the vetted address itself: a second resolution could answer differently (DNS
rebinding). `settings.MAILLAGE_FEED_ALLOW_LOOPBACK` relaxes loopback only, for tests and development.

The connections made here also carry the fetch's overall deadline down to every socket call (connect, TLS
handshake, each send and read), since only there can a server trickling bytes be cut in time.
"""

import http.client
import ipaddress
import math
import socket
import ssl
import time

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Special-purpose ranges (IANA registries), spelt out so that the guard does not depend on which of them
# a given Python release counts in `is_private` / `is_global`.
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::/128",
        "::1/128",
        "::/96",  # IPv4-compatible (deprecated), checked again below through the embedded IPv4
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo, ORCHID…)
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
# IPv6 forms that carry an IPv4 address a gateway may forward to: judged by that IPv4 address.
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in resolver order, without duplicates.

    Raises `socket.gaierror` (or `UnicodeError` for an unencodable name) when the name does not resolve.
    All addresses are returned, not the first: the caller must vet them all, as the connection may use any.
    """
    addresses = []
    for *_info, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in ipaddress.IPv6Network("::/96") and int(address) > 1:
        return ipaddress.IPv4Address(int(address))  # IPv4-compatible "::10.0.0.1"
    return None


def blocked_reason(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why a fetch must not connect to `address` (a short English reason, for logs), or None if it may.

    With `allow_loopback`, loopback addresses (127.0.0.0/8, ::1 and their IPv4-mapped form) pass; nothing
    else is relaxed: a private or link-local address is refused in every configuration.
    """
    try:
        ip: IPAddress = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        embedded = _embedded_ipv4(ip)
        if ip.ipv4_mapped is not None:  # "::ffff:a.b.c.d" is how dual-stack sockets reach a.b.c.d itself
            reason = blocked_reason(str(embedded), allow_loopback=allow_loopback)
            return f"IPv6 form of {embedded}: {reason}" if reason else None
        if embedded is not None:  # a tunnel or gateway prefix: the IPv4 target and the prefix must both pass
            reason = blocked_reason(str(embedded))
            if reason:
                return f"IPv6 form of {embedded}: {reason}"
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        ("special-purpose range", any(ip in network for network in _blocked_networks(ip))),
        ("not globally routable", not ip.is_global),
    )
    for reason, matches in checks:
        if matches:
            return reason
    return None


def _blocked_networks(ip: IPAddress):
    return _BLOCKED_V4 if isinstance(ip, ipaddress.IPv4Address) else _BLOCKED_V6


class DeadlineExceeded(TimeoutError):
    """The fetch's overall deadline has passed: no socket call may wait any longer."""


class _DeadlineMixin:
    """Every blocking call waits at most until `expires` (a `time.monotonic()` value), and at most
    `idle_timeout` for one call.

    A per-call timeout alone does not bound a fetch: a server sending one byte a second never lets a single
    read wait long, and could hold the connection for hours. Arming each call with the time left until one
    deadline does, whatever the server does, from the TLS handshake to the last byte of the body.
    """

    expires: float = math.inf
    idle_timeout: float | None = None

    def arm(self) -> None:
        remaining = self.expires - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded("fetch deadline exceeded")
        self.settimeout(remaining if self.idle_timeout is None else min(remaining, self.idle_timeout))

    def recv(self, *args, **kwargs):
        self.arm()
        return super().recv(*args, **kwargs)

    def recv_into(self, *args, **kwargs):
        self.arm()
        return super().recv_into(*args, **kwargs)

    def send(self, *args, **kwargs):
        self.arm()
        return super().send(*args, **kwargs)

    def sendall(self, *args, **kwargs):
        self.arm()
        return super().sendall(*args, **kwargs)


class DeadlineSocket(_DeadlineMixin, socket.socket):
    """A plain TCP socket bound by the fetch's deadline (built from a connected socket's descriptor)."""


class DeadlineSSLSocket(_DeadlineMixin, ssl.SSLSocket):
    """A TLS socket bound by the fetch's deadline, the handshake included (`SSLContext.sslsocket_class`)."""

    def do_handshake(self, *args, **kwargs):
        self.arm()
        return super().do_handshake(*args, **kwargs)


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTPConnection to already vetted addresses, never resolving `host` again (DNS rebinding).

    Tried in resolver order; `address` is the one it connected to. One connection serves one request: it
    is never kept for a later fetch, so that no connection outlives the vetting that allowed it. Every
    socket call, from connect to the last byte read, ends by `expires` (a `time.monotonic()` value): past
    it, `DeadlineExceeded` (a `TimeoutError`) is raised.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        addresses: list[str],
        connect_timeout: float,
        read_timeout: float | None,
        expires: float = math.inf,
    ):
        super().__init__(host, port, timeout=connect_timeout)
        self.addresses = addresses
        self.read_timeout = read_timeout
        self.expires = expires
        self.address = ""

    def remaining(self) -> float:
        remaining = self.expires - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded("fetch deadline exceeded")
        return remaining

    def connect(self):
        last_error: OSError | None = None
        for address in self.addresses:
            try:
                raw = socket.create_connection(
                    (address, self.port), timeout=min(self.timeout, self.remaining())
                )
            except DeadlineExceeded:
                raise
            except OSError as error:
                last_error = error
                continue
            sock = DeadlineSocket(raw.family, raw.type, raw.proto, fileno=raw.detach())
            sock.expires, sock.idle_timeout = self.expires, self.read_timeout
            self.sock, self.address = sock, address
            return
        raise last_error or OSError("no address to connect to")


class PinnedHTTPSConnection(PinnedHTTPConnection):
    """TLS over the vetted address: SNI and certificate check use the URL's host name, not the address."""

    default_port = http.client.HTTPS_PORT

    def __init__(self, host: str, port: int, **kwargs):
        super().__init__(host, port, **kwargs)
        self.context = ssl.create_default_context()
        self.context.sslsocket_class = DeadlineSSLSocket

    def connect(self):
        super().connect()
        try:
            sock = self.context.wrap_socket(
                self.sock, server_hostname=self.host, do_handshake_on_connect=False
            )
            self.sock = sock
            sock.expires, sock.idle_timeout = self.expires, self.read_timeout
            sock.do_handshake()
        except BaseException:
            self.sock.close()
            self.sock = None
            raise
