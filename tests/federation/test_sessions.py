"""A mirrored atelier's sessions follow the peer's (federation.sessions): a session cancelled, moved, given
its own title or held elsewhere there is the same here, a session restored there is restored here."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events.models import Atelier
from federation.sessions import read_session_changes
from federation.sync import sync_peer

from . import payloads
from .test_sync import populate

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def change(session: datetime, **fields) -> dict:
    return {
        "session": moment(session),
        "status": "programme",
        "start": None,
        "end": None,
        "title": "",
        "note": "",
        "place_name": "",
        "address": "",
        "commune": "",
        "latitude": None,
        "longitude": None,
        "seats_taken": 0,
    } | fields


def sessions(uid: str) -> list[tuple]:
    return list(
        Atelier.objects.get(uid=uid)
        .occurrences.order_by("recurrence_id")
        .values_list("recurrence_id", "start", "status", "title", "place_name", "is_moved")
    )


def test_a_cancelled_moved_and_retitled_session_upstream_is_the_same_here(fake_peer, peer, home_page):
    _bassin, _structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    first, second, third, _fourth = [row[0] for row in sessions(atelier["id"])]
    moved = second + timedelta(days=1, hours=1)
    atelier["session_changes"] = [
        change(first, status="annule"),
        change(second, start=moment(moved), end=moment(moved + timedelta(hours=2)), place_name="Mairie"),
        change(third, title="Séance spéciale : les photos"),
    ]
    atelier["updated_at"] = payloads.stamp(10)

    counts = sync_peer(peer=peer)

    rows = sessions(atelier["id"])
    assert counts["updated"] == 1
    assert [(row[2], row[3], row[4], row[5]) for row in rows] == [
        ("annule", "", "Médiathèque de Vierzon", False),
        ("programme", "", "Mairie", True),
        ("programme", "Séance spéciale : les photos", "Médiathèque de Vierzon", False),
        ("programme", "", "Médiathèque de Vierzon", False),
    ]
    assert rows[1][1] == moved
    assert Atelier.objects.get(uid=atelier["id"]).sessions_changed_at is not None


def test_a_session_restored_upstream_is_restored_here(fake_peer, peer, home_page):
    _bassin, _structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    first = sessions(atelier["id"])[0][0]
    atelier |= {"session_changes": [change(first, status="annule")], "updated_at": payloads.stamp(10)}
    sync_peer(peer=peer)
    atelier |= {"session_changes": [], "updated_at": payloads.stamp(20)}

    sync_peer(peer=peer)

    assert [row[2] for row in sessions(atelier["id"])] == ["programme"] * 4
    assert Atelier.objects.get(uid=atelier["id"]).overrides.count() == 0


def test_a_date_added_or_removed_upstream_is_added_or_removed_here(fake_peer, peer, home_page):
    _bassin, _structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    first = sessions(atelier["id"])[0][1]
    local_first = first.astimezone(PARIS)
    added = (local_first + timedelta(days=1)).replace(tzinfo=None).isoformat()
    removed = local_first.replace(tzinfo=None).isoformat()
    atelier |= {"rdates": [added, "pas une date"], "exdates": [removed], "updated_at": payloads.stamp(10)}

    sync_peer(peer=peer)

    copy = Atelier.objects.get(uid=atelier["id"])
    assert (copy.rdates, copy.exdates) == ([added], [removed])
    starts = [row[1] for row in sessions(atelier["id"])]
    assert len(starts) == 4
    assert first not in starts
    assert first + timedelta(days=1) in starts


def test_a_peer_without_session_changes_leaves_the_copys_own(fake_peer, peer, home_page):
    """An older peer says nothing of its sessions: nothing is taken as « every change was undone »."""
    _bassin, _structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    first = sessions(atelier["id"])[0][0]
    atelier |= {"session_changes": [change(first, status="annule")], "updated_at": payloads.stamp(10)}
    sync_peer(peer=peer)
    del atelier["session_changes"]
    atelier["updated_at"] = payloads.stamp(20)

    sync_peer(peer=peer)

    assert sessions(atelier["id"])[0][2] == "annule"


def test_unreadable_session_changes_are_left_out():
    good = datetime(2026, 3, 2, 13, tzinfo=UTC)

    changes = read_session_changes(
        [
            "pas un objet",
            {"session": "pas une date"},
            {"session": "2026-03-02T14:00:00"},  # no offset: which moment is meant is unknown
            {"session": "2026-03-02T13:00:00Z", "status": "annule", "latitude": "nord", "seats_taken": None},
        ]
    )

    assert list(changes) == [good]
    assert (changes[good]["status"], changes[good]["latitude"], changes[good]["seats_taken"]) == (
        "annule",
        None,
        0,
    )


def test_an_invalid_session_change_is_left_out_and_the_others_apply(fake_peer, peer, home_page):
    _bassin, _structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    first, second = [row[0] for row in sessions(atelier["id"])][:2]
    atelier |= {
        "session_changes": [
            change(first, status="inconnu"),
            change(second, status="complet"),
        ],
        "updated_at": payloads.stamp(10),
    }

    sync_peer(peer=peer)

    assert [row[2] for row in sessions(atelier["id"])][:2] == ["programme", "complet"]
