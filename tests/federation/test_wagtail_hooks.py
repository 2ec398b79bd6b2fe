"""Mirrored copies are read-only for everyone, administrators included; followed instances are an
administrator's business only (federation.wagtail_hooks, .viewsets, .permissions)."""

import pytest
from django.urls import reverse

from events.permissions import can_manage_atelier, manageable_ateliers
from federation import viewsets
from federation.models import Peer
from federation.sync import sync_peer
from network import domain
from network.models import StructurePage
from network.permissions import can_manage_structure, manageable_structures
from tests.factories import UserFactory

from . import payloads
from .test_sync import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def copies(fake_peer, peer, home_page):
    bassin, structure, atelier = populate(fake_peer)
    sync_peer(peer=peer)
    copied = StructurePage.objects.get(global_id=structure["id"])
    return copied.get_parent().specific, copied, copied.ateliers.get()


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    "view, args, methods",
    [
        ("wagtailadmin_pages:edit", lambda b, s: [s.pk], ("get", "post")),
        ("wagtailadmin_pages:delete", lambda b, s: [s.pk], ("get", "post")),
        ("wagtailadmin_pages:unpublish", lambda b, s: [s.pk], ("post",)),  # GET only asks to confirm
        ("wagtailadmin_pages:copy", lambda b, s: [s.pk], ("get", "post")),
        ("wagtailadmin_pages:edit", lambda b, s: [b.pk], ("get", "post")),
        ("wagtailadmin_pages:add", lambda b, s: ["network", "structurepage", b.pk], ("get", "post")),
    ],
)
def test_not_even_an_administrator_changes_a_mirrored_page(client, superuser, copies, view, args, methods):
    bassin, structure, _atelier = copies
    client.force_login(superuser)

    for method in methods:
        response = getattr(client, method)(reverse(view, args=args(bassin, structure)))
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_explore", args=[1])[:-2])

    structure.refresh_from_db()
    assert (structure.live, structure.title) == (True, "Médiathèque de Vierzon")
    assert StructurePage.objects.filter(pk=structure.pk).exists()


def test_a_local_page_is_still_editable_by_an_administrator(client, superuser, copies, home_page):
    local = domain.create_bassin(home=home_page, title="Bassin local", slug="bassin-local")
    client.force_login(superuser)

    assert client.get(reverse("wagtailadmin_pages:edit", args=[local.pk])).status_code == 200


def test_nobody_manages_a_mirrored_structure_or_atelier(copies, superuser):
    _bassin, structure, atelier = copies

    assert can_manage_structure(superuser, structure) is False
    assert can_manage_atelier(superuser, atelier) is False
    assert structure not in manageable_structures(superuser)
    assert atelier not in manageable_ateliers(superuser)


def test_the_atelier_edit_view_does_not_find_a_mirrored_atelier(client, superuser, copies):
    client.force_login(superuser)

    assert client.get(reverse("ateliers:edit", args=[copies[2].pk])).status_code == 404


def test_only_administrators_reach_the_followed_instances(client, db, superuser):
    editor = UserFactory(is_staff=True)
    client.force_login(editor)
    assert client.get(reverse("federation:index")).status_code == 302
    assert client.get(reverse("federation:add")).status_code == 302

    client.force_login(superuser)
    page = client.get(reverse("federation:index"))
    assert page.status_code == 200
    assert "Instances suivies" in page.content.decode()


def test_an_administrator_follows_an_instance_from_the_admin(client, superuser):
    client.force_login(superuser)

    response = client.post(
        reverse("federation:add"), {"url": "https://maillage.indre.test/", "name": "Indre", "active": "on"}
    )

    assert response.status_code == 302
    assert list(Peer.objects.values_list("url", "name", "active")) == [
        ("https://maillage.indre.test", "Indre", True)
    ]


def test_an_address_that_is_not_a_web_address_is_refused(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse("federation:add"), {"url": "ftp://maillage.indre.test/", "name": "Indre"})

    assert response.status_code == 200
    assert Peer.objects.count() == 0


def test_deleting_a_followed_instance_removes_its_copies_only(client, superuser, copies, peer):
    bassin, structure, atelier = copies
    local = domain.create_bassin(home=bassin.get_parent(), title="Bassin local", slug="bassin-local")
    client.force_login(superuser)

    response = client.post(reverse("federation:delete", args=[peer.pk]))

    assert response.status_code == 302
    assert not Peer.objects.exists()
    assert not StructurePage.objects.filter(pk=structure.pk).exists()
    assert not type(bassin).objects.filter(pk=bassin.pk).exists()
    assert not type(atelier).objects.filter(pk=atelier.pk).exists()
    assert type(local).objects.filter(pk=local.pk).exists()


def test_sync_now_enqueues_a_sync_for_an_administrator_only(client, superuser, peer, monkeypatch):
    enqueued = []
    monkeypatch.setattr(viewsets.sync_peer_task, "delay", lambda **kwargs: enqueued.append(kwargs))
    client.force_login(UserFactory(is_staff=True))
    client.post(reverse("federation:sync", args=[peer.pk]))
    assert enqueued == []

    client.force_login(superuser)
    response = client.post(reverse("federation:sync", args=[peer.pk]))

    assert response.status_code == 302
    assert enqueued == [{"peer_id": peer.pk}]


def test_the_peer_page_lists_the_objects_left_out_with_their_reason(
    client, superuser, fake_peer, peer, home_page
):
    bassin = payloads.bassin(fake_peer.base)
    fake_peer.structures.append(payloads.structure(fake_peer.base, bassin["id"], nom="Tiers-lieu"))
    sync_peer(peer=peer)
    client.force_login(superuser)

    page = client.get(reverse("federation:inspect", args=[peer.pk])).content.decode()

    assert "Objets non copiés" in page
    assert "structure « Tiers-lieu », 1 essai : Son bassin de vie n&#x27;est ni ici" in page


def test_retry_requeues_the_given_up_objects_for_an_administrator_only(
    client, superuser, fake_peer, peer, home_page, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MAILLAGE_PEER_MAX_ATTEMPTS = 1
    bassin = payloads.bassin(fake_peer.base)
    fake_peer.structures.append(payloads.structure(fake_peer.base, bassin["id"], nom="Tiers-lieu"))
    sync_peer(peer=peer)
    enqueued = []
    monkeypatch.setattr(viewsets.sync_peer_task, "delay_on_commit", lambda **kwargs: enqueued.append(kwargs))
    client.force_login(UserFactory(is_staff=True))
    client.post(reverse("federation:retry", args=[peer.pk]))
    refused = (peer.skipped_items.get().attempts, list(enqueued))
    client.force_login(superuser)
    page = client.get(reverse("federation:inspect", args=[peer.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("federation:retry", args=[peer.pk]), follow=True)

    assert refused == (1, [])
    assert "1 objet n'a pas pu être copié après tous ses essais. Il est réessayé toutes les 24 heures" in page
    assert "Réessayer" in page
    assert peer.skipped_items.get().attempts == 0
    assert enqueued == [{"peer_id": peer.pk}]
    assert [str(message) for message in response.context["messages"]] == [
        "1 objet abandonné sera réessayé par la synchronisation demandée."
    ]
