"""The « Calendriers synchronisés » admin at the HTTP level (`calendars.views`): the list and the menu, a
calendar's page and its actions, deleting it (adding one and its preview: `test_views_preview.py`)."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.utils import timezone

from calendars import display
from calendars.models import Feed, FeedPreview, FeedStatus
from calendars.sync import sync_feed
from events.models import Atelier
from tests.calendars.feed_admin import ADD, INDEX, imported_atelier, listed_feeds, served, text_of, url
from tests.calendars.ics import PAST, Served, calendar, vevent
from tests.events.atelier_admin import message_texts
from tests.factories import UserFactory

# Listing and menu ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("editor", {"Agenda MELI"}),
        ("coordinator", {"Agenda MELI", "Agenda Les Ruches"}),
        ("superuser", {"Agenda MELI", "Agenda Les Ruches", "Agenda Médiathèque de Vierzon"}),
    ],
)
def test_index_lists_the_feeds_of_the_users_structures_only(client, network, who, expected):
    user = UserFactory(is_superuser=True, is_staff=True) if who == "superuser" else getattr(network, who)
    client.force_login(user)

    response = client.get(INDEX)

    assert response.status_code == 200
    assert listed_feeds(response) == expected


def test_index_names_link_to_each_calendars_page(client, network):
    client.force_login(network.editor)

    soup = BeautifulSoup(client.get(INDEX).content, "html.parser")

    links = [link["href"] for link in soup.select("table.listing tbody td.title .title-wrapper a")]
    assert links == [url("inspect", network.feeds["meli"])]


def test_index_says_each_state_in_words(client, network):
    now = timezone.now()
    Feed.objects.filter(pk=network.feeds["meli"].pk).update(
        status=FeedStatus.FAILING,
        last_success_at=now - timedelta(days=2),
        failing_since=now - timedelta(days=1),
        active=True,
    )
    Feed.objects.create(
        structure=network.meli, name="Agenda des ateliers", url="https://a.example/b", status=FeedStatus.OK,
        active=True, last_success_at=now, last_counts={"created": 3, "updated": 1, "cancelled": 0},
        warnings=[{"code": "no_uid", "message": "m", "uid": ""}], unchanged_fetches=4,
    )  # fmt: skip
    Feed.objects.create(structure=network.meli, name="Agenda neuf", url="https://a.example/c")
    client.force_login(network.editor)

    page = text_of(client.get(INDEX))

    assert "En erreur depuis le" in page
    assert "Fonctionne" in page
    assert "Pas encore synchronisé" in page
    assert "Synchronisation désactivée" in page
    assert "3 créés, 1 mis à jour, 0 annulés" in page
    assert "Ajouter un calendrier" in page


def test_index_queries_do_not_grow_with_the_number_of_feeds(client, network, django_assert_max_num_queries):
    client.force_login(network.editor)
    client.get(INDEX)  # warm the per-process caches (content types, site root)
    for number in range(20):
        Feed.objects.create(
            structure=network.meli, name=f"Agenda {number}", url=f"https://a.example/{number}"
        )

    with django_assert_max_num_queries(20) as few:
        client.get(INDEX)
    few_count = len(few.captured_queries)
    for number in range(20, 45):
        Feed.objects.create(
            structure=network.meli, name=f"Agenda {number}", url=f"https://a.example/{number}"
        )

    with django_assert_max_num_queries(few_count) as many:
        response = client.get(INDEX)

    assert len(listed_feeds(response)) == 46
    assert len(many.captured_queries) == few_count


def test_menu_item_shows_to_people_who_manage_a_structure(client, network):
    client.force_login(network.editor)
    assert INDEX in client.get("/admin/").content.decode()


def test_admin_user_managing_no_structure_neither_sees_nor_reaches_calendars(client, network, enqueued):
    nobody = UserFactory()
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    feed = network.feeds["meli"]

    assert INDEX not in client.get("/admin/").content.decode()
    for response in (
        client.get(INDEX),
        client.get(ADD),
        client.get(url("edit", feed)),
        client.get(url("preview", feed)),
        client.post(url("preview", feed)),
        client.get(url("preview_state", feed)),
        client.post(url("sync", feed)),
        client.post(url("activate", feed)),
    ):
        assert response["Location"] == "/admin/"  # Wagtail's "permission denied": back to the dashboard
    # Wagtail's inspect and delete views look the object up first: not among the user's, not found.
    assert client.get(url("inspect", feed)).status_code == 404
    assert client.get(url("delete", feed)).status_code == 404
    feed.refresh_from_db()
    assert feed.active is False
    assert enqueued == []
    assert not FeedPreview.objects.exists()


# The calendar's page and its actions ---------------------------------------------------------------------


def test_inspect_shows_state_error_warnings_and_imported_ateliers(client, network):
    feed = network.feeds["meli"]
    Feed.objects.filter(pk=feed.pk).update(
        active=True, status=FeedStatus.FAILING, last_error="Le site de l'agenda ne répond pas.",
        warnings=[{"code": "bad_rrule", "message": "Répétition illisible.", "uid": "r@x"}],
        last_counts={"created": 2, "updated": 0, "cancelled": 1},
    )  # fmt: skip
    imported_atelier(feed, title="Café numérique")
    imported_atelier(feed, title="Gardé", remote_uid="b@x", detached=True)
    client.force_login(network.editor)

    response = client.get(url("inspect", feed))
    page = text_of(response)

    assert response.status_code == 200
    assert "Le site de l'agenda ne répond pas." in page and "Que faire" in page
    assert "1 avertissement" in page
    assert "Répétition illisible." in page and "répétition simple" in page
    assert "1 atelier (et 1 détaché)" in page
    assert "2 créés, 0 mis à jour, 1 annulés" in page
    assert f"?structure={network.meli.pk}" in response.content.decode()
    for label in ("Synchroniser maintenant", "Désactiver", "Voir l'aperçu", "Modifier", "Supprimer"):
        assert label in page


def test_sync_now_enqueues_and_get_is_refused(client, network, enqueued, django_capture_on_commit_callbacks):
    feed = network.feeds["meli"]
    Feed.objects.filter(pk=feed.pk).update(active=True)
    client.force_login(network.editor)

    assert client.get(url("sync", feed)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("sync", feed))

    assert enqueued == [{"feed_id": feed.pk}]
    assert message_texts(response) == [
        "La synchronisation est lancée. Rechargez cette page dans une minute pour voir le bilan."
    ]


def test_sync_now_of_an_inactive_feed_says_to_activate_it(
    client, network, enqueued, django_capture_on_commit_callbacks
):
    client.force_login(network.editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("sync", network.feeds["meli"]))

    assert enqueued == []
    assert message_texts(response) == ["Ce calendrier est désactivé : activez-le d'abord."]


def test_deactivating_stops_the_sync(client, network, enqueued):
    feed = network.feeds["meli"]
    Feed.objects.filter(pk=feed.pk).update(active=True)
    client.force_login(network.editor)

    response = client.post(url("deactivate", feed))

    feed.refresh_from_db()
    assert feed.active is False
    assert enqueued == []
    assert message_texts(response)[0].startswith("Synchronisation arrêtée.")


def test_changing_the_address_forgets_the_last_fetch_and_shows_the_preview(client, network):
    feed = network.feeds["meli"]
    Feed.objects.filter(pk=feed.pk).update(active=True, etag='"abc"', content_hash="f" * 64)
    client.force_login(network.editor)
    assert "https://agenda.example/meli" in client.get(url("edit", feed)).content.decode()

    response = client.post(
        url("edit", feed),
        {"structure": network.meli.pk, "name": "Agenda", "url": "https://new.example/a.ics",
         "frequency": "60", "default_visibility": "public"},
    )  # fmt: skip

    feed.refresh_from_db()
    assert response["Location"] == url("preview", feed)
    assert (feed.url, feed.etag, feed.content_hash) == ("https://new.example/a.ics", "", "")


def test_editing_an_active_feed_without_a_new_address_goes_back_to_its_page(client, network):
    feed = network.feeds["meli"]
    Feed.objects.filter(pk=feed.pk).update(active=True, etag='"abc"')
    client.force_login(network.editor)

    response = client.post(
        url("edit", feed),
        {"structure": network.meli.pk, "name": "Agenda de la MELI", "url": "https://agenda.example/meli",
         "frequency": "1440", "default_visibility": "public"},
    )  # fmt: skip

    feed.refresh_from_db()
    assert response["Location"] == url("inspect", feed)
    assert message_texts(response) == ["Calendrier « Agenda de la MELI » enregistré."]
    assert (feed.interval, feed.etag) == (timedelta(days=1), '"abc"')


def test_deleting_removes_imported_ateliers_but_keeps_detached_ones(client, network):
    feed = network.feeds["meli"]
    imported = imported_atelier(feed, remote_uid="a@x")
    kept = imported_atelier(feed, remote_uid="b@x", detached=True)
    client.force_login(network.editor)

    page = text_of(client.get(url("delete", feed)))
    assert "supprime aussi l'atelier qui en a été importé (1 atelier)" in page
    assert "Les ateliers que vous avez détachés de ce calendrier sont gardés." in page
    response = client.post(url("delete", feed))

    assert response["Location"] == INDEX
    assert message_texts(response) == ["Calendrier « Agenda MELI » supprimé, avec ses ateliers importés."]
    assert not Feed.objects.filter(pk=feed.pk).exists()
    assert not Atelier.objects.filter(pk=imported.pk).exists()
    assert Atelier.objects.filter(pk=kept.pk, feed=None).exists()


def test_inspect_shows_the_size_bounds_that_cut_the_calendar(client, network, http_server, settings):
    settings.MAILLAGE_FEED_MAX_EVENTS = 2
    settings.MAILLAGE_MAX_SESSIONS_PER_SERIES = 10
    source = Served(http_server)
    source.body = calendar(
        vevent("a@x", "Atelier A"),
        vevent("b@x", "Atelier B"),
        vevent("h@x", "Créneaux", PAST, extra="RRULE:FREQ=HOURLY"),  # a series: ranked with today
    )
    feed = served(network.feeds["meli"], source.url)
    sync_feed(feed=feed)
    client.force_login(network.editor)

    page = text_of(client.get(url("inspect", feed)))

    assert "Votre agenda contient 3 événements ; Maillage en importe 2 au plus." in page
    assert "1 série a plus de 10 séances sur la période affichée : « Créneaux »." in page
    assert display.fix_for("too_many_sessions") in page
    titles = sorted(Atelier.objects.filter(feed=feed).values_list("title", flat=True))
    assert titles == ["Atelier A", "Créneaux"]
