"""Adding a calendar in the « Calendriers synchronisés » admin (`calendars.views`): the form, the preview read
by the worker from a calendar served on 127.0.0.1, then activation."""

from datetime import timedelta

from bs4 import BeautifulSoup

from calendars import display, tasks
from calendars.models import Feed, FeedPreview, FeedPreviewStatus, FeedStatus
from events import enums
from events.models import Atelier
from tests.calendars.feed_admin import ADD, served, text_of, url
from tests.events.atelier_admin import message_texts

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
