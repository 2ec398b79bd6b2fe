"""Detaching an imported atelier, and who may do what in the calendars admin: an editor of one structure
never reaches another structure's calendar, a coordinator stays in the bassin (`calendars.views`)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from calendars.models import Feed
from events import enums
from events.viewsets import atelier_viewset
from tests.calendars.feed_admin import ADD, imported_atelier, text_of, url
from tests.events.atelier_admin import message_texts
from tests.factories import AtelierFactory, UserFactory

# Detaching -----------------------------------------------------------------------------------------------


def atelier_form(atelier, user):
    """The ateliers admin's own form, as its edit page builds it."""
    return atelier_viewset.get_edit_handler().get_form_class()(instance=atelier, for_user=user)


def test_detaching_makes_an_imported_atelier_editable_here(client, network):
    atelier = imported_atelier(network.feeds["meli"])
    client.force_login(network.editor)
    edit_url = reverse("ateliers:edit", args=[atelier.pk])
    edit_page = client.get(edit_url).content.decode()
    assert "Détacher du calendrier" in edit_page and url("detach", atelier) in edit_page
    assert atelier_form(atelier, network.editor).is_read_only
    assert "vient du calendrier « Agenda MELI »" in text_of(client.get(url("detach", atelier)))

    response = client.post(url("detach", atelier))

    atelier.refresh_from_db()
    assert (atelier.detached, atelier.source) == (True, enums.Source.LOCAL)
    assert atelier.feed_id == network.feeds["meli"].pk and atelier.remote_uid  # where it came from
    assert response["Location"] == edit_url
    assert "détaché de son calendrier" in message_texts(response)[0]
    assert not atelier_form(atelier, network.editor).is_read_only
    assert url("detach", atelier) not in client.get(edit_url).content.decode()


def test_a_local_atelier_has_nothing_to_detach(client, network):
    atelier = AtelierFactory(structure=network.meli)
    client.force_login(network.editor)

    assert "rien à détacher" in text_of(client.get(url("detach", atelier)))
    response = client.post(url("detach", atelier))

    atelier.refresh_from_db()
    assert atelier.detached is False
    assert message_texts(response) == ["Cet atelier n'est pas importé d'un calendrier : rien à détacher."]
    assert (
        url("detach", atelier) not in client.get(reverse("ateliers:edit", args=[atelier.pk])).content.decode()
    )


# Denial across structures --------------------------------------------------------------------------------


FEED_VIEWS = [
    ("inspect", "get"),
    ("preview", "get"),
    ("edit", "get"),
    ("edit", "post"),
    ("history", "get"),
    ("usage", "get"),
    ("activate", "post"),
    ("deactivate", "post"),
    ("sync", "post"),
    ("delete", "get"),
    ("delete", "post"),
]


@pytest.mark.parametrize(("name", "method"), FEED_VIEWS)
def test_an_editor_gets_404_on_another_structures_feed(
    client, network, enqueued, fake_dns, loopback_only, django_capture_on_commit_callbacks, name, method
):
    other = network.feeds["ruches"]
    Feed.objects.filter(pk=other.pk).update(active=True)
    client.force_login(network.editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(url(name, other), {"url": "https://evil.example/x.ics"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.url, other.active, other.last_fetch_at) == ("https://agenda.example/ruches", True, None)
    assert enqueued == []
    assert loopback_only == []  # nothing fetched


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_editor_cannot_detach_another_structures_atelier(client, network, method):
    atelier = imported_atelier(network.feeds["ruches"])
    client.force_login(network.editor)

    assert getattr(client, method)(url("detach", atelier)).status_code == 404
    atelier.refresh_from_db()
    assert atelier.detached is False


@pytest.mark.parametrize(("name", "method"), FEED_VIEWS)
def test_a_coordinator_reaches_the_feeds_of_the_bassin_only(
    client, network, enqueued, fake_dns, name, method
):
    client.force_login(network.coordinator)
    inside, outside = network.feeds["ruches"], network.feeds["mediatheque"]

    assert getattr(client, method)(url(name, outside), {}).status_code == 404
    if method == "get":
        assert getattr(client, method)(url(name, inside)).status_code == 200


def test_a_coordinator_detaches_within_the_bassin_only(client, network):
    client.force_login(network.coordinator)
    outside = imported_atelier(network.feeds["mediatheque"])
    inside = imported_atelier(network.feeds["ruches"], remote_uid="r@x")

    assert client.post(url("detach", outside)).status_code == 404
    client.post(url("detach", inside))

    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.detached, outside.detached) == (True, False)


def test_a_superuser_reaches_every_feed(client, network, fake_dns):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    for feed in network.feeds.values():
        assert client.get(url("inspect", feed)).status_code == 200
        assert client.get(url("edit", feed)).status_code == 200
    soup = BeautifulSoup(client.get(ADD).content, "html.parser")
    options = {option.get_text(strip=True) for option in soup.select("select[name=structure] option")}
    assert {"MELI", "Les Ruches", "Médiathèque de Vierzon"} <= options
