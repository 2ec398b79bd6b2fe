"""Feed download over real HTTP, against servers on 127.0.0.1 only (the test settings allow loopback).

Host names other than 127.0.0.1 are never resolved for real: `fake_dns` answers for them, so that no test
depends on, or sends anything to, the outside network. Servers: the shared `tests.fixtures.http_server`.
"""

import gzip
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from calendars import fetch
from calendars.fetch import (
    FetchError,
    HTTPStatusError,
    NetworkError,
    TooLarge,
    TooManyRedirects,
    fetch_feed,
)
from tests.fixtures.http_server import ICS, ok, serve


def test_200_returns_body_validators_and_sends_user_agent(loopback_only, settings):
    routes = {"/cal.ics": ok(ETag='"v1"', **{"Last-Modified": "Mon, 02 Jun 2025 08:00:00 GMT"})}
    with serve(routes) as server:
        result = fetch_feed(server.base + "/cal.ics?token=abc")

    assert (result.status, result.body, result.not_modified) == (200, ICS, False)
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 02 Jun 2025 08:00:00 GMT")
    assert result.final_url == server.base + "/cal.ics?token=abc"
    request = server.requests[0]
    assert request["path"] == "/cal.ics?token=abc"
    assert request["headers"]["User-Agent"] == settings.MAILLAGE_FEED_USER_AGENT
    assert "Maillage" in request["headers"]["User-Agent"]
    assert request["headers"]["Accept-Encoding"] == "gzip"
    assert "If-None-Match" not in request["headers"]


def test_conditional_get_304(loopback_only):
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.reply(304, headers={"ETag": '"v1"', "Content-Length": None})
        else:
            handler.reply(200, ICS, {"ETag": '"v1"'})

    with serve({"/cal.ics": conditional}) as server:
        result = fetch_feed(
            server.base + "/cal.ics", etag='"v1"', last_modified="Mon, 02 Jun 2025 08:00:00 GMT"
        )

    assert (result.status, result.body, result.not_modified) == (304, None, True)
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 02 Jun 2025 08:00:00 GMT")
    assert server.requests[0]["headers"]["If-Modified-Since"] == "Mon, 02 Jun 2025 08:00:00 GMT"


def test_gzip_body_is_decoded(loopback_only):
    with serve({"/cal.ics": ok(gzip.compress(ICS), **{"Content-Encoding": "gzip"})}) as server:
        result = fetch_feed(server.base + "/cal.ics")

    assert result.body == ICS


def test_size_cap_on_raw_body_without_content_length(loopback_only):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"X" * 10_000)
        except OSError:
            pass  # the client hung up, as it should
        handler.close_connection = True

    with serve({"/cal.ics": endless}) as server, pytest.raises(TooLarge) as caught:
        fetch_feed(server.base + "/cal.ics", max_bytes=50_000)

    assert not caught.value.retryable
    assert "taille maximale" in caught.value.message


def test_size_cap_on_declared_content_length(loopback_only):
    with serve({"/cal.ics": ok(b"X" * 2000)}) as server, pytest.raises(TooLarge):
        fetch_feed(server.base + "/cal.ics", max_bytes=1000)


def test_size_cap_applies_to_decoded_gzip_bomb(loopback_only):
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 50_000

    with serve({"/cal.ics": ok(bomb, **{"Content-Encoding": "gzip"})}) as server, pytest.raises(TooLarge):
        fetch_feed(server.base + "/cal.ics", max_bytes=1_000_000)


def test_default_size_cap_comes_from_settings(loopback_only, settings):
    settings.MAILLAGE_FEED_MAX_BYTES = 100
    with serve({"/cal.ics": ok(ICS * 3)}) as server, pytest.raises(TooLarge):
        fetch_feed(server.base + "/cal.ics")


@pytest.mark.parametrize(
    ("status", "retryable", "words"),
    [
        (404, False, "404 (page introuvable) : vérifiez l'adresse du calendrier"),
        (410, False, "page introuvable"),
        (403, False, "accès refusé"),
        (429, True, "trop de demandes"),
        (500, True, "réessaiera plus tard"),
        (503, True, "503"),
    ],
)
def test_error_statuses_map_to_http_status_error(loopback_only, status, retryable, words):
    route = {"/cal.ics": lambda handler: handler.reply(status, b"erreur")}
    with serve(route) as server, pytest.raises(HTTPStatusError) as caught:
        fetch_feed(server.base + "/cal.ics")

    assert caught.value.status == status
    assert caught.value.retryable is retryable
    assert words in str(caught.value)
    assert isinstance(caught.value, FetchError)


def test_http_status_error_constructors():
    assert HTTPStatusError(404).status == 404
    assert HTTPStatusError("Message", status=502).retryable
    assert str(HTTPStatusError(418, "Autre chose")) == "Autre chose"
    assert not FetchError("x").retryable and NetworkError("x").retryable


def test_redirects_are_followed_then_limited(loopback_only):
    def redirect(target):
        return lambda handler: handler.reply(302, headers={"Location": target})

    routes = {f"/r{n}": redirect(f"/r{n + 1}") for n in range(9)}
    routes["/r3"] = ok()
    with serve(routes) as server:
        result = fetch_feed(server.base + "/r0")
        assert (result.body, result.final_url) == (ICS, server.base + "/r3")

        routes["/r3"] = lambda h: h.reply(301, headers={"Location": "/r4"})
        with pytest.raises(TooManyRedirects) as caught:
            fetch_feed(server.base + "/r0")

    assert "redirige plus de 5 fois" in caught.value.message
    assert not caught.value.retryable


def redirect(status: int, location: str):
    return lambda handler: handler.reply(status, headers={"Location": location})


@pytest.mark.parametrize(
    ("statuses", "moved"),
    [((301, 308), True), ((301, 302), False), ((302, 301), False), ((), False)],
)
def test_moved_to_is_the_final_url_only_when_every_redirection_is_permanent(loopback_only, statuses, moved):
    routes = {f"/r{n}": redirect(status, f"/r{n + 1}") for n, status in enumerate(statuses)}
    routes[f"/r{len(statuses)}"] = ok()
    with serve(routes) as server:
        result = fetch_feed(server.base + "/r0")

    assert result.final_url == server.base + f"/r{len(statuses)}"
    assert result.moved_to == (result.final_url if moved else "")


def test_timeout_is_a_retryable_network_error(loopback_only, settings):
    settings.MAILLAGE_FEED_TIMEOUT = (1, 0.3)

    def slow(handler):
        time.sleep(1.5)
        handler.reply(200, ICS)

    with serve({"/cal.ics": slow}) as server:
        started = time.monotonic()
        with pytest.raises(NetworkError) as caught:
            fetch_feed(server.base + "/cal.ics")
        assert time.monotonic() - started < 1.2
    assert caught.value.retryable
    assert caught.value.message.startswith("Le serveur du calendrier n'a pas répondu à temps")


def test_trickling_server_hits_the_overall_deadline(loopback_only, settings):
    settings.MAILLAGE_FEED_TIMEOUT = (0.2, 0.3)  # no single read waits that long…
    settings.MAILLAGE_FETCH_DEADLINE_SECONDS = 0.8  # …but the whole fetch must end by this

    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"X" * 10)
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    with serve({"/cal.ics": trickle}) as server:
        started = time.monotonic()
        with pytest.raises(NetworkError):
            fetch_feed(server.base + "/cal.ics")
        assert time.monotonic() - started < 2


def test_refused_connection_is_retryable(loopback_only):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as caught:
        fetch_feed(f"http://127.0.0.1:{port}/cal.ics")
    assert caught.value.retryable
    assert "refuse la connexion" in caught.value.message


def test_unknown_host_is_retryable_network_error(fake_dns, loopback_only):
    with pytest.raises(NetworkError) as caught:
        fetch_feed("https://agenda.inconnu.test/cal.ics")
    assert caught.value.retryable
    assert "« agenda.inconnu.test » est introuvable" in caught.value.message


def test_webcal_means_https(loopback_only):
    with serve({"/cal.ics": ok()}) as server:
        port = server.server_address[1]
        with pytest.raises(NetworkError) as caught:  # a TLS handshake against a plain-HTTP server
            fetch_feed(f"webcal://127.0.0.1:{port}/cal.ics")

    assert "https" in caught.value.message
    assert server.requests == []


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/cal.ics", "file:///etc/passwd", "https:///cal.ics", "cal.ics"]
)
def test_other_schemes_and_broken_urls_are_refused(loopback_only, url):
    with pytest.raises(FetchError) as caught:
        fetch_feed(url)
    assert not caught.value.retryable


def test_host_header_names_the_url_host_while_connecting_to_the_vetted_address(fake_dns, loopback_only):
    fake_dns["calendrier.test"] = ["127.0.0.1"]
    with serve({"/cal.ics": ok()}) as server:
        port = server.server_address[1]
        result = fetch_feed(f"http://calendrier.test:{port}/cal.ics")

    assert result.body == ICS
    assert server.requests[0]["headers"]["Host"] == f"calendrier.test:{port}"
    assert loopback_only == [("127.0.0.1", port)]


# HTTPS: a throwaway certificate authority made with the openssl command, trusted by the fetch only.


@pytest.fixture
def tls_files(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("la commande openssl n'est pas installée")

    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
        "-keyout", "ca.key", "-out", "ca.pem", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign")  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=calendrier.test", "-keyout", "server.key",
        "-out", "server.csr")  # fmt: skip
    (tmp_path / "ext.cnf").write_text("subjectAltName=DNS:calendrier.test\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-out", "server.pem", "-extfile", "ext.cnf")  # fmt: skip
    return tmp_path


@pytest.fixture
def https_server(tls_files, monkeypatch):
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tls_files / "server.pem", tls_files / "server.key")
    real_default_context = ssl.create_default_context
    monkeypatch.setattr(
        fetch.ssl, "create_default_context", lambda: real_default_context(cafile=str(tls_files / "ca.pem"))
    )
    with serve({"/cal.ics": ok()}, tls=server_context) as server:
        yield server


def test_https_checks_certificate_against_url_host(https_server, fake_dns, loopback_only):
    fake_dns["calendrier.test"] = ["127.0.0.1"]
    fake_dns["autre.test"] = ["127.0.0.1"]
    port = https_server.server_address[1]

    assert fetch_feed(f"webcal://calendrier.test:{port}/cal.ics").body == ICS  # webcal → https
    with pytest.raises(NetworkError) as caught:
        fetch_feed(f"https://autre.test:{port}/cal.ics")

    assert "certificat de sécurité" in caught.value.message
    assert len(https_server.requests) == 1


def test_accented_host_and_path_are_encoded(fake_dns, loopback_only):
    ascii_host = "agenda-médiathèque.test".encode("idna").decode()
    fake_dns[ascii_host] = ["127.0.0.1"]
    with serve({"/mon%20agenda/été.ics".replace("été", "%C3%A9t%C3%A9"): ok()}) as server:
        port = server.server_address[1]
        result = fetch_feed(f"http://agenda-médiathèque.test:{port}/mon agenda/été.ics")

    assert result.body == ICS
    assert server.requests[0]["headers"]["Host"] == f"{ascii_host}:{port}"
