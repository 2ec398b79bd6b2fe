"""Tests of network.address and the admin's address lookup view, against a fake BAN on loopback."""

import json
import threading

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from network import address, domain
from network.address import AddressLookupError, AddressMatch, read_matches, search_addresses
from network.enums import MemberRole
from tests.factories import StructureFactory, UserFactory
from tests.fixtures.ban import ISSOUDUN, SEARCH_PATH, VIERZON_PORT, ban_route, collection
from tests.fixtures.http_server import endless_body, ok, serve, slow_body, slow_status, trickle_headers

LOOKUP_URL = "/admin/structures/adresses/"

PORT_MATCH = AddressMatch(
    label="8 Boulevard du Port 18100 Vierzon",
    adresse="8 Boulevard du Port",
    code_postal="18100",
    commune="Vierzon",
    code_insee="18279",
    latitude=47.2216,
    longitude=2.068,
)


@pytest.fixture
def ban(settings):
    """The fake BAN, with the lookup turned on and pointed at it."""
    with serve({SEARCH_PATH: ban_route()}) as server:
        settings.MAILLAGE_ADDRESS_LOOKUP = True
        settings.MAILLAGE_ADDRESS_API_URL = server.url(SEARCH_PATH)
        settings.MAILLAGE_ADDRESS_DEADLINE_SECONDS = 2
        yield server


def test_lookup_url_is_the_admin_route():
    assert reverse("network_admin:address_lookup") == LOOKUP_URL


# network.address --------------------------------------------------------------------------------------


def test_search_addresses_reads_matches_and_sends_the_query(ban):
    matches = search_addresses("8 boulevard du Port Vierzon")

    assert (matches[0], len(matches)) == (PORT_MATCH, 2)
    assert ban.requests[0]["path"] == "/search/?q=8+boulevard+du+Port+Vierzon&limit=5"


def test_search_addresses_keeps_the_setting_query_string(ban, settings):
    settings.MAILLAGE_ADDRESS_API_URL = ban.url(SEARCH_PATH + "?type=housenumber")

    search_addresses("boulevard du port")

    assert ban.requests[0]["path"] == "/search/?type=housenumber&q=boulevard+du+port&limit=5"


def test_read_matches_municipality_leaves_the_street_empty():
    assert read_matches(collection(ISSOUDUN)) == [
        AddressMatch(
            label="Issoudun",
            adresse="",
            code_postal="36100",
            commune="Issoudun",
            code_insee="36088",
            latitude=46.9485,
            longitude=1.9935,
        )
    ]


def test_read_matches_drops_features_without_a_usable_point():
    broken = [
        {"type": "Feature", "properties": {"label": "Sans point"}},
        {**VIERZON_PORT, "geometry": {"type": "Point", "coordinates": [200.0, 47.0]}},
        {**VIERZON_PORT, "geometry": {"type": "Point", "coordinates": ["nan", 47.0]}},
    ]

    assert read_matches(collection(*broken, VIERZON_PORT)) == [PORT_MATCH]


@pytest.mark.parametrize("payload", [b"<html>panne</html>", b'{"features": 3}', b"[]"])
def test_read_matches_refuses_what_is_not_geojson(payload):
    with pytest.raises(AddressLookupError):
        read_matches(payload)


@pytest.mark.parametrize(
    "route",
    [
        lambda handler: handler.reply(500, b"erreur"),
        lambda handler: handler.reply(302, b"", {"Location": "http://127.0.0.1:9/"}),
        ok(b"x" * 5000, **{"Content-Type": "application/json"}),
    ],
    ids=["server-error", "redirect", "too-large"],
)
def test_search_addresses_fails_on_a_bad_answer(ban, settings, route):
    settings.MAILLAGE_ADDRESS_MAX_BYTES = 4000
    ban.routes[SEARCH_PATH] = route

    with pytest.raises(AddressLookupError):
        search_addresses("boulevard du port")


@pytest.mark.parametrize(
    "route",
    [slow_status(), trickle_headers(every=0.1), slow_body(every=0.1), endless_body(every=0.05, size=16)],
    ids=["silent", "trickled-headers", "slow-body", "endless"],
)
def test_search_addresses_stops_at_the_deadline(ban, settings, route):
    settings.MAILLAGE_ADDRESS_DEADLINE_SECONDS = 0.5
    ban.routes[SEARCH_PATH] = route

    with pytest.raises(AddressLookupError) as excinfo:
        search_addresses("boulevard du port")

    assert str(excinfo.value) == "deadline exceeded"


def test_search_addresses_hangs_up_on_a_server_that_would_trickle_for_a_minute(ban, settings):
    """Headers a byte every 0.1 s for a minute: each read is quick, so only the overall deadline (0.5 s)
    ends the wait. The server counts what it could send before the client hung up."""
    settings.MAILLAGE_ADDRESS_DEADLINE_SECONDS = 0.5
    sent, finished = [], threading.Event()

    def route(handler):
        handler.close_connection = True
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Lent: ")
        for _ in range(600):
            try:
                handler.wfile.write(b"a")
                handler.wfile.flush()
            except OSError:
                break
            sent.append(1)
            if handler.hold(0.1):
                break
        finished.set()

    ban.routes[SEARCH_PATH] = route

    with pytest.raises(AddressLookupError):
        search_addresses("boulevard du port")

    assert finished.wait(30)
    assert len(sent) < 100  # a client without a deadline would have taken all 600


def test_search_addresses_fails_when_nobody_listens(settings):
    with serve() as server:
        url = server.url(SEARCH_PATH)
    settings.MAILLAGE_ADDRESS_API_URL = url

    with pytest.raises(AddressLookupError):
        search_addresses("boulevard du port")


# The admin view ---------------------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    user = UserFactory()
    domain.add_member(structure=StructureFactory(), user=user, role=MemberRole.EDITOR)
    return user


def test_lookup_view_answers_the_matches(client, editor, ban):
    client.force_login(editor)

    response = client.get(LOOKUP_URL, {"q": "8  boulevard du Port   Vierzon"})

    assert response.status_code == 200
    assert response.json()["results"][0] == {
        "label": "8 Boulevard du Port 18100 Vierzon",
        "adresse": "8 Boulevard du Port",
        "code_postal": "18100",
        "commune": "Vierzon",
        "code_insee": "18279",
        "latitude": 47.2216,
        "longitude": 2.068,
    }
    assert ban.requests[0]["path"] == "/search/?q=8+boulevard+du+Port+Vierzon&limit=5"


def test_lookup_view_says_when_nothing_is_found(client, editor, ban):
    client.force_login(editor)

    response = client.get(LOOKUP_URL, {"q": "rue introuvable"})

    assert (response.status_code, response.json()) == (
        200,
        {"results": [], "message": "Aucune adresse trouvée"},
    )


def test_lookup_view_says_in_french_when_ban_fails(client, editor, ban):
    ban.routes[SEARCH_PATH] = lambda handler: handler.reply(503, b"maintenance")
    client.force_login(editor)

    response = client.get(LOOKUP_URL, {"q": "boulevard du port"})

    assert (response.status_code, response.json()["message"]) == (
        502,
        "Le service d’adresses ne répond pas : saisissez la commune et les coordonnées à la main.",
    )


@pytest.mark.parametrize("query", ["", "ab", "x" * (address.QUERY_MAX_LENGTH + 1)])
def test_lookup_view_refuses_a_query_too_short_or_too_long(client, editor, ban, query):
    client.force_login(editor)

    response = client.get(LOOKUP_URL, {"q": query})

    assert (response.status_code, ban.requests) == (400, [])
    assert response.json()["message"] == ("Saisissez l’adresse (de 3 à 200 caractères) avant de la chercher.")


def test_lookup_view_refuses_an_admin_user_who_edits_no_structure(client, db, ban):
    user = UserFactory()
    domain.add_member(structure=StructureFactory(), user=user, role=MemberRole.MEDIATEUR)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    response = client.get(LOOKUP_URL, {"q": "boulevard du port"})

    assert (response.status_code, response.json()["message"], ban.requests) == (403, "Accès refusé", [])


def test_lookup_view_sends_a_member_without_admin_access_away(client, db, ban):
    user = UserFactory()
    domain.add_member(structure=StructureFactory(), user=user, role=MemberRole.MEDIATEUR)
    client.force_login(user)

    response = client.get(LOOKUP_URL, {"q": "boulevard du port"})

    assert (response.status_code, ban.requests) == (302, [])


def test_lookup_view_is_absent_when_the_setting_is_off(client, editor, ban, settings):
    settings.MAILLAGE_ADDRESS_LOOKUP = False
    client.force_login(editor)

    response = client.get(LOOKUP_URL, {"q": "boulevard du port"})

    assert (response.status_code, ban.requests) == (404, [])


def test_lookup_view_needs_a_login(client, db, ban):
    response = client.get(LOOKUP_URL, {"q": "boulevard du port"})

    assert (response.status_code, ban.requests) == (302, [])


def test_lookup_answer_is_json_in_utf8(client, editor, ban):
    client.force_login(editor)

    response = client.get(LOOKUP_URL, {"q": "boulevard du port"})

    assert json.loads(response.content.decode("utf-8"))["results"][1]["commune"] == "Vierzon"
