"""Tests of the iCalendar export: what a calendar application reads back equals the agenda's sessions."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
from django.utils import timezone
from icalendar import Calendar

from events import enums
from events.domain import save_atelier, update_session
from events.ical.export import join_calendar, series_chunk, utc_rrule
from events.models import Atelier, Occurrence
from events.recurrence import PARIS, localize, next_window
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

BASE_URL = "https://maillage.example"


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    return next_weekday(date(year, month, 1), weekday) + timedelta(weeks=n - 1)


def calendar_bytes(ateliers, *, name: str, base_url: str) -> bytes:
    """The VCALENDAR of `ateliers` written anew (what an export serves when nothing is stored)."""
    return join_calendar((series_chunk(atelier, base_url=base_url) for atelier in ateliers), name=name)


def export(ateliers=None) -> Calendar:
    queryset = ateliers if ateliers is not None else Atelier.objects.all()
    series = queryset.select_related("structure").prefetch_related("overrides").order_by("pk")
    return Calendar.from_ical(calendar_bytes(series, name="Ateliers – Maillage", base_url=BASE_URL))


def ical_status(status: str) -> str:
    return "CANCELLED" if status == enums.Status.CANCELLED else "CONFIRMED"


def expanded_sessions(calendar: Calendar) -> list[tuple]:
    window_start, window_end = next_window(timezone.localdate())
    events = recurring_ical_events.of(calendar).between(localize(window_start), localize(window_end))
    return sorted(
        (
            str(event["UID"]),
            event.decoded("DTSTART").astimezone(UTC),
            event.decoded("DTEND").astimezone(UTC),
            str(event.get("STATUS")),
        )
        for event in events
    )


def occurrence_sessions() -> list[tuple]:
    return sorted(
        (row.atelier.uid, row.start.astimezone(UTC), row.end.astimezone(UTC), ical_status(row.status))
        for row in Occurrence.objects.select_related("atelier")
    )


@pytest.fixture
def structure(db):
    return StructureFactory(bassin=BassinFactory(), title="Médiathèque de Vierzon", adresse="1 rue des Arts")


@pytest.fixture
def weekly(structure):
    """Tuesdays at 14 h for a year and more: both clock changes fall inside, with one EXDATE and one RDATE."""
    today = timezone.localdate()
    start = next_weekday(today - timedelta(days=190), 1)
    until = today + timedelta(days=200)
    excluded = start + timedelta(weeks=30)
    return AtelierFactory(
        structure=structure,
        title="Tablette pas à pas",
        start_date=start,
        rrule=f"FREQ=WEEKLY;BYDAY=TU;UNTIL={until:%Y%m%d}T235959",
        exdates=[datetime.combine(excluded, time(14)).isoformat()],
        rdates=[datetime.combine(start + timedelta(weeks=31, days=4), time(10)).isoformat()],
    )


def test_export_round_trip_equals_occurrences(structure, weekly):
    today = timezone.localdate()
    first = nth_weekday(today.year, today.month, 1, 2)
    monthly = AtelierFactory(
        structure=structure,
        title="Démarches en ligne",
        start_date=first,
        start_time=time(9, 30),
        end_time=time(11, 45),
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=10",
    )
    AtelierFactory(structure=structure, title="Atelier annulé", status=enums.Status.CANCELLED)
    AtelierFactory(structure=structure, title="Atelier complet", status=enums.Status.FULL)
    sessions = list(Occurrence.objects.filter(atelier=weekly).order_by("start"))
    cancelled, moved = sessions[10], sessions[40]
    update_session(atelier=weekly, original_start=cancelled.recurrence_id, status=enums.Status.CANCELLED)
    update_session(
        atelier=weekly,
        original_start=moved.recurrence_id,
        new_start=moved.recurrence_id + timedelta(days=1, hours=-4),
        new_end=moved.recurrence_id + timedelta(days=1, hours=-1),
        place_name="Salle des fêtes",
        commune="Mehun-sur-Yèvre",
    )
    monthly_sessions = list(Occurrence.objects.filter(atelier=monthly).order_by("start"))
    update_session(
        atelier=monthly, original_start=monthly_sessions[3].recurrence_id, status=enums.Status.FULL
    )

    expanded = expanded_sessions(export())

    assert expanded == occurrence_sessions()
    offsets = {row.start.astimezone(PARIS).utcoffset() for row in sessions}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    assert {row.start.astimezone(PARIS).time() for row in sessions} == {time(14), time(10)}
    assert [status for _uid, _start, _end, status in expanded].count("CANCELLED") == 2


def test_export_has_paris_timezone_and_wall_clock_times(weekly):
    calendar = export()

    [vtimezone] = calendar.walk("VTIMEZONE")
    [event] = calendar.walk("VEVENT")
    assert str(vtimezone["TZID"]) == "Europe/Paris"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART") == datetime.combine(weekly.start_date, time(14), tzinfo=PARIS)
    assert event["RDATE"].params["TZID"] == "Europe/Paris"
    assert event["EXDATE"].params["TZID"] == "Europe/Paris"
    assert str(calendar["PRODID"]).startswith("-//Maillage//")
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Ateliers – Maillage"


def test_export_until_is_in_utc():
    assert utc_rrule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630T235959").to_ical() == (
        b"FREQ=WEEKLY;UNTIL=20270630T215959Z;BYDAY=TU"
    )
    assert utc_rrule("FREQ=MONTHLY;UNTIL=20270115").to_ical() == b"FREQ=MONTHLY;UNTIL=20270115T225959Z"


def test_export_writes_until_in_utc_in_the_feed(weekly):
    text = export().to_ical().decode()

    until = localize(datetime.combine(timezone.localdate() + timedelta(days=200), time(23, 59, 59)))
    assert f"UNTIL={until.astimezone(UTC):%Y%m%dT%H%M%S}Z" in text


def test_export_describes_the_series(structure):
    atelier = AtelierFactory(
        structure=structure,
        title="Smartphone",
        summary="Installer ses applications.",
        prerequisites="Savoir allumer son téléphone",
        bring_smartphone=True,
        registration=enums.Registration.PHONE,
        registration_details="02 48 00 00 00",
        themes=["Maîtrise des outils numériques du quotidien"],
    )

    [event] = export().walk("VEVENT")

    assert str(event["UID"]) == atelier.uid
    assert str(event["URL"]) == f"{BASE_URL}/ateliers/{atelier.pk}/"
    assert str(event["LOCATION"]) == "Médiathèque de Vierzon, 1 rue des Arts, Bourges"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("GEO") == (47.081, 2.3988)
    assert [str(value) for value in event["CATEGORIES"].cats] == [
        "Maîtrise des outils numériques du quotidien"
    ]
    assert str(event["DESCRIPTION"]) == (
        "Installer ses applications.\n\nOrganisé par : Médiathèque de Vierzon\n\n"
        "Prérequis : Savoir allumer son téléphone ; apporter son smartphone\n\nTarif : Gratuit\n\n"
        "Inscription : Par téléphone : 02 48 00 00 00\n\n"
        f"Plus d'informations : {BASE_URL}/ateliers/{atelier.pk}/"
    )
    assert event.decoded("DTSTAMP") == atelier.updated_at.replace(microsecond=0)
    assert event["DTSTAMP"].to_ical().endswith(b"Z")


def test_export_cancelled_series_is_cancelled(structure):
    AtelierFactory(structure=structure, title="Atelier annulé", status=enums.Status.CANCELLED)

    [event] = export().walk("VEVENT")

    assert (str(event["STATUS"]), str(event["SUMMARY"])) == ("CANCELLED", "[Annulé] Atelier annulé")


def test_export_sequence_is_raised_after_an_edit(weekly):
    before = export().walk("VEVENT")[0]["SEQUENCE"]

    weekly.title = "Tablette, deuxième niveau"
    save_atelier(atelier=weekly)
    after = export().walk("VEVENT")[0]

    assert (before, after["SEQUENCE"], str(after["SUMMARY"])) == (0, 1, "Tablette, deuxième niveau")


def test_export_moved_session_has_recurrence_id_and_its_own_place(weekly):
    session = Occurrence.objects.filter(atelier=weekly).order_by("start")[5]
    override = update_session(
        atelier=weekly,
        original_start=session.recurrence_id,
        new_start=session.recurrence_id + timedelta(hours=1),
        place_name="Salle des fêtes",
        address="Place de la mairie",
        commune="Mehun-sur-Yèvre",
    )
    override.note = "Exceptionnellement à la salle des fêtes."
    override.save()

    series, moved = export().walk("VEVENT")

    assert str(moved["UID"]) == str(series["UID"]) == weekly.uid
    assert moved["RECURRENCE-ID"].params["TZID"] == "Europe/Paris"
    assert moved.decoded("RECURRENCE-ID") == session.recurrence_id
    assert moved.decoded("DTSTART") == session.recurrence_id + timedelta(hours=1)
    assert moved.decoded("DTEND") == session.recurrence_id + timedelta(hours=3)
    assert str(moved["LOCATION"]) == "Salle des fêtes, Place de la mairie, Mehun-sur-Yèvre"
    assert moved["SEQUENCE"] == 1
    assert str(moved["DESCRIPTION"]).startswith("Exceptionnellement à la salle des fêtes.\n\n")


def test_export_skips_overrides_of_removed_sessions(weekly):
    session = Occurrence.objects.filter(atelier=weekly).order_by("start")[5]
    update_session(atelier=weekly, original_start=session.recurrence_id, status=enums.Status.CANCELLED)
    weekly.exdates = [
        *weekly.exdates,
        session.recurrence_id.astimezone(PARIS).replace(tzinfo=None).isoformat(),
    ]
    save_atelier(atelier=weekly)

    assert len(export().walk("VEVENT")) == 1


@pytest.mark.parametrize(
    "title",
    [
        "Atelier",
        "x" * 200,
        ("Découvrir sa tablette à la médiathèque, étape par étape. " * 4)[:200],
        "é" * 80,
    ],
)
def test_export_lines_stay_within_75_octets_and_read_back_unchanged(structure, title):
    AtelierFactory(structure=structure, title=title)
    series = Atelier.objects.select_related("structure").prefetch_related("overrides")

    body = calendar_bytes(series, name="Ateliers – Maillage", base_url=BASE_URL)

    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == title


def test_text_with_commas_semicolons_backslashes_and_lines_reads_back_unchanged(structure):
    title = "Tablette, smartphone ; ordinateur \\ « PC » — séance n° 1"
    AtelierFactory(
        structure=structure, title=title, summary="Ligne 1\nLigne 2, avec virgule ; et point-virgule"
    )

    event = next(component for component in export().walk("VEVENT"))

    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]).startswith("Ligne 1\nLigne 2, avec virgule ; et point-virgule\n\n")


def test_export_session_with_its_own_title_has_it_as_summary(weekly):
    sessions = list(Occurrence.objects.filter(atelier=weekly).order_by("start"))
    update_session(
        atelier=weekly,
        original_start=sessions[3].recurrence_id,
        new_start=sessions[3].recurrence_id + timedelta(days=1),
        title="Tablette : séance de Noël",
    )
    update_session(
        atelier=weekly,
        original_start=sessions[4].recurrence_id,
        status=enums.Status.CANCELLED,
        title="Tablette : photos",
    )

    series, moved, cancelled = export().walk("VEVENT")

    assert [str(event["SUMMARY"]) for event in (series, moved, cancelled)] == [
        "Tablette pas à pas",
        "Tablette : séance de Noël",
        "[Annulé] Tablette : photos",
    ]


def test_export_all_day_series_is_written_with_dates(structure):
    day = next_weekday(timezone.localdate() + timedelta(days=3), 0)
    atelier = AtelierFactory(
        structure=structure,
        title="Portes ouvertes",
        all_day=True,
        start_date=day,
        start_time=time(0),
        end_time=time(0),
        end_date=day + timedelta(days=1),
        rrule=f"FREQ=WEEKLY;UNTIL={day + timedelta(weeks=3):%Y%m%d}T235959",
        exdates=[datetime.combine(day + timedelta(weeks=1), time(0)).isoformat()],
    )
    update_session(
        atelier=atelier,
        original_start=localize(datetime.combine(day + timedelta(weeks=2), time(0))),
        title="Portes ouvertes : spéciale jeux",
    )

    calendar = export()
    series, changed = calendar.walk("VEVENT")

    assert (series["DTSTART"].params["VALUE"], series.decoded("DTSTART"), series.decoded("DTEND")) == (
        "DATE",
        day,
        day + timedelta(days=1),
    )
    assert series["RRULE"]["UNTIL"] == [day + timedelta(weeks=3)]
    assert [value.dt for value in series["EXDATE"].dts] == [day + timedelta(weeks=1)]
    assert (changed.decoded("RECURRENCE-ID"), str(changed["SUMMARY"])) == (
        day + timedelta(weeks=2),
        "Portes ouvertes : spéciale jeux",
    )
    expanded = recurring_ical_events.of(calendar).between(day, day + timedelta(weeks=5))
    assert sorted((event.decoded("DTSTART"), str(event["SUMMARY"])) for event in expanded) == [
        (day, "Portes ouvertes"),
        (day + timedelta(weeks=2), "Portes ouvertes : spéciale jeux"),
        (day + timedelta(weeks=3), "Portes ouvertes"),
    ]


def test_export_until_of_an_all_day_series_stays_a_date():
    assert utc_rrule("FREQ=WEEKLY;UNTIL=20270630T235959", all_day=True).to_ical() == (
        b"FREQ=WEEKLY;UNTIL=20270630"
    )
