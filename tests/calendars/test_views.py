"""The « Calendriers synchronisés » admin at the HTTP level (`calendars.views`): the list, adding a calendar,
its preview read from a calendar served on 127.0.0.1, its page and actions, deleting it."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.utils import timezone

from calendars import display, tasks
from calendars.models import Feed, FeedPreview, FeedPreviewStatus, FeedStatus
from calendars.sync import sync_feed
from events import enums
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


# Adding: form, then preview, then activation -------------------------------------------------------------


def test_adding_a_calendar_saves_it_inactive_and_opens_the_preview(client, network, ics_server):
    client.force_login(network.editor)
    form_page = text_of(client.get(ADD))
    assert "Google Agenda" in form_page and "Nextcloud" in form_page
    assert "Étape 1 sur 2" in form_page

    response = client.post(
        ADD,
        {
            "structure": network.meli.pk,
            "name": "Agenda Google",
            "url": ics_server.replace("http://", "webcal://").replace("/agenda.ics", "/surprises.ics"),
            "default_themes": [enums.Theme.OUTILS_QUOTIDIEN.value],
            "default_publics": ["Seniors"],
            "default_visibility": enums.Visibility.PUBLIC,
            "default_place_name": "MELI",
            "default_address": "",
            "default_commune": "Issoudun",
            "frequency": "180",
        },
    )

    feed = Feed.objects.get(name="Agenda Google")
    assert response.status_code == 302 and response["Location"] == url("preview", feed)
    assert message_texts(response) == ["Calendrier enregistré. Vérifiez ci-dessous ce que Maillage y lit."]
    assert feed.active is False
    assert feed.url == ics_server.replace("http://", "https://").replace("/agenda.ics", "/surprises.ics")
    assert feed.interval == timedelta(hours=3)
    assert feed.default_themes == [enums.Theme.OUTILS_QUOTIDIEN.value]


def worker_reads_previews():
    """What the Celery worker does with every reading asked for (`preview_feed_task`)."""
    for reading in FeedPreview.objects.filter(status=FeedPreviewStatus.PENDING):
        tasks.preview_feed_task(preview_id=reading.pk)


def test_preview_page_waits_for_the_worker_then_shows_the_result(
    client, network, ics_server, http_server, enqueued_previews, django_capture_on_commit_callbacks
):
    feed = served(network.feeds["meli"], ics_server)
    client.force_login(network.editor)

    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url("preview", feed))
    state = client.get(url("preview_state", feed)).json()

    reading = FeedPreview.objects.get()
    assert enqueued_previews == [{"preview_id": reading.pk}]
    assert (reading.requested_by, reading.url) == (network.editor, ics_server)
    soup = BeautifulSoup(waiting.content, "html.parser")
    [status] = soup.select("[data-preview-state-url]")
    assert (status.get_text(strip=True), status["role"], status["aria-live"]) == (
        "Lecture du calendrier en cours…",
        "status",
        "polite",
    )
    assert status["data-preview-state-url"] == url("preview_state", feed)
    assert soup.select("script[src$='js/feed-preview.js']")
    assert "Activer la synchronisation" not in text_of(waiting)
    assert state == {"status": FeedPreviewStatus.PENDING, "finished": False}
    assert http_server.requests == []  # the web request downloads nothing

    worker_reads_previews()
    done = client.get(url("preview", feed))

    assert [request["path"] for request in http_server.requests] == ["/agenda.ics"]
    assert client.get(url("preview_state", feed)).json() == {
        "status": FeedPreviewStatus.DONE,
        "finished": True,
    }
    assert "Café numérique" in text_of(done) and "Lecture du calendrier en cours" not in text_of(done)
    assert not BeautifulSoup(done.content, "html.parser").select("script[src$='js/feed-preview.js']")
    assert FeedPreview.objects.count() == 1  # the result is shown, not read again


def test_preview_shows_events_counts_warnings_and_the_activate_button(
    client, network, ics_server, enqueued_previews
):
    feed = served(network.feeds["meli"], ics_server.replace("/agenda.ics", "/surprises.ics"))
    client.force_login(network.editor)
    client.get(url("preview", feed))
    worker_reads_previews()

    response = client.get(url("preview", feed))

    page = text_of(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Étape 2 sur 2" in page
    assert "Café numérique" in page and "Atelier annulé" in page
    assert "2 événements trouvés dans l'agenda" in page
    assert "Oui, plusieurs séances" in page
    assert [cell.get_text(strip=True) for cell in soup.select("table.listing del")] == ["Atelier annulé"]
    assert soup.select(".feed-warnings li")  # the zone-less times, each with what to do about it
    assert display.fix_for("missing_timezone") in page
    assert "Activer la synchronisation" in page and "Modifier l'adresse" in page
    assert "Relire le calendrier" in page
    assert not Atelier.objects.filter(feed=feed).exists()  # the preview writes nothing
    feed.refresh_from_db()
    assert (feed.last_fetch_at, feed.status) == (None, FeedStatus.PENDING)


def test_preview_shows_a_fetch_error_and_what_to_do(client, network, ics_server, enqueued_previews):
    feed = served(network.feeds["meli"], ics_server.replace("/agenda.ics", "/absent.ics"))
    client.force_login(network.editor)
    client.get(url("preview", feed))
    worker_reads_previews()

    page = text_of(client.get(url("preview", feed)))

    assert "Maillage n'arrive pas à lire ce calendrier" in page
    assert "404" in page
    assert "Que faire" in page
    assert "Activer la synchronisation" not in page
    assert "Modifier l'adresse" in page


def test_reading_again_asks_the_worker_for_a_new_reading(client, network, ics_server, enqueued_previews):
    feed = served(network.feeds["meli"], ics_server)
    client.force_login(network.editor)
    client.get(url("preview", feed))
    worker_reads_previews()

    response = client.post(url("preview", feed))

    assert response["Location"] == url("preview", feed)
    assert list(FeedPreview.objects.values_list("status", flat=True)) == [
        FeedPreviewStatus.PENDING,
        FeedPreviewStatus.DONE,
    ]


def test_previews_of_another_structure_are_not_found(client, network, enqueued_previews):
    vierzon, meli = network.feeds["mediatheque"], network.feeds["meli"]
    FeedPreview.objects.create(
        feed=meli, requested_by=network.coordinator, url=meli.url, status=FeedPreviewStatus.DONE,
        result={"event_count": 1, "events": [{"title": "Atelier du coordinateur"}]},
    )  # fmt: skip
    client.force_login(network.editor)

    assert client.get(url("preview", vierzon)).status_code == 404
    assert client.post(url("preview", vierzon)).status_code == 404
    assert client.get(url("preview_state", vierzon)).status_code == 404
    own = client.get(url("preview", meli))  # a colleague's reading is theirs: the editor gets their own

    assert "Atelier du coordinateur" not in text_of(own)
    assert "Lecture du calendrier en cours…" in text_of(own)
    assert not FeedPreview.objects.filter(feed=vierzon).exists()
    assert FeedPreview.objects.filter(feed=meli, requested_by=network.editor).count() == 1


def test_the_structure_must_be_one_the_user_manages(client, network):
    client.force_login(network.editor)
    soup = BeautifulSoup(client.get(ADD).content, "html.parser")
    assert [option.get_text(strip=True) for option in soup.select("select[name=structure] option")] == [
        "MELI"
    ]

    response = client.post(
        ADD, {"structure": network.ruches.pk, "url": "https://a.example/x.ics", "frequency": "60",
              "default_visibility": "public"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "Le calendrier n'a pas été enregistré : corrigez les erreurs indiquées." in text_of(response)
    assert not Feed.objects.filter(url="https://a.example/x.ics").exists()


def test_a_bad_scheme_is_refused_in_plain_words(client, network):
    client.force_login(network.editor)
    response = client.post(
        ADD, {"structure": network.meli.pk, "url": "ftp://a.example/x.ics", "frequency": "60",
              "default_visibility": "public"},
    )  # fmt: skip
    assert "L'adresse doit commencer par http://, https:// ou webcal://." in text_of(response)


def test_activating_enqueues_a_sync_after_commit(
    client, network, enqueued, django_capture_on_commit_callbacks
):
    feed = network.feeds["meli"]
    client.force_login(network.editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("activate", feed))

    feed.refresh_from_db()
    assert feed.active is True
    assert enqueued == [{"feed_id": feed.pk}]
    assert response["Location"] == url("inspect", feed)
    assert message_texts(response)[0].startswith("La synchronisation est lancée")


def test_real_preview_then_activation_imports_the_events(
    client, network, ics_server, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the worker's job, in this process
    client.force_login(network.editor)
    response = client.post(
        ADD,
        {"structure": network.meli.pk, "name": "Agenda Google", "url": ics_server, "frequency": "60",
         "default_visibility": "public", "default_publics": ["Seniors"]},
    )  # fmt: skip
    feed = Feed.objects.get(name="Agenda Google")

    with django_capture_on_commit_callbacks(execute=True):  # the reading, by the (eager) worker
        assert "Lecture du calendrier en cours…" in text_of(client.get(response["Location"]))
    page = text_of(client.get(response["Location"]))
    assert "Café numérique" in page and "Messagerie pour débuter" in page
    assert not Atelier.objects.filter(feed=feed).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("activate", feed))

    feed.refresh_from_db()
    assert feed.status == FeedStatus.OK
    assert set(Atelier.objects.filter(feed=feed).values_list("title", flat=True)) == {
        "Café numérique",
        "Messagerie pour débuter",
    }
    assert "Fonctionne" in text_of(client.get(url("inspect", feed)))


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


def test_adding_a_failing_calendar_twice_keeps_one_feed_to_fix_and_says_why(
    client, network, http_server, enqueued_previews
):
    client.force_login(network.editor)
    missing = http_server.url("/introuvable.ics")
    fields = {"structure": network.meli.pk, "name": "Agenda", "url": missing, "frequency": "60",
              "default_visibility": enums.Visibility.PUBLIC}  # fmt: skip

    first = client.post(ADD, fields)
    worker_reads_previews_of(client, first)
    second = client.post(ADD, {**fields, "name": "Agenda encore"})

    feed = Feed.objects.get(structure=network.meli, url=missing)
    assert first.status_code == 302
    assert (feed.name, feed.status, feed.active) == ("Agenda", FeedStatus.TO_FIX, False)
    assert second.status_code == 200
    assert "Ce calendrier est déjà relié à cette structure" in text_of(second)
    assert Feed.objects.filter(structure=network.meli).count() == 2  # the fixture's feed, and this one
    assert display.state_label(feed) == "À corriger : pas encore lu"


def worker_reads_previews_of(client, response):
    """Open the preview the add form led to (which asks for a reading), then run the worker on it."""
    client.get(response["Location"])
    worker_reads_previews()
