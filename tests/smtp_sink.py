"""A real SMTP server on 127.0.0.1 (aiosmtpd), for tests that send e-mail the way production does.

`smtp_sink` starts it on a free port, points Django's SMTP backend at it, and collects what it accepts.
`refuse(address, reply)` makes it answer RCPT TO for that address with `reply` ("550 5.1.1 …", "450 …");
`stop()` / `start()` take it down and bring it back on the same port, to test an unreachable relay.
Each sink has a port of its own, asked of the system, so parallel test processes never share one.
"""

import email
import socket
import threading
from dataclasses import dataclass
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage
    raw: bytes


class SmtpSink:
    """The handler (aiosmtpd calls `handle_RCPT` / `handle_DATA` from its own thread) and its controller."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None):
        self.host = host
        self.port = port or free_port()
        self._port_chosen = port is None
        self.received: list[Received] = []
        self.refusals: dict[str, str] = {}
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    # aiosmtpd hooks

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refusals.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=policy.default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        return "250 Message accepted for delivery"

    # control

    def start(self) -> None:
        """Listen; a port of our own choosing that another process took in the meantime is chosen again."""
        for _attempt in range(3):
            controller = Controller(self, hostname=self.host, port=self.port, ready_timeout=10)
            try:
                controller.start()
            except OSError:
                if not self._port_chosen:
                    raise
                self.port = free_port()
            else:
                self._controller = controller
                self._port_chosen = False  # from now on, `start()` after `stop()` comes back on this port
                return
        raise OSError(f"Pas de port libre pour le serveur SMTP de test sur {self.host}")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def refuse(self, address: str, reply: str = "550 5.1.1 Adresse inconnue") -> None:
        self.refusals[address.lower()] = reply

    def accept(self, address: str) -> None:
        self.refusals.pop(address.lower(), None)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self._lock:
            return [item.message for item in self.received]

    def recipients(self) -> list[str]:
        """Every accepted recipient, once per message, sorted: "one each" is `== sorted(addresses)`."""
        with self._lock:
            return sorted(address for item in self.received for address in item.rcpt_tos)

    def clear(self) -> None:
        with self._lock:
            self.received.clear()


@pytest.fixture
def smtp_sink(settings):
    """A running SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield sink
    finally:
        sink.stop()
