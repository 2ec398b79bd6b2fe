"""Tests of the agenda exports: iCal subscriptions, the JSON feed, conditional requests and query counts."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import enums
from events.domain import save_atelier, update_session
from events.models import Occurrence
from events.recurrence import PARIS
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

NUMERIQUE = enums.Theme.OUTILS_QUOTIDIEN.value
DEMARCHES = enums.Theme.DEMARCHES.value


def get(client, name, params=None, **kwargs):
    url = reverse(f"events:{name}", kwargs=kwargs)
    return client.get(f"{url}?{urlencode(params or {}, doseq=True)}")


def series_titles(response) -> list[str]:
    calendar = Calendar.from_ical(response.content)
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT") if "RECURRENCE-ID" not in event)


def json_titles(response) -> list[str]:
    return sorted({item["title"] for item in response.json()["results"]})


@pytest.fixture
def network(db):
    """Two bassins; ateliers that differ on bassin, structure, theme, commune and visibility."""
    nord = BassinFactory(title="Bassin du Nord", slug="nord")
    sud = BassinFactory(title="Bassin du Sud", slug="sud")
    vierzon = StructureFactory(bassin=nord, title="Médiathèque de Vierzon", slug="mediatheque-vierzon")
    bourges = StructureFactory(bassin=sud, title="France Services Bourges", slug="fs-bourges")
    AtelierFactory(structure=vierzon, title="Tablette", themes=[NUMERIQUE], commune="Vierzon")
    AtelierFactory(structure=vierzon, title="Réservé aux pros", visibility=enums.Visibility.PROFESSIONALS)
    AtelierFactory(structure=bourges, title="Démarches", themes=[DEMARCHES], rrule="FREQ=WEEKLY;COUNT=4")
    return {"nord": nord, "sud": sud, "vierzon": vierzon, "bourges": bourges}


def test_agenda_ics_lists_public_series_as_a_calendar(client, network):
    response = get(client, "agenda_ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="maillage-agenda.ics"'
    assert response["Cache-Control"] == "public, max-age=300"
    assert series_titles(response) == ["Démarches", "Tablette"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"bassin": "nord"}, ["Tablette"]),
        ({"structure": "fs-bourges"}, ["Démarches"]),
        ({"theme": DEMARCHES}, ["Démarches"]),
        ({"commune": "Vierzon"}, ["Tablette"]),
        ({"bassin": "inconnu"}, ["Démarches", "Tablette"]),
    ],
)
def test_exports_filters_narrow_ics_and_json(client, network, params, expected):
    assert series_titles(get(client, "agenda_ics", params)) == expected
    assert json_titles(get(client, "agenda_json", params)) == expected


def test_bassin_and_structure_feeds_hold_their_scope_only(client, network):
    assert series_titles(get(client, "bassin_ics", slug="sud")) == ["Démarches"]
    assert series_titles(get(client, "structure_ics", slug="mediatheque-vierzon")) == ["Tablette"]
    assert series_titles(get(client, "bassin_ics", {"theme": DEMARCHES}, slug="nord")) == []


def test_co_organised_ateliers_are_in_the_co_organiser_structure_feeds_and_agenda(client, network):
    demarches = network["bourges"].ateliers.get(title="Démarches")
    demarches.co_organisers.add(network["vierzon"])

    vierzon_feed = get(client, "structure_ics", slug="mediatheque-vierzon")
    assert series_titles(vierzon_feed) == ["Démarches", "Tablette"]
    assert series_titles(get(client, "structure_ics", slug="fs-bourges")) == ["Démarches"]
    assert json_titles(get(client, "agenda_json", {"structure": "mediatheque-vierzon"})) == [
        "Démarches",
        "Tablette",
    ]
    page = client.get(reverse("events:structure_agenda", kwargs={"slug": "mediatheque-vierzon"}))
    assert "Démarches" in page.content.decode()
    # One row per session, not one per co-organiser: the bassin agenda does not double the series.
    assert json_titles(get(client, "agenda_json", {"bassin": "sud"})) == ["Démarches"]
    assert len(get(client, "agenda_json", {"structure": "mediatheque-vierzon"}).json()["results"]) == 5


def test_exports_unknown_slugs_are_not_found(client, network):
    assert get(client, "bassin_ics", slug="inconnu").status_code == 404
    assert get(client, "structure_ics", slug="inconnue").status_code == 404
    assert get(client, "bassin_ics", slug="mediatheque-vierzon").status_code == 404


def test_atelier_ics_gives_one_series_and_hides_pro_only(client, network):
    public = network["vierzon"].ateliers.get(title="Tablette")
    pro = network["vierzon"].ateliers.get(title="Réservé aux pros")

    response = get(client, "atelier_ics", pk=public.pk)

    assert series_titles(response) == ["Tablette"]
    assert response["Content-Disposition"] == f'inline; filename="atelier-{public.pk}.ics"'
    assert get(client, "atelier_ics", pk=pro.pk).status_code == 404


def test_exports_never_show_pro_only_ateliers(client, network):
    assert "Réservé aux pros" not in get(client, "agenda_ics").content.decode()
    assert "Réservé aux pros" not in get(client, "structure_ics", slug="mediatheque-vierzon").content.decode()
    assert "Réservé aux pros" not in json_titles(get(client, "agenda_json"))


def test_ics_series_appears_whole_while_a_session_is_recent(client, structure_only):
    today = timezone.localdate()
    AtelierFactory(structure=structure_only, title="Fini", start_date=today - timedelta(days=40))
    AtelierFactory(
        structure=structure_only,
        title="En cours",
        start_date=today - timedelta(days=70),
        rrule="FREQ=WEEKLY;COUNT=10",
    )

    calendar = Calendar.from_ical(get(client, "agenda_ics").content)

    [event] = calendar.walk("VEVENT")
    assert (str(event["SUMMARY"]), event.decoded("DTSTART").date()) == (
        "En cours",
        today - timedelta(days=70),
    )


@override_settings(MAILLAGE_ICS_MAX_SERIES=2)
@pytest.mark.parametrize("name", ["agenda_ics", "bassin_ics", "structure_ics"])
def test_ics_holds_at_most_the_configured_series_those_coming_first(client, structure_only, name):
    today = timezone.localdate()
    for title, days in (("Dans trois jours", 3), ("Demain", 1), ("Après-demain", 2)):
        AtelierFactory(structure=structure_only, title=title, start_date=today + timedelta(days=days))
    kwargs = {"bassin_ics": {"slug": "centre"}, "structure_ics": {"slug": "espace-centre"}}.get(name, {})

    response = get(client, name, **kwargs)

    assert series_titles(response) == ["Après-demain", "Demain"]


@override_settings(MAILLAGE_ICS_MAX_SERIES=3)
def test_ics_cap_takes_series_from_each_structure_in_turn(client, structure_only):
    today = timezone.localdate()
    crowded = StructureFactory(bassin=structure_only.bassin, slug="calendrier-immense")
    for days in range(1, 6):
        AtelierFactory(structure=crowded, title=f"Immense {days}", start_date=today + timedelta(days=days))
    AtelierFactory(structure=structure_only, title="Plus tard", start_date=today + timedelta(days=20))

    assert series_titles(get(client, "agenda_ics")) == ["Immense 1", "Immense 2", "Plus tard"]


@override_settings(MAILLAGE_ICS_HORIZON_MONTHS=1, MAILLAGE_ICS_HISTORY_DAYS=10)
def test_ics_holds_the_series_with_a_session_within_its_horizon(client, structure_only):
    today = timezone.localdate()
    AtelierFactory(structure=structure_only, title="Il y a 12 jours", start_date=today - timedelta(days=12))
    AtelierFactory(structure=structure_only, title="Il y a 8 jours", start_date=today - timedelta(days=8))
    AtelierFactory(structure=structure_only, title="Dans 20 jours", start_date=today + timedelta(days=20))
    AtelierFactory(structure=structure_only, title="Dans 45 jours", start_date=today + timedelta(days=45))

    assert series_titles(get(client, "agenda_ics")) == ["Dans 20 jours", "Il y a 8 jours"]


@pytest.fixture
def structure_only(db):
    return StructureFactory(bassin=BassinFactory(slug="centre"), slug="espace-centre")


def test_ics_conditional_request_answers_not_modified(client, network):
    first = get(client, "agenda_ics")
    etag, last_modified = first["ETag"], first["Last-Modified"]

    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("events:agenda_ics"), headers={"if-none-match": etag})
    query_count = len(queries)  # Read now: the next request empties the query log.
    since = client.get(reverse("events:agenda_ics"), headers={"if-modified-since": last_modified})

    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert query_count == 1
    assert since.status_code == 304


def test_ics_etag_changes_with_an_atelier_an_override_and_the_query(client, network):
    etag = get(client, "agenda_ics")["ETag"]
    atelier = network["bourges"].ateliers.get()

    atelier.title = "Démarches en ligne"
    save_atelier(atelier=atelier)
    after_edit = get(client, "agenda_ics")
    update_session(
        atelier=atelier,
        original_start=atelier.occurrences.first().recurrence_id,
        status=enums.Status.CANCELLED,
    )
    after_override_response = get(client, "agenda_ics")
    after_override = after_override_response["ETag"]
    filtered = get(client, "agenda_ics", {"theme": DEMARCHES})["ETag"]

    assert len({etag, after_edit["ETag"], after_override, filtered}) == 4
    assert client.get(reverse("events:agenda_ics"), headers={"if-none-match": etag}).status_code == 200
    assert "Démarches en ligne" in after_edit.content.decode()
    assert "[Annulé] Démarches en ligne" in after_override_response.content.decode()


def test_ics_sequence_is_raised_after_an_edit(client, network):
    atelier = network["bourges"].ateliers.get()
    before = Calendar.from_ical(get(client, "atelier_ics", pk=atelier.pk).content).walk("VEVENT")[0]

    atelier.end_time = time(17)
    save_atelier(atelier=atelier)
    after = Calendar.from_ical(get(client, "atelier_ics", pk=atelier.pk).content).walk("VEVENT")[0]

    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)


def test_agenda_json_item_shape(client, network):
    structure = network["vierzon"]
    atelier = AtelierFactory(
        structure=structure,
        title="Smartphone",
        summary="Bien utiliser son téléphone.",
        themes=[NUMERIQUE],
        publics=["Seniors"],
        level=enums.Level.DEBUTANT,
        price=enums.Price.PAYANT,
        price_amount=Decimal("5.00"),
        registration=enums.Registration.PHONE,
        registration_details="02 48 00 00 00",
        capacity=8,
        start_date=timezone.localdate() + timedelta(days=3),
        start_time=time(18, 30),
        end_time=time(20),
    )
    session = atelier.occurrences.get()
    update_session(atelier=atelier, original_start=session.recurrence_id, seats_taken=3)
    start = datetime.combine(atelier.start_date, time(18, 30), tzinfo=PARIS)

    response = get(client, "agenda_json", {"theme": NUMERIQUE, "niveau": "debutant"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "count": 1,
        "next": None,
        "results": [
            {
                "id": f"{atelier.pk}-{start:%Y%m%dT%H%M}",
                "uid": atelier.uid,
                "title": "Smartphone",
                "summary": "Bien utiliser son téléphone.",
                "start": start.isoformat(),
                "end": start.replace(hour=20, minute=0).isoformat(),
                "all_day": False,
                "hours": "18 h 30 – 20 h",
                "status": {"code": "programme", "label": "Programmé"},
                "cancelled": False,
                "moved": False,
                "note": "",
                "url": f"http://127.0.0.1:8000/ateliers/{atelier.pk}/",
                "ics": f"http://127.0.0.1:8000/ateliers/{atelier.pk}.ics",
                "structure": {
                    "name": "Médiathèque de Vierzon",
                    "slug": "mediatheque-vierzon",
                    "url": "http://127.0.0.1:8000" + structure.get_url(),
                },
                "bassin": "nord",
                "commune": "Bourges",
                "place": "Médiathèque de Vierzon",
                "address": "",
                "latitude": 47.081,
                "longitude": 2.3988,
                "themes": [NUMERIQUE],
                "publics": ["Seniors"],
                "level": "debutant",
                "format": "sur_place",
                "free": False,
                "price": {"code": "Payant", "label": "Payant", "amount": "5.00", "details": ""},
                "registration": {"mode": "telephone", "label": "Par téléphone", "details": "02 48 00 00 00"},
                "capacity": 8,
                "places_left": 5,
            }
        ],
    }


def test_agenda_json_paginates_with_limite_and_page(client, network):
    first = get(client, "agenda_json", {"limite": 2}).json()
    second = get(client, "agenda_json", {"limite": 2, "page": 2}).json()
    third = get(client, "agenda_json", {"limite": 2, "page": 3}).json()

    assert (first["count"], len(first["results"]), len(second["results"]), len(third["results"])) == (
        5,
        2,
        2,
        1,
    )
    assert third["next"] is None
    assert first["next"] == "http://127.0.0.1:8000/agenda.json?limite=2&page=2"
    assert second["next"] == "http://127.0.0.1:8000/agenda.json?limite=2&page=3"
    assert second["results"][0]["start"] > first["results"][-1]["start"]


@pytest.mark.parametrize("page", ["99999999999999999999", "4"])
def test_agenda_json_page_past_the_last_is_empty(client, network, page):
    response = get(client, "agenda_json", {"limite": 2, "page": page})

    assert response.status_code == 200
    assert (response.json()["count"], response.json()["results"], response.json()["next"]) == (5, [], None)


def test_agenda_json_starts_today_unless_du_is_given(client, structure_only):
    today = timezone.localdate()
    AtelierFactory(structure=structure_only, title="Passé", start_date=today - timedelta(days=3))
    AtelierFactory(structure=structure_only, title="À venir", start_date=today + timedelta(days=3))

    assert json_titles(get(client, "agenda_json")) == ["À venir"]
    since = {"du": (today - timedelta(days=5)).isoformat()}
    assert json_titles(get(client, "agenda_json", since)) == ["Passé", "À venir"]


def add_weekly_ateliers(structure, count: int):
    """`count` series of 50 weekly sessions each, every other one with a changed session."""
    for index in range(count):
        atelier = AtelierFactory(structure=structure, rrule="FREQ=WEEKLY;COUNT=50", capacity=10)
        if index % 2:
            update_session(
                atelier=atelier, original_start=atelier.occurrences.first().recurrence_id, seats_taken=2
            )


def count_queries(client, url) -> int:
    cache.clear()  # Measure the cold path: what a warm cache saves is not the question here.
    reset_queries()  # The query log is a bounded deque: once full, a capture would always count zero.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/agenda.ics",
        "/agenda.ics?bassin=centre&theme=" + NUMERIQUE,
        "/bassins/centre/agenda.ics",
        "/structures/espace-centre/agenda.ics",
        "/agenda.json?limite=500",
        "/agenda.json?bassin=centre&limite=500",
    ],
)
def test_exports_query_count_does_not_grow_with_sessions(client, structure_only, url):
    add_weekly_ateliers(structure_only, 2)
    assert Occurrence.objects.count() == 100
    small = count_queries(client, url)

    add_weekly_ateliers(structure_only, 38)
    assert Occurrence.objects.count() == 2000
    large = count_queries(client, url)

    assert small == large
    assert small > 0


@pytest.mark.parametrize("restricted", ["bassin", "structure"])
def test_exports_of_a_restricted_page_or_under_one_are_not_found(client, network, restricted):
    """A view restriction (password, members only) on a bassin hides its feed and its structures' feeds."""
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=network["sud"] if restricted == "bassin" else network["bourges"],
        restriction_type=PageViewRestriction.PASSWORD,
        password="secret",
    )

    assert client.get("/structures/fs-bourges/agenda.ics").status_code == 404
    expected = 404 if restricted == "bassin" else 200
    assert client.get("/bassins/sud/agenda.ics").status_code == expected
    assert client.get("/bassins/nord/agenda.ics").status_code == 200


def test_agenda_json_of_an_all_day_session_with_its_own_title(client, structure_only):
    day = timezone.localdate() + timedelta(days=3)
    atelier = AtelierFactory(
        structure=structure_only,
        title="Portes ouvertes",
        all_day=True,
        start_date=day,
        start_time=time(0),
        end_time=time(0),
        end_date=day + timedelta(days=1),
    )
    update_session(atelier=atelier, original_start=atelier.occurrences.get().recurrence_id, title="Jeux")

    [item] = get(client, "agenda_json").json()["results"]

    assert (item["title"], item["all_day"], item["hours"]) == ("Jeux", True, "toute la journée")
    assert (item["start"], item["end"]) == (
        datetime.combine(day, time(0), tzinfo=PARIS).isoformat(),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS).isoformat(),
    )
