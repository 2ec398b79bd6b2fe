"""« Près de … » in the agenda: where a session takes place (worked out in SQL), the radius, the distance
shown, the summary line, the commune not found, and query counts that do not grow with the sessions."""

import math
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from events import enums
from events.distance import distance_from, distance_label, with_place, within
from events.domain import update_session
from events.models import Occurrence
from network.communes import Point, distance_km
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

pytestmark = pytest.mark.django_db

# Real places of the Indre (GeoNames): Issoudun, Châteauroux (27 km), Levroux (29 km).
ISSOUDUN = Point(46.94848, 1.99362, "Issoudun")
LEVROUX = (46.9786, 1.61243)


def titles(queryset) -> list[str]:
    return sorted(occurrence.atelier.title for occurrence in queryset)


@pytest.fixture
def day():
    return timezone.localdate() + timedelta(days=5)


@pytest.fixture
def indre(db):
    return BassinFactory(title="Bassin de Châteauroux", slug="chateauroux")


@pytest.fixture
def places(indre, day):
    """A place in Issoudun, one in Châteauroux, an itinerant bus based in Châteauroux that stops in Levroux,
    and a remote atelier run from Châteauroux."""
    issoudun = StructureFactory(
        bassin=indre, title="EPN d'Issoudun", commune="Issoudun", latitude=46.9485, longitude=1.9936
    )
    chateauroux = StructureFactory(
        bassin=indre, title="Médiathèque Équinoxe", commune="Châteauroux", latitude=46.8103, longitude=1.6913
    )
    bus = StructureFactory(
        bassin=indre,
        title="Bus numérique",
        commune="Châteauroux",
        latitude=46.8103,
        longitude=1.6913,
        itinerance=["Itinérant"],
    )
    bus.stops.create(commune="Levroux", latitude=LEVROUX[0], longitude=LEVROUX[1])
    return {
        "issoudun": AtelierFactory(structure=issoudun, title="Smartphone à Issoudun", start_date=day),
        "chateauroux": AtelierFactory(structure=chateauroux, title="Tablette à Châteauroux", start_date=day),
        "bus": AtelierFactory(structure=bus, title="Le bus à Levroux", commune="Levroux", start_date=day),
        "remote": AtelierFactory(
            structure=chateauroux, title="En visio", format=enums.Format.REMOTE, start_date=day
        ),
    }


def place_of(queryset) -> tuple[float, float]:
    session = with_place(queryset).get()
    return session.session_latitude, session.session_longitude


def test_a_session_is_placed_at_its_own_coordinates(places):
    assert place_of(Occurrence.objects.filter(atelier=places["chateauroux"])) == (46.8103, 1.6913)


def test_the_distance_shown_is_the_one_of_network_communes(places):
    session = with_place(Occurrence.objects.filter(atelier=places["chateauroux"])).get()

    assert distance_from(session, ISSOUDUN) == distance_km(
        ISSOUDUN.latitude, ISSOUDUN.longitude, 46.8103, 1.6913
    )
    assert distance_from(session, None) is None


def test_an_itinerant_session_is_placed_at_its_stop_not_at_the_base(places):
    assert place_of(Occurrence.objects.filter(atelier=places["bus"])) == LEVROUX


def test_a_session_elsewhere_without_coordinates_is_placed_at_its_commune(places, day):
    structure = places["issoudun"].structure
    AtelierFactory(structure=structure, title="À Châteauroux, sans coordonnées", commune="Châteauroux")

    # Not the structure's coordinates (Issoudun) but Châteauroux's, from the communes table.
    assert place_of(Occurrence.objects.filter(atelier__commune="Châteauroux")) == (46.81248, 1.69362)


def test_a_session_moved_to_a_place_with_coordinates_keeps_them(places):
    occurrence = Occurrence.objects.get(atelier=places["chateauroux"])
    update_session(
        atelier=places["chateauroux"],
        original_start=occurrence.recurrence_id,
        place_name="Mairie",
        commune="Issoudun",
        latitude=46.95,
        longitude=1.99,
    )

    assert place_of(Occurrence.objects.filter(atelier=places["chateauroux"])) == (46.95, 1.99)


def test_within_a_radius_keeps_the_near_and_the_remote_sessions(places):
    assert titles(within(Occurrence.objects.all(), ISSOUDUN, 10)) == ["En visio", "Smartphone à Issoudun"]
    assert titles(within(Occurrence.objects.all(), ISSOUDUN, 20)) == ["En visio", "Smartphone à Issoudun"]
    assert titles(within(Occurrence.objects.all(), ISSOUDUN, 40)) == [
        "En visio",
        "Le bus à Levroux",
        "Smartphone à Issoudun",
        "Tablette à Châteauroux",
    ]


@pytest.mark.parametrize("bearing", [0, 45, 90, 135, 180, 270])
def test_the_radius_agrees_with_the_great_circle_distance_in_every_direction(indre, day, bearing):
    """Sessions at 19.6 and 20.4 km (great circle) of Issoudun: the flat-earth test keeps the first only."""
    structure = StructureFactory(bassin=indre, title="Lieu", commune="Issoudun")
    for km in (19.6, 20.4):
        north, east = km * math.cos(math.radians(bearing)), km * math.sin(math.radians(bearing))
        latitude = ISSOUDUN.latitude + north / 111.195
        longitude = ISSOUDUN.longitude + east / (111.195 * math.cos(math.radians(latitude)))
        assert abs(distance_km(ISSOUDUN.latitude, ISSOUDUN.longitude, latitude, longitude) - km) < 0.1
        AtelierFactory(
            structure=structure, title=f"À {km} km", latitude=latitude, longitude=longitude, start_date=day
        )

    assert titles(within(Occurrence.objects.all(), ISSOUDUN, 20)) == ["À 19.6 km"]


# Saint-Denis de La Réunion: south of the equator, where a latitude band is floored away from zero.
SAINT_DENIS = Point(-20.8823, 55.4504, "Saint-Denis")


@pytest.mark.parametrize("centre", [ISSOUDUN, SAINT_DENIS], ids=["issoudun", "saint-denis"])
@pytest.mark.parametrize("bearing", [0, 90, 180, 270])
def test_the_latitude_bands_of_the_square_hold_every_session_of_the_circle(indre, day, centre, bearing):
    """The square is read band by band (`place_band`): sessions at 9.9 km, on either side of a band's edge
    or at the square's edge, are found on both hemispheres; those at 10.1 km are not."""
    structure = StructureFactory(bassin=indre, title="Lieu", commune="Ailleurs")
    for km in (9.9, 10.1):
        north, east = km * math.cos(math.radians(bearing)), km * math.sin(math.radians(bearing))
        latitude = centre.latitude + north / 111.195
        longitude = centre.longitude + east / (111.195 * math.cos(math.radians(latitude)))
        AtelierFactory(
            structure=structure, title=f"À {km} km", latitude=latitude, longitude=longitude, start_date=day
        )

    assert titles(within(Occurrence.objects.all(), centre, 10)) == ["À 9.9 km"]


def test_the_square_before_the_circle_keeps_sessions_placed_elsewhere_than_by_their_own_coordinates(
    indre, day
):
    """A structure of Bourges (80 km away) with an atelier in Issoudun without coordinates: its sessions
    carry Bourges' coordinates, outside the square around Issoudun, yet are in Issoudun."""
    bourges = StructureFactory(bassin=indre, title="Lieu de Bourges", commune="Bourges")
    AtelierFactory(
        structure=bourges, title="Smartphone à la mairie d'Issoudun", commune="Issoudun", start_date=day
    )
    AtelierFactory(structure=bourges, title="À Bourges", start_date=day)

    assert titles(within(Occurrence.objects.all(), ISSOUDUN, 10)) == ["Smartphone à la mairie d'Issoudun"]


def test_distance_label_in_words():
    assert distance_label(None) == ""
    assert distance_label(0.4) == "à moins d'1 km"
    assert distance_label(4.4) == "à 4 km"
    assert distance_label(27.6) == "à 28 km"


# ---- the agenda page ----


def listed(response) -> list[str]:
    return sorted(o.atelier.title for _day, sessions in response.context["days"] for o in sessions)


def test_agenda_near_a_commune_typed_loosely_filters_by_radius_and_writes_the_distance(client, places):
    response = client.get("/agenda/", {"pres": "ISSOUDUN", "rayon": "40"})

    assert listed(response) == [
        "En visio",
        "Le bus à Levroux",
        "Smartphone à Issoudun",
        "Tablette à Châteauroux",
    ]
    content = response.content.decode()
    assert '<span class="session__distance">à 28 km</span>' in content
    assert '<span class="session__distance">à moins d&#x27;1 km</span>' in content
    assert [str(link.label) for link in response.context["active_filters"]] == ["Près de Issoudun (40 km)"]


def test_agenda_near_stays_in_date_order(client, places, day):
    earlier = day - timedelta(days=1)
    AtelierFactory(structure=places["issoudun"].structure, title="Plus tôt à Issoudun", start_date=earlier)

    response = client.get("/agenda/", {"pres": "Issoudun", "rayon": "40"})

    days = [day for day, _sessions in response.context["days"]]
    assert days == sorted(days)
    assert response.context["days"][0][1][0].atelier.title == "Plus tôt à Issoudun"


def test_agenda_near_default_radius_is_20_km(client, places):
    response = client.get("/agenda/", {"pres": "Issoudun"})

    assert listed(response) == ["En visio", "Smartphone à Issoudun"]
    assert [str(link.label) for link in response.context["active_filters"]] == ["Près de Issoudun (20 km)"]


def test_agenda_around_the_browser_position(client, places):
    response = client.get("/agenda/", {"lat": "46.98", "lon": "1.61", "rayon": "10"})

    assert listed(response) == ["En visio", "Le bus à Levroux"]
    labels = [str(link.label) for link in response.context["active_filters"]]
    assert labels == ["Autour de votre position (10 km)"]
    # Removing it drops the position and the radius.
    assert response.context["active_filters"][0].url == "/agenda/"


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lon": "1.8"},
        {"lat": "95", "lon": "1.8"},
        {"lat": "nan", "lon": "nan"},
        {"pres": "", "rayon": "9999"},
        {"rayon": "20"},
    ],
)
def test_agenda_ignores_a_position_or_radius_that_is_not_one(client, places, params):
    response = client.get("/agenda/", params)

    assert response.status_code == 200
    assert len(listed(response)) == 4
    assert response.context["active_filters"] == []


def test_agenda_says_when_the_commune_is_unknown_and_filters_nothing(client, places):
    response = client.get("/agenda/", {"pres": "Atlantide"})

    assert len(listed(response)) == 4
    assert "Nous ne connaissons pas la commune « Atlantide »" in response.content.decode()


def test_a_typed_commune_wins_over_a_position_left_in_the_address(client, places):
    response = client.get("/agenda/", {"pres": "Issoudun", "lat": "46.98", "lon": "1.61", "rayon": "10"})

    assert listed(response) == ["En visio", "Smartphone à Issoudun"]


def test_the_ical_export_keeps_the_radius(client, places):
    response = client.get("/agenda.ics", {"pres": "Issoudun", "rayon": "10"})

    content = response.content.decode()
    assert "Smartphone à Issoudun" in content
    assert "Tablette à Châteauroux" not in content


@pytest.mark.parametrize("view", ["semaine", "mois"])
def test_week_and_month_views_filter_by_radius_too(client, places, day, view):
    response = client.get("/agenda/", {"pres": "Issoudun", "vue": view, "du": day.isoformat()})

    content = response.content.decode()
    assert "Smartphone à Issoudun" in content
    assert "Tablette à Châteauroux" not in content
    assert response.context["result_count"] == 2


# ---- query counts ----


@pytest.fixture
def sessions_near(indre, day):
    """`sessions_near(n)`: n sessions (a multiple of 50) in Issoudun, Châteauroux and at a bus stop."""

    def build(count):
        issoudun = StructureFactory(
            bassin=indre, title="Lieu d'Issoudun", commune="Issoudun", latitude=46.9485, longitude=1.9936
        )
        bus = StructureFactory(
            bassin=indre, title="Bus", commune="Châteauroux", latitude=46.8103, longitude=1.6913
        )
        bus.stops.create(commune="Levroux", latitude=LEVROUX[0], longitude=LEVROUX[1])
        for index in range(count // 50):
            AtelierFactory(
                structure=(issoudun, bus)[index % 2],
                commune=("", "Levroux")[index % 2],
                start_date=day,
                rrule="FREQ=DAILY;COUNT=50",
            )
        assert Occurrence.objects.count() == count

    return build


@pytest.mark.parametrize("count", [100, 1000])
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # Bassins (2), communes offered (1), the commune typed (1), count, page bound and page (3).
        ({"pres": "Issoudun", "rayon": "40"}, 7),
        # A position costs no query: bassins (2), communes (1), count, page bound and page (3).
        ({"lat": "46.95", "lon": "1.99"}, 6),
        # The week: its first sessions by day (1), then those sessions (1).
        ({"pres": "Issoudun", "rayon": "40", "vue": "semaine"}, 6),
        ({"pres": "Issoudun", "rayon": "40", "vue": "mois"}, 6),
    ],
)
def test_agenda_near_query_count_does_not_grow_with_sessions(
    client, django_assert_num_queries, sessions_near, day, count, params, queries
):
    sessions_near(count)
    params = {"du": day.isoformat(), **params}
    client.get("/agenda/", params)  # warms the site and content type caches

    with django_assert_num_queries(queries):
        response = client.get("/agenda/", params)

    assert response.context["result_count"] > 0


def test_a_radius_without_a_place_is_dropped_from_the_summary_links(client, places):
    response = client.get("/agenda/", {"q": "tablette", "pres": "", "lat": "", "lon": "", "rayon": "20"})

    assert [link.url for link in response.context["active_filters"]] == ["/agenda/"]


def test_pages_listing_sessions_without_near_show_no_distance(client, places):
    structure = places["issoudun"].structure

    response = client.get(structure.url)

    assert response.status_code == 200
    assert "Smartphone à Issoudun" in response.content.decode()
    assert "session__distance" not in response.content.decode()


def test_a_structure_that_moved_takes_its_sessions_with_it(client, places):
    structure = places["issoudun"].structure
    structure.latitude, structure.longitude = LEVROUX

    structure.save_revision().publish()

    near_levroux = Point(LEVROUX[0], LEVROUX[1], "Levroux")
    assert titles(within(Occurrence.objects.all(), near_levroux, 10)) == [
        "En visio",
        "Le bus à Levroux",
        "Smartphone à Issoudun",
    ]
    assert titles(within(Occurrence.objects.all(), ISSOUDUN, 10)) == ["En visio"]


def test_the_migration_fills_the_positions_that_sessions_are_written_with(places, day):
    """The data fill of migration 0015 gives the rows what `build_occurrences` gives them."""
    structure = places["issoudun"].structure
    AtelierFactory(structure=structure, title="Deux jours", start_date=day, end_date=day + timedelta(days=1))
    fill = import_module("events.migrations.0015_occurrence_place_and_span").fill
    fields = ("atelier__title", "place_latitude", "place_longitude", "at_structure", "spans_days")
    written = sorted(Occurrence.objects.values_list(*fields))
    Occurrence.objects.update(place_latitude=None, place_longitude=None, at_structure=False, spans_days=False)

    fill(django_apps, SimpleNamespace(connection=connection))

    assert sorted(Occurrence.objects.values_list(*fields)) == written
    assert written == [
        ("Deux jours", 46.9485, 1.9936, True, True),
        ("En visio", None, None, False, False),
        ("Le bus à Levroux", None, None, False, False),
        ("Smartphone à Issoudun", 46.9485, 1.9936, True, False),
        ("Tablette à Châteauroux", 46.8103, 1.6913, True, False),
    ]
