"""The "Calendriers synchronisés" admin: adding a calendar, its preview, its actions, detaching an atelier,
and who may do what (an editor of one structure never reaches another structure's calendar)."""

import http.server
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from calendars import admin_views
from calendars.models import Feed, FeedStatus
from events import enums
from events.models import Atelier
from events.viewsets import atelier_viewset
from network import domain
from tests.events.test_admin import message_texts
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory

INDEX = reverse("calendriers:index")
ADD = reverse("calendriers:add")


def url(name, obj):
    return reverse(f"calendriers:{name}", args=[obj.pk])


def text_of(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


@pytest.fixture
def network(db):
    """Bassin 1 holds MELI and Les Ruches; bassin 2 holds Médiathèque de Vierzon. One feed each."""
    bassin = BassinFactory(title="Bassin d'Issoudun", slug="issoudun")
    other_bassin = BassinFactory(title="Bassin de Vierzon", slug="vierzon")
    meli = StructureFactory(bassin=bassin, title="MELI", slug="meli")
    ruches = StructureFactory(bassin=bassin, title="Les Ruches", slug="ruches")
    vierzon = StructureFactory(bassin=other_bassin, title="Médiathèque de Vierzon", slug="mediatheque")
    feeds = {
        structure.slug: Feed.objects.create(
            structure=structure,
            name=f"Agenda {structure.title}",
            url=f"https://agenda.example/{structure.slug}",
        )
        for structure in (meli, ruches, vierzon)
    }
    editor = UserFactory(email="ines@exemple.fr")
    domain.add_member(structure=meli, user=editor)
    coordinator = UserFactory(email="coord@exemple.fr")
    domain.add_coordinator(bassin=bassin, user=coordinator)
    return SimpleNamespace(
        bassin=bassin, meli=meli, ruches=ruches, vierzon=vierzon, feeds=feeds, editor=editor,
        coordinator=coordinator,
    )  # fmt: skip


@pytest.fixture
def enqueued(monkeypatch):
    """Feed ids handed to Celery (`sync_feed_task.delay`), instead of a broker."""
    ids = []
    monkeypatch.setattr(admin_views, "enqueue_sync", ids.append)
    return ids


def fake_report(**fields):
    start = timezone.localtime() + timedelta(days=3)
    defaults = {
        "created": 2,
        "updated": 0,
        "cancelled": 0,
        "unchanged": 0,
        "skipped": 1,
        "event_count": 2,
        "not_modified": False,
        "warnings": [{"code": "missing_timezone", "message": "Heure sans fuseau.", "uid": "a@x"}],
        "preview": [
            {
                "title": "Café numérique",
                "start": start.replace(hour=14, minute=0),
                "end": start.replace(hour=16, minute=0),
                "recurring": True,
                "status": "Programmé",
                "location": "Médiathèque",
            },
            {
                "title": "Atelier annulé",
                "start": start.replace(hour=10, minute=0),
                "end": start.replace(hour=11, minute=0),
                "recurring": False,
                "status": "Annulé",
                "location": "",
            },
        ],
    }
    return SimpleNamespace(**{**defaults, **fields})


def imported_atelier(feed, **fields):
    return AtelierFactory(
        structure=feed.structure,
        feed=feed,
        source=enums.Source.FEED,
        remote_uid=fields.pop("remote_uid", "evt-1@agenda.example"),
        **fields,
    )


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
    soup = BeautifulSoup(response.content, "html.parser")
    assert {link.get_text(strip=True) for link in soup.select("[data-feeds-listing] tbody th a")} == expected


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
    client.force_login(network.editor)

    page = text_of(client.get(INDEX))

    assert "En erreur depuis le" in page
    assert "Fonctionne" in page
    assert "3 créés, 1 mis à jour, 0 annulés" in page


def test_menu_item_shows_to_people_who_manage_a_structure(client, network):
    client.force_login(network.editor)
    assert INDEX in client.get("/admin/").content.decode()


def test_admin_user_managing_no_structure_neither_sees_nor_reaches_calendars(client, network):
    nobody = UserFactory()
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)

    assert INDEX not in client.get("/admin/").content.decode()
    assert client.get(INDEX).status_code == 403
    assert client.get(url("detail", network.feeds["meli"])).status_code == 403
    assert client.post(url("sync", network.feeds["meli"])).status_code == 403


# Adding: form, then preview, then activation -------------------------------------------------------------


def test_adding_a_calendar_saves_it_inactive_and_opens_the_preview(client, network, monkeypatch):
    monkeypatch.setattr(admin_views, "run_preview", lambda feed: fake_report())
    client.force_login(network.editor)
    form_page = client.get(ADD)
    assert "Google Agenda" in text_of(form_page) and "Nextcloud" in text_of(form_page)

    response = client.post(
        ADD,
        {
            "structure": network.meli.pk,
            "name": "Agenda Google",
            "url": "webcal://calendar.example/ateliers.ics",
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
    assert feed.active is False
    assert feed.url == "https://calendar.example/ateliers.ics"
    assert feed.interval == timedelta(hours=3)
    assert feed.default_themes == [enums.Theme.OUTILS_QUOTIDIEN.value]

    preview = client.get(response["Location"])
    page = text_of(preview)
    assert "Café numérique" in page and "Atelier annulé" in page
    assert "2 ateliers seraient créés" in page
    assert "Oui, plusieurs séances" in page
    assert "Heure sans fuseau." in page and "heure de Paris" in page  # the warning and its fix
    assert "Activer la synchronisation" in page and "Modifier l'adresse" in page
    assert BeautifulSoup(preview.content, "html.parser").select("del")  # the cancelled event, struck out


def test_the_structure_must_be_one_the_user_manages(client, network):
    client.force_login(network.editor)
    response = client.post(
        ADD, {"structure": network.ruches.pk, "url": "https://a.example/x.ics", "frequency": "60",
              "default_visibility": "public"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Feed.objects.filter(url="https://a.example/x.ics").exists()


def test_a_bad_scheme_is_refused_in_plain_words(client, network):
    client.force_login(network.editor)
    response = client.post(
        ADD, {"structure": network.meli.pk, "url": "ftp://a.example/x.ics", "frequency": "60",
              "default_visibility": "public"},
    )  # fmt: skip
    assert "L'adresse doit commencer par http://, https:// ou webcal://." in text_of(response)


def test_preview_shows_a_fetch_error_and_what_to_do(client, network, monkeypatch):
    from calendars.fetch import FetchError

    def failing(feed):
        raise FetchError("Le site de l'agenda répond « page introuvable » (erreur 404).")

    monkeypatch.setattr(admin_views, "run_preview", failing)
    client.force_login(network.editor)

    page = text_of(client.get(url("preview", network.feeds["meli"])))

    assert "page introuvable" in page
    assert "Que faire" in page
    assert "Activer la synchronisation" not in page
    assert "Modifier l'adresse" in page


def test_activating_enqueues_a_sync_after_commit(
    client, network, enqueued, django_capture_on_commit_callbacks
):
    feed = network.feeds["meli"]
    client.force_login(network.editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("activate", feed))

    feed.refresh_from_db()
    assert feed.active is True
    assert enqueued == [feed.pk]
    assert response["Location"] == url("detail", feed)
    assert message_texts(response)[0].startswith("La synchronisation est lancée")


def test_enqueue_sync_calls_the_celery_task(monkeypatch, network):
    from calendars import tasks

    calls = []
    monkeypatch.setattr(tasks.sync_feed_task, "delay", lambda **kwargs: calls.append(kwargs))
    admin_views.enqueue_sync(network.feeds["meli"].pk)
    assert calls == [{"feed_id": network.feeds["meli"].pk}]


# Detail and actions --------------------------------------------------------------------------------------


def test_detail_shows_state_error_warnings_and_imported_ateliers(client, network):
    feed = network.feeds["meli"]
    Feed.objects.filter(pk=feed.pk).update(
        active=True, status=FeedStatus.FAILING, last_error="Le site de l'agenda ne répond pas.",
        warnings=[{"code": "bad_rrule", "message": "Répétition illisible.", "uid": "r@x"}],
    )  # fmt: skip
    imported_atelier(feed, title="Café numérique")
    client.force_login(network.editor)

    response = client.get(url("detail", feed))
    page = text_of(response)

    assert "Le site de l'agenda ne répond pas." in page and "Que faire" in page
    assert "Répétition illisible." in page and "répétition simple" in page
    assert "1 atelier" in page
    assert f"?structure={network.meli.pk}" in response.content.decode()
    for label in ("Synchroniser maintenant", "Désactiver", "Modifier", "Supprimer"):
        assert label in page


def test_sync_now_enqueues_and_get_is_refused(client, network, enqueued, django_capture_on_commit_callbacks):
    feed = network.feeds["meli"]
    Feed.objects.filter(pk=feed.pk).update(active=True)
    client.force_login(network.editor)

    assert client.get(url("sync", feed)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("sync", feed))

    assert enqueued == [feed.pk]
    assert "La synchronisation est lancée" in message_texts(response)[0]


def test_deactivating_stops_the_sync(client, network, enqueued):
    feed = network.feeds["meli"]
    Feed.objects.filter(pk=feed.pk).update(active=True)
    client.force_login(network.editor)

    client.post(url("deactivate", feed))

    feed.refresh_from_db()
    assert feed.active is False
    assert enqueued == []


def test_changing_the_address_forgets_the_last_fetch_and_shows_the_preview(client, network, monkeypatch):
    monkeypatch.setattr(admin_views, "run_preview", lambda feed: fake_report())
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


def test_deleting_removes_imported_ateliers_but_keeps_detached_ones(client, network):
    feed = network.feeds["meli"]
    imported = imported_atelier(feed, remote_uid="a@x")
    kept = imported_atelier(feed, remote_uid="b@x", detached=True)
    client.force_login(network.editor)

    assert "supprime aussi" in text_of(client.get(url("delete", feed)))
    client.post(url("delete", feed))

    assert not Feed.objects.filter(pk=feed.pk).exists()
    assert not Atelier.objects.filter(pk=imported.pk).exists()
    assert Atelier.objects.filter(pk=kept.pk, feed=None).exists()


# Detaching -----------------------------------------------------------------------------------------------


def atelier_form(atelier, user):
    """The ateliers admin's own form, as its edit page builds it."""
    return atelier_viewset.get_edit_handler().get_form_class()(instance=atelier, for_user=user)


def test_detaching_makes_an_imported_atelier_editable_here(client, network):
    atelier = imported_atelier(network.feeds["meli"])
    client.force_login(network.editor)
    edit_url = reverse("ateliers:edit", args=[atelier.pk])
    assert "Détacher du calendrier" in client.get(edit_url).content.decode()
    assert atelier_form(atelier, network.editor).is_read_only

    response = client.post(url("detach", atelier))

    atelier.refresh_from_db()
    assert (atelier.detached, atelier.source) == (True, enums.Source.LOCAL)
    assert atelier.feed_id == network.feeds["meli"].pk and atelier.remote_uid  # where it came from
    assert response["Location"] == edit_url
    assert "détaché de son calendrier" in message_texts(response)[0]
    assert not atelier_form(atelier, network.editor).is_read_only
    assert "Détacher du calendrier" not in client.get(edit_url).content.decode()


def test_a_local_atelier_has_nothing_to_detach(client, network):
    atelier = AtelierFactory(structure=network.meli)
    client.force_login(network.editor)

    client.post(url("detach", atelier))

    atelier.refresh_from_db()
    assert atelier.detached is False


# Permissions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("detail", "get"),
        ("preview", "get"),
        ("edit", "get"),
        ("edit", "post"),
        ("activate", "post"),
        ("deactivate", "post"),
        ("sync", "post"),
        ("delete", "get"),
        ("delete", "post"),
    ],
)
def test_an_editor_never_reaches_another_structures_feed(
    client, network, enqueued, monkeypatch, name, method
):
    monkeypatch.setattr(admin_views, "run_preview", lambda feed: pytest.fail("previewed"))
    other = network.feeds["ruches"]
    client.force_login(network.editor)

    response = getattr(client, method)(url(name, other), {"url": "https://evil.example/x.ics"})

    assert response.status_code in (403, 404)
    other.refresh_from_db()
    assert other.url == "https://agenda.example/ruches" and other.active is False
    assert Feed.objects.filter(pk=other.pk).exists()
    assert enqueued == []


def test_an_editor_cannot_detach_another_structures_atelier(client, network):
    atelier = imported_atelier(network.feeds["ruches"])
    client.force_login(network.editor)

    assert client.post(url("detach", atelier)).status_code in (403, 404)
    assert client.get(url("detach", atelier)).status_code in (403, 404)
    atelier.refresh_from_db()
    assert atelier.detached is False


def test_a_coordinator_acts_within_the_bassin_only(client, network, monkeypatch):
    monkeypatch.setattr(admin_views, "run_preview", lambda feed: fake_report())
    client.force_login(network.coordinator)

    assert client.get(url("detail", network.feeds["ruches"])).status_code == 200
    assert client.get(url("preview", network.feeds["ruches"])).status_code == 200
    assert client.get(url("detail", network.feeds["mediatheque"])).status_code == 404
    outside = imported_atelier(network.feeds["mediatheque"])
    assert client.post(url("detach", outside)).status_code == 404
    inside = imported_atelier(network.feeds["ruches"])
    client.post(url("detach", inside))
    inside.refresh_from_db()
    assert inside.detached is True


# With the real sync engine, against a calendar served on 127.0.0.1 ---------------------------------------


def ics_body(days_ahead: int = 10) -> bytes:
    day = (timezone.localdate() + timedelta(days=days_ahead)).strftime("%Y%m%d")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Maillage//FR\r\nX-WR-TIMEZONE:Europe/Paris\r\n"
        "BEGIN:VEVENT\r\nUID:cafe@test\r\nDTSTAMP:20250101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Paris:{day}T140000\r\nDTEND;TZID=Europe/Paris:{day}T160000\r\n"
        "SUMMARY:Café numérique\r\nLOCATION:Médiathèque\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:mail@test\r\nDTSTAMP:20250101T000000Z\r\n"
        f"DTSTART;TZID=Europe/Paris:{day}T100000\r\nDTEND;TZID=Europe/Paris:{day}T113000\r\n"
        "SUMMARY:Messagerie pour débuter\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.fixture
def ics_server():
    """A calendar on a local HTTP server, as a structure's Google Agenda would publish it."""
    body = ics_body()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/agenda.ics"
    server.shutdown()
    server.server_close()


def test_real_preview_then_activation_imports_the_events(
    client, network, ics_server, monkeypatch, django_capture_on_commit_callbacks
):
    pytest.importorskip("calendars.sync")
    from calendars.tasks import sync_feed_task

    monkeypatch.setattr(
        admin_views, "enqueue_sync", lambda feed_id: sync_feed_task.apply(kwargs={"feed_id": feed_id})
    )
    client.force_login(network.editor)
    response = client.post(
        ADD,
        {"structure": network.meli.pk, "name": "Agenda Google", "url": ics_server, "frequency": "60",
         "default_visibility": "public", "default_publics": ["Seniors"]},
    )  # fmt: skip
    feed = Feed.objects.get(name="Agenda Google")

    page = text_of(client.get(response["Location"]))
    assert "Café numérique" in page and "Messagerie pour débuter" in page
    assert not Atelier.objects.filter(feed=feed).exists()  # the preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("activate", feed))

    feed.refresh_from_db()
    assert feed.status == FeedStatus.OK
    assert set(Atelier.objects.filter(feed=feed).values_list("title", flat=True)) == {
        "Café numérique",
        "Messagerie pour débuter",
    }
    assert "Fonctionne" in text_of(client.get(url("detail", feed)))
