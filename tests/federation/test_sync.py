"""Mirroring a peer through its API (federation.sync): creation, update, deletion, identity, ETags."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Atelier
from federation.models import Mirror, Peer, PeerStatus
from federation.sync import retry_given_up, sync_peer
from network.models import BassinPage, StructurePage
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

from . import payloads

pytestmark = pytest.mark.django_db

OWN_URL = "https://maillage.centre-val-de-loire.test"


def populate(fake_peer):
    bassin = payloads.bassin(fake_peer.base)
    structure = payloads.structure(fake_peer.base, bassin["id"])
    atelier = payloads.atelier(fake_peer.base, structure["id"])
    fake_peer.bassins.append(bassin)
    fake_peer.structures.append(structure)
    fake_peer.ateliers.append(atelier)
    return bassin, structure, atelier


def test_a_sync_creates_read_only_copies_in_the_tree_with_their_sessions(fake_peer, peer, home_page):
    bassin, structure, atelier = populate(fake_peer)

    counts = sync_peer(peer=peer)

    copied_bassin = BassinPage.objects.get(global_id=bassin["id"])
    copied = StructurePage.objects.get(global_id=structure["id"])
    copied_atelier = Atelier.objects.get(uid=atelier["id"])
    assert counts == {"created": 3, "updated": 0, "deleted": 0, "skipped": 0}
    assert (copied_bassin.get_parent().pk, copied_bassin.live, copied_bassin.title) == (
        home_page.pk,
        True,
        "Bassin de Vierzon",
    )
    assert (copied_bassin.origin, copied_bassin.source_url) == (fake_peer.base, bassin["url"])
    assert (copied.get_parent().pk, copied.bassin_id, copied.live) == (
        copied_bassin.pk,
        copied_bassin.pk,
        True,
    )
    assert (copied.origin, copied.source_url, copied.commune) == (fake_peer.base, structure["url"], "Vierzon")
    assert copied.services == ["Aide aux démarches administratives"]  # the unknown value is left out
    assert copied.telephone == ["+33248000000"]
    assert (copied_atelier.structure_id, copied_atelier.origin, copied_atelier.source) == (
        copied.pk,
        fake_peer.base,
        "instance",
    )
    assert "<script>" not in copied_atelier.description
    assert copied_atelier.occurrences.count() == 4  # the weekly series, materialised here
    peer.refresh_from_db()
    assert (peer.status, peer.last_error) == (PeerStatus.OK, "")
    assert peer.last_report == "3 ajoutés, 0 mis à jour, 0 retiré, 0 ignoré"


def test_changes_upstream_are_applied_and_only_changes_are_asked_for(fake_peer, peer, home_page):
    _bassin, structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    structure |= {"nom": "Médiathèque Paul-Eluard", "updated_at": payloads.stamp(10)}
    atelier |= {"rrule": "FREQ=WEEKLY;COUNT=2", "updated_at": payloads.stamp(10)}
    fake_peer.structures[:] = [structure]
    fake_peer.ateliers[:] = [atelier]
    fake_peer.server.requests.clear()

    counts = sync_peer(peer=peer)

    assert counts == {"created": 0, "updated": 2, "deleted": 0, "skipped": 0}
    assert StructurePage.objects.get(global_id=structure["id"]).title == "Médiathèque Paul-Eluard"
    assert Atelier.objects.get(uid=atelier["id"]).occurrences.count() == 2
    assert any("updated_since=" in path for path in fake_peer.requests_to("structures"))
    assert StructurePage.objects.filter(global_id=structure["id"]).count() == 1


def test_what_still_exists_upstream_is_asked_as_ids_only(fake_peer, peer, home_page):
    populate(fake_peer)

    sync_peer(peer=peer)

    for kind in ("bassins", "structures", "ateliers"):
        asked = [path.split("?", 1)[1] for path in fake_peer.requests_to(kind)]
        assert sorted(asked) == ["page_size=500", "page_size=500&fields=id"], kind


def test_an_unchanged_peer_answers_304_and_nothing_is_rewritten(fake_peer, peer, home_page):
    populate(fake_peer)
    sync_peer(peer=peer)
    fake_peer.server.requests.clear()

    counts = sync_peer(peer=peer)

    assert counts == {"created": 0, "updated": 0, "deleted": 0, "skipped": 0}
    assert all("If-None-Match" in request["headers"] for request in fake_peer.server.requests)
    assert len(fake_peer.server.requests) == 6  # changes and ids of three listings, each a 304


def test_what_disappears_upstream_disappears_here_but_never_a_local_object(fake_peer, peer, home_page):
    bassin, structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    local = AtelierFactory()
    fake_peer.ateliers.clear()
    fake_peer.structures.clear()

    counts = sync_peer(peer=peer)

    assert counts["deleted"] == 2
    assert not Atelier.objects.filter(uid=atelier["id"]).exists()
    assert not StructurePage.objects.filter(global_id=structure["id"]).exists()
    assert BassinPage.objects.filter(global_id=bassin["id"]).exists()
    assert Atelier.objects.filter(pk=local.pk).exists()
    assert StructurePage.objects.filter(pk=local.structure_id).exists()
    assert sorted(Mirror.objects.values_list("kind", flat=True)) == ["bassin"]


@override_settings(WAGTAILADMIN_BASE_URL=OWN_URL + "/")
def test_following_a_hub_that_follows_us_copies_nothing_of_ours_and_nothing_twice(fake_peer, peer, home_page):
    """The hub lists our own objects back (origin: us), and local ids under its own origin: all skipped."""
    local_bassin = BassinFactory()
    local_structure = StructureFactory(bassin=local_bassin)
    ours = payloads.bassin(fake_peer.base, origin=OWN_URL, nom="Copie de notre bassin")
    fake_peer.bassins += [
        ours,
        payloads.bassin(fake_peer.base, nom="Bassin détourné") | {"id": str(local_bassin.global_id)},
    ]
    fake_peer.structures.append(
        payloads.structure(fake_peer.base, str(local_bassin.global_id), nom="Détournée")
        | {"id": str(local_structure.global_id)}
    )
    before = (BassinPage.objects.count(), StructurePage.objects.count())

    counts = sync_peer(peer=peer)
    again = sync_peer(peer=peer)

    assert counts == {"created": 0, "updated": 0, "deleted": 0, "skipped": 3}
    assert again["created"] == 0
    assert (BassinPage.objects.count(), StructurePage.objects.count()) == before
    local_bassin.refresh_from_db()
    local_structure.refresh_from_db()
    assert (local_bassin.title, local_bassin.origin) == (local_bassin.title, "")
    assert local_structure.title != "Détournée"
    assert Mirror.objects.count() == 0


def test_two_peers_offering_the_same_object_make_one_copy(fake_peer, peer, home_page, http_server):
    """A territory and the hub that relays it list the same bassin: the first peer's copy stays alone."""

    bassin, _structure, _atelier = populate(fake_peer)
    sync_peer(peer=peer)
    hub = Peer.objects.create(url=f"http://127.0.0.1:{fake_peer.port}", name="Hub régional")

    counts = sync_peer(peer=hub)

    assert counts == {"created": 0, "updated": 0, "deleted": 0, "skipped": 3}
    assert BassinPage.objects.filter(global_id=bassin["id"]).count() == 1
    assert set(Mirror.objects.values_list("peer_id", flat=True)) == {peer.pk}


def test_an_atelier_announced_on_a_local_structure_is_not_copied(fake_peer, peer, home_page):
    local = StructureFactory()
    fake_peer.ateliers.append(payloads.atelier(fake_peer.base, str(local.global_id)))

    counts = sync_peer(peer=peer)

    assert counts == {"created": 0, "updated": 0, "deleted": 0, "skipped": 1}
    assert local.ateliers.count() == 0


def test_an_unchanged_peer_costs_the_same_queries_whatever_its_size(fake_peer, peer, home_page):
    """Every 15 minutes per peer: with nothing new upstream, the sync reads nothing of the copies."""

    def unchanged_sync_queries(extra: int) -> int:
        for _index in range(extra):
            populate(fake_peer)
        sync_peer(peer=peer)
        with CaptureQueriesContext(connection) as queries:
            sync_peer(peer=peer)
        return len(queries)

    assert unchanged_sync_queries(1) == unchanged_sync_queries(4)


# -- objects left out are tried again, within bounds --------------------------------------------------


def structure_without_its_bassin(fake_peer):
    """A structure listed before its bassin is (unpublished there, or relayed by another peer)."""
    bassin = payloads.bassin(fake_peer.base) | {"updated_at": payloads.stamp(30)}
    structure = payloads.structure(fake_peer.base, bassin["id"])
    fake_peer.structures.append(structure)
    return bassin, structure


def test_a_structure_whose_bassin_comes_later_is_copied_at_a_later_sync(fake_peer, peer, home_page):
    bassin, structure = structure_without_its_bassin(fake_peer)
    first = sync_peer(peer=peer)
    peer.refresh_from_db()
    skipped = peer.skipped_items.get()
    fake_peer.bassins.append(bassin)  # newer than the structure, which does not change upstream
    fake_peer.server.requests.clear()

    second = sync_peer(peer=peer)

    assert first["skipped"] == 1
    assert (skipped.kind, skipped.remote_id, skipped.attempts, skipped.title) == (
        "structure",
        structure["id"],
        1,
        "Médiathèque de Vierzon",
    )
    assert skipped.reason.startswith("Son bassin de vie n'est ni ici ni copié")
    assert second == {"created": 2, "updated": 0, "deleted": 0, "skipped": 0}
    assert StructurePage.objects.get(global_id=structure["id"]).bassin.global_id == uuid.UUID(bassin["id"])
    assert peer.skipped_items.count() == 0
    changes = [path for path in fake_peer.requests_to("structures") if "updated_since" in path]
    assert len(changes) == 1  # asked again from just before the structure's own date


def test_objects_read_again_for_a_retry_are_not_applied_twice(fake_peer, peer, home_page):
    bassin, structure, atelier = populate(fake_peer)
    _bassin, waiting = structure_without_its_bassin(fake_peer)
    waiting["updated_at"] = payloads.stamp(-10)  # older than the rest: they are read again with it
    sync_peer(peer=peer)

    again = sync_peer(peer=peer)

    assert again == {"created": 0, "updated": 0, "deleted": 0, "skipped": 1}
    peer.refresh_from_db()
    assert peer.last_report == "0 ajouté, 0 mis à jour, 0 retiré, 1 ignoré, dont 1 à réessayer"
    assert peer.skipped_items.get().attempts == 2


def test_an_object_is_given_up_after_the_last_try_and_shown_on_the_peer(fake_peer, peer, home_page, settings):
    settings.MAILLAGE_PEER_MAX_ATTEMPTS = 2
    _bassin, structure = structure_without_its_bassin(fake_peer)
    populate(fake_peer)
    sync_peer(peer=peer)
    sync_peer(peer=peer)
    peer.refresh_from_db()
    given_up_status = (peer.status, peer.last_error)
    fake_peer.server.requests.clear()

    third = sync_peer(peer=peer)

    assert given_up_status == (
        PeerStatus.ERROR,
        "1 objet de l'instance suivie n'a pas pu être copié après 2 essais (il sera réessayé plus tard, ou "
        "dès qu'il change là-bas) : structure « Médiathèque de Vierzon » : Son bassin de vie n'est ni ici "
        "ni copié d'une instance suivie (pas encore ?).",
    )
    assert third["skipped"] == 0  # no longer read again: the listing's cursor moved past it
    assert all("If-None-Match" in request["headers"] for request in fake_peer.server.requests)
    assert peer.skipped_items.get().attempts == 2
    assert StructurePage.objects.filter(global_id=structure["id"]).count() == 0


def test_a_given_up_object_that_changes_upstream_is_tried_again(fake_peer, peer, home_page, settings):
    settings.MAILLAGE_PEER_MAX_ATTEMPTS = 1
    bassin, structure = structure_without_its_bassin(fake_peer)
    sync_peer(peer=peer)
    fake_peer.bassins.append(bassin)
    structure["updated_at"] = payloads.stamp(60)

    sync_peer(peer=peer)

    peer.refresh_from_db()
    assert (peer.status, peer.last_error) == (PeerStatus.OK, "")
    assert StructurePage.objects.filter(global_id=structure["id"]).count() == 1
    assert peer.skipped_items.count() == 0


def test_a_given_up_object_is_tried_again_after_the_retry_delay(fake_peer, peer, home_page, settings):
    settings.MAILLAGE_PEER_MAX_ATTEMPTS = 1
    settings.MAILLAGE_PEER_GIVEN_UP_RETRY_HOURS = 24
    bassin, structure = structure_without_its_bassin(fake_peer)
    sync_peer(peer=peer)
    fake_peer.bassins.append(bassin)  # the fault upstream is fixed; the structure itself did not change
    sync_peer(peer=peer)
    copied_before_the_delay = StructurePage.objects.filter(global_id=structure["id"]).count()
    peer.skipped_items.update(last_attempt_at=timezone.now() - timedelta(hours=25))

    sync_peer(peer=peer)

    peer.refresh_from_db()
    assert copied_before_the_delay == 0
    assert StructurePage.objects.filter(global_id=structure["id"]).count() == 1
    assert (peer.status, peer.last_error, peer.skipped_items.count()) == (PeerStatus.OK, "", 0)


def test_a_given_up_object_that_fails_again_waits_for_the_next_delay(fake_peer, peer, home_page, settings):
    settings.MAILLAGE_PEER_MAX_ATTEMPTS = 1
    structure_without_its_bassin(fake_peer)
    sync_peer(peer=peer)
    peer.skipped_items.update(last_attempt_at=timezone.now() - timedelta(hours=25))

    retried = sync_peer(peer=peer)
    again = sync_peer(peer=peer)

    skipped = peer.skipped_items.get()
    assert (retried["skipped"], again["skipped"]) == (1, 0)
    assert (skipped.attempts, timezone.now() - skipped.last_attempt_at < timedelta(minutes=5)) == (2, True)


def test_retry_given_up_gives_the_tries_again_and_the_next_sync_copies(fake_peer, peer, home_page, settings):
    settings.MAILLAGE_PEER_MAX_ATTEMPTS = 1
    bassin, structure = structure_without_its_bassin(fake_peer)
    sync_peer(peer=peer)
    fake_peer.bassins.append(bassin)

    count = retry_given_up(peer=peer)
    sync_peer(peer=peer)

    assert count == 1
    assert StructurePage.objects.filter(global_id=structure["id"]).count() == 1
    assert peer.skipped_items.count() == 0


def test_an_object_to_retry_that_vanishes_upstream_is_forgotten(fake_peer, peer, home_page):
    structure_without_its_bassin(fake_peer)
    sync_peer(peer=peer)
    fake_peer.structures.clear()

    sync_peer(peer=peer)

    assert peer.skipped_items.count() == 0


def test_an_object_refused_by_our_checks_is_tried_again_with_the_reason(fake_peer, peer, home_page):
    bassin, structure, atelier = populate(fake_peer)
    atelier["end_time"] = "13:00:00"  # ends before it starts

    sync_peer(peer=peer)

    skipped = peer.skipped_items.get()
    assert (skipped.kind, skipped.remote_id) == ("atelier", atelier["id"])
    assert skipped.reason.startswith("Refusé par les contrôles de cette instance : ")


def test_our_own_objects_coming_back_are_never_tried_again(fake_peer, peer, home_page, settings):
    settings.WAGTAILADMIN_BASE_URL = OWN_URL
    fake_peer.bassins.append(payloads.bassin(fake_peer.base, origin=OWN_URL))

    counts = sync_peer(peer=peer)

    assert counts["skipped"] == 1
    assert peer.skipped_items.count() == 0


def test_a_mirrored_structure_is_found_by_the_directory_search_and_follows_its_source(
    fake_peer, peer, home_page, client
):
    _bassin, structure, _atelier = populate(fake_peer)
    sync_peer(peer=peer)
    structure |= {"nom": "Tiers-lieu des Forges", "updated_at": payloads.stamp(10)}
    fake_peer.structures[:] = [structure]

    sync_peer(peer=peer)

    def found(terms):
        return [
            page.title for page in client.get(reverse("network:directory"), {"q": terms}).context["page_obj"]
        ]

    assert (found("tiers-lieu forges"), found("mediatheque")) == (["Tiers-lieu des Forges"], [])
