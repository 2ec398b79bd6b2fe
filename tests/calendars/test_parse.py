"""Reading structures' iCal feeds: each producer's quirks, the hash skip of unchanged blocks, broken input."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from calendars.categories import themes_for
from calendars.parse import NotICalendar, parse_calendar
from events.enums import Theme

FIXTURES = Path(__file__).parent / "fixtures" / "ical"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_uid(result, uid, recurrence_id=None):
    [event] = [e for e in result.events if e.uid == uid and e.recurrence_id == recurrence_id]
    return event


def codes(result):
    return [warning.code for warning in result.warnings]


def test_google_export_with_x_wr_timezone():
    result = parse_calendar(load("google.ics"))
    assert result.calendar_name == "Espace numérique de Belleville"
    assert result.block_count == 5
    assert result.warnings == []
    series = by_uid(result, "serie-tablette@google.com")
    assert (series.start, series.end, series.all_day) == (
        datetime(2026, 3, 24, 14),
        datetime(2026, 3, 24, 16),
        False,
    )
    # UNTIL 11:59:59 UTC is 13:59:59 in Paris summer time.
    assert series.rrule == "FREQ=WEEKLY;UNTIL=20260428T135959;BYDAY=TU"
    # A comma list in Paris time and a separate line in UTC, all as Paris wall clock.
    assert series.exdates == [datetime(2026, 4, 7, 14), datetime(2026, 4, 14, 14), datetime(2026, 4, 21, 14)]
    assert series.sequence == 2
    assert series.last_modified == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert series.location == "12 rue de Belleville, 75020 Paris"
    assert series.geo == (48.8722, 2.377)
    assert series.categories == ["Tablette", "Smartphone"]
    assert series.themes == [Theme.OUTILS_QUOTIDIEN.value]
    assert (
        series.description == "<b>Apportez</b> votre tablette ou votre smartphone, nous fournissons le reste."
    )
    assert series.url == "https://example.org/ateliers/tablette"
    assert series.status == "CONFIRMED"


def test_google_override_in_utc_is_matched_in_paris_time():
    moved = by_uid(parse_calendar(load("google.ics")), "serie-tablette@google.com", datetime(2026, 3, 31, 14))
    assert (moved.start, moved.end, moved.sequence) == (
        datetime(2026, 3, 31, 15),
        datetime(2026, 3, 31, 17),
        3,
    )
    assert moved.rrule == ""


def test_google_floating_all_day_and_cancelled():
    result = parse_calendar(load("google.ics"))
    floating = by_uid(result, "demarches@google.com")
    assert (floating.start, floating.end) == (datetime(2026, 5, 12, 10), datetime(2026, 5, 12, 12))
    assert floating.themes == [Theme.DEMARCHES.value]
    all_day = by_uid(result, "portes-ouvertes@google.com")
    assert (all_day.start, all_day.end, all_day.all_day) == (datetime(2026, 6, 1), datetime(2026, 6, 3), True)
    cancelled = by_uid(result, "cv@google.com")
    assert (cancelled.status, cancelled.start) == ("CANCELLED", datetime(2026, 5, 20, 10))
    assert cancelled.themes == [Theme.INSERTION_PRO.value]


def test_google_without_time_zone_reads_paris_and_says_so():
    result = parse_calendar(load("google_floating_no_zone.ics"))
    [event] = result.events
    assert (event.start, event.end) == (datetime(2026, 5, 12, 10), datetime(2026, 5, 12, 11, 30))
    [warning] = result.warnings
    assert warning.code == "missing_timezone"
    assert warning.message.startswith("Votre agenda Google n'indique pas de fuseau horaire")
    assert "Paramètres > Fuseau horaire" in warning.message


def test_outlook_windows_zones_local_until_and_override_in_another_zone():
    result = parse_calendar(load("outlook.ics"))
    series = by_uid(result, "040000008200E00074C5B7101A82E00800000000A1B2")
    assert (series.start, series.end) == (datetime(2026, 3, 25, 9, 30), datetime(2026, 3, 25, 11, 30))
    assert series.rrule == "FREQ=WEEKLY;UNTIL=20260630T093000;INTERVAL=1;BYDAY=WE;WKST=MO"
    # 08:30 London summer time is 09:30 in Paris.
    assert series.exdates == [datetime(2026, 4, 15, 9, 30), datetime(2026, 4, 22, 9, 30)]
    assert series.summary == "Permanence numérique"
    assert series.description == ""
    # RECURRENCE-ID 00:30 Pacific time is the 09:30 Paris session; DURATION gives the end.
    moved = by_uid(result, series.uid, datetime(2026, 4, 1, 9, 30))
    assert (moved.start, moved.end) == (datetime(2026, 4, 1, 10), datetime(2026, 4, 1, 11, 30))
    unknown = by_uid(result, "040000008200E00074C5B7101A82E00800000000C3D4")
    assert unknown.start == datetime(2026, 5, 5, 14)
    assert codes(result) == ["windows_timezone"]
    assert "Customized Time Zone 7" in result.warnings[0].message


def test_nextcloud_clock_changes_rdate_defaults_and_broken_components():
    result = parse_calendar(load("nextcloud.ics"))
    assert result.calendar_name == "Médiathèque"
    assert result.block_count == 9
    march = by_uid(result, "nc-mars@example.org")
    assert (march.start, march.rrule) == (datetime(2026, 3, 28, 14), "FREQ=DAILY;COUNT=3")
    assert march.rdates == [datetime(2026, 4, 4, 10)]
    assert march.themes == [Theme.SECURITE.value]
    before, after = by_uid(result, "nc-avant@example.org"), by_uid(result, "nc-apres@example.org")
    assert (before.start, before.end) == (datetime(2026, 10, 24, 14), datetime(2026, 10, 24, 15))
    assert (after.start, after.end) == (datetime(2026, 10, 26, 14), datetime(2026, 10, 26, 16))
    all_day = by_uid(result, "nc-journee@example.org")
    assert (all_day.start, all_day.end, all_day.all_day) == (
        datetime(2026, 10, 31),
        datetime(2026, 11, 1),
        True,
    )
    no_end = by_uid(result, "nc-sans-fin@example.org")
    assert no_end.end == datetime(2026, 11, 5, 11)
    assert no_end.themes == [Theme.COMPREHENSION.value]
    assert "nc-todo@example.org" not in {e.uid for e in result.events}
    skipped = {w.uid: w.message for w in result.warnings if w.code == "skipped_component"}
    assert set(skipped) == {"nc-date-cassee@example.org", "nc-sans-date@example.org"}
    assert "« Date cassée »" in skipped["nc-date-cassee@example.org"]
    assert "todo_ignored" in codes(result)
    [anonymous] = [e for e in result.events if e.uid.startswith("sans-uid-")]
    assert anonymous.summary == "Atelier CV"
    assert [w.uid for w in result.warnings if w.code == "no_uid"] == [anonymous.uid]
    assert len(result.events) == 7


def test_synthetic_uid_is_stable():
    first = parse_calendar(load("nextcloud.ics"))
    second = parse_calendar(load("nextcloud.ics"))
    assert [e.uid for e in first.events] == [e.uid for e in second.events]


def test_several_calendars_bom_and_mixed_line_ends():
    result = parse_calendar(load("two_calendars_bom_mixed_eol.ics"))
    assert [(e.uid, e.start, e.summary) for e in result.events] == [
        ("tb-1@example.org", datetime(2026, 6, 10, 14), "Retouche photo"),
        ("tb-2@example.org", datetime(2026, 6, 11, 14), "Impression 3D"),
    ]
    assert all(e.themes == [Theme.LOISIRS.value] for e in result.events)


def test_cp1252_bytes():
    [event] = parse_calendar(load("cp1252.ics")).events
    assert event.summary == "Atelier réseaux sociaux – débutants"
    assert event.location == "Café associatif"
    assert event.start == datetime(2026, 6, 15, 11)


def test_a_broken_vtimezone_does_not_lose_the_events():
    """iCloud file whose Berlin VTIMEZONE makes icalendar reject everything: events are read one by one."""
    result = parse_calendar(load("icloud_bad_vtimezone.ics"))
    assert len(result.events) == result.block_count == 4
    series = by_uid(result, "0ED5515F-D6C2-4678-9EB1-8C483A12C410")
    assert series.start == datetime(2016, 2, 22, 16, 15)
    assert series.rrule == "FREQ=WEEKLY;UNTIL=20161001T235959"
    assert len(series.exdates) == 11


def test_exchange_empty_dtstart_is_skipped_others_kept():
    result = parse_calendar(load("exchange_ms_timezones.ics"))
    assert (result.block_count, len(result.events)) == (4, 3)
    assert "skipped_component" in codes(result)


def test_known_hashes_skip_unchanged_blocks():
    data = load("google.ics")
    first = parse_calendar(data)
    known = {e.block_hash for e in first.events}
    changed = data.replace(b"SUMMARY:Portes ouvertes", b"SUMMARY:Portes ouvertes (complet)")
    second = parse_calendar(changed, known_hashes=frozenset(known))
    [event] = second.events
    assert event.summary == "Portes ouvertes (complet)"
    assert event.block_hash not in known
    assert second.unchanged_hashes == known - {by_uid(first, "portes-ouvertes@google.com").block_hash}
    assert second.block_count == 5


def test_dtstamp_change_keeps_the_hash():
    data = load("google.ics")
    known = {e.block_hash for e in parse_calendar(data).events}
    again = parse_calendar(
        data.replace(b"DTSTAMP:20260301T101010Z", b"DTSTAMP:20260415T000000Z"), known_hashes=known
    )
    assert again.events == []
    assert again.unchanged_hashes == known


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "il est vide"),
        (b"   \r\n", "il est vide"),
        (b"<!DOCTYPE html><html><body>Connexion</body></html>", "page web"),
        (b'{"events": []}', "JSON"),
        (b"hello world", "BEGIN:VCALENDAR"),
    ],
)
def test_not_icalendar(data, fragment):
    with pytest.raises(NotICalendar) as error:
        parse_calendar(data)
    assert str(error.value).startswith("Ce fichier n'est pas un calendrier iCal : ")
    assert fragment in str(error.value)


def test_empty_calendar_is_not_an_error():
    result = parse_calendar(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    assert (result.events, result.block_count, result.warnings) == ([], 0, [])


def test_unreadable_rrule_keeps_the_first_session():
    data = load("google.ics").replace(b"RRULE:FREQ=WEEKLY;", b"RRULE:FREQ=FORTNIGHTLY;")
    result = parse_calendar(data)
    series = by_uid(result, "serie-tablette@google.com")
    assert (series.rrule, series.start) == ("", datetime(2026, 3, 24, 14))
    assert "bad_rrule" in codes(result)


@pytest.mark.parametrize(
    ("categories", "summary", "themes"),
    [
        (["Démarches"], "", [Theme.DEMARCHES]),
        ([], "Déclarer ses impôts", [Theme.DEMARCHES]),
        (["mail"], "", [Theme.OUTILS_QUOTIDIEN]),
        ([], "Refaire son CV", [Theme.INSERTION_PRO]),
        ([], "Mot de passe : les bons réflexes", [Theme.SECURITE]),
        (["Parents"], "Écrans et enfants", [Theme.PARENTALITE]),
        ([], "Jeux de société numériques", [Theme.LOISIRS]),
        ([], "L'IA au quotidien", [Theme.COMPREHENSION]),
        (["Accès libre"], "Wifi", [Theme.ACCES_MATERIEL]),
        ([], "Vente d'ordinateurs reconditionnés", [Theme.OUTILS_QUOTIDIEN, Theme.MATERIEL_SOLIDAIRE]),
        ([], "Via Paris : visite", []),
    ],
)
def test_themes_from_french_keywords(categories, summary, themes):
    assert themes_for(categories, summary) == [theme.value for theme in themes]


def test_a_new_calendar_zone_makes_every_block_read_again():
    def calendar(zone: str) -> bytes:
        return (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//FR\r\nX-WR-TIMEZONE:" + zone + "\r\n"
            "BEGIN:VEVENT\r\nUID:zone-1\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270112T140000\r\n"
            "DTEND:20270112T160000\r\nSUMMARY:Atelier tablette\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()

    first = parse_calendar(calendar("Europe/Paris"))
    same = parse_calendar(calendar("Europe/Paris"), known_hashes={first.events[0].block_hash})
    moved = parse_calendar(calendar("Europe/London"), known_hashes={first.events[0].block_hash})

    assert (len(same.events), len(same.unchanged_hashes)) == (0, 1)
    assert (len(moved.events), len(moved.unchanged_hashes)) == (1, 0)
    assert moved.events[0].start == datetime(2027, 1, 12, 15, 0)


def test_moved_occurrence_carries_its_own_summary():
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "X-WR-TIMEZONE:Europe/Paris\r\n"
        "BEGIN:VEVENT\r\nUID:serie@google.com\r\nDTSTAMP:20270101T000000Z\r\n"
        "DTSTART;TZID=Europe/Paris:20270104T140000\r\nDTEND;TZID=Europe/Paris:20270104T160000\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Atelier tablette\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:serie@google.com\r\nDTSTAMP:20270101T000000Z\r\n"
        "RECURRENCE-ID;TZID=Europe/Paris:20270111T140000\r\n"
        "DTSTART;TZID=Europe/Paris:20270111T150000\r\nDTEND;TZID=Europe/Paris:20270111T170000\r\n"
        "SUMMARY:Atelier tablette : spécial photos\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()

    moved = by_uid(parse_calendar(data), "serie@google.com", datetime(2027, 1, 11, 14, 0))

    assert (moved.summary, moved.start) == ("Atelier tablette : spécial photos", datetime(2027, 1, 11, 15, 0))


def test_google_all_day_event_stays_all_day():
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "X-WR-TIMEZONE:Europe/Paris\r\n"
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270104\r\nDTEND;VALUE=DATE:20270105\r\n"
        "DTSTAMP:20270101T000000Z\r\nUID:forum@google.com\r\nSUMMARY:Forum du numérique\r\n"
        "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()

    event = by_uid(parse_calendar(data), "forum@google.com")

    assert (event.all_day, event.start, event.end) == (True, datetime(2027, 1, 4), datetime(2027, 1, 5))


def test_every_shape_of_the_shapes_fixture_is_read_by_icalendar():
    """The odd shapes the removed fast reader had to match: icalendar alone now reads them all."""
    result = parse_calendar(load("fast_shapes.ics"))

    assert (result.block_count, len(result.events)) == (12, 11)
    assert [warning.code for warning in result.warnings] == [
        "no_uid",
        "skipped_component",
        "no_uid",
        "bad_rrule",
        "bad_rrule",
    ]
    portes_ouvertes = by_uid(result, "journee@exemple.fr")
    assert (portes_ouvertes.all_day, portes_ouvertes.start) == (True, datetime(2027, 6, 1))
    moved = by_uid(result, "paris-serie@google.com", datetime(2027, 3, 16, 14, 0))
    assert (moved.summary, moved.start) == ("Atelier tablette (décalé)", datetime(2027, 3, 16, 15, 0))


def test_unread_properties_and_definitions_of_known_zones_change_nothing_read():
    """icalendar is handed neither the lines Maillage never reads nor the VTIMEZONE of a zone it knows by
    name (it would ignore it); a zone it does not know keeps its definition."""

    def calendar(extra: str, zones: str = "") -> bytes:
        return (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//FR\r\nX-WR-TIMEZONE:Europe/Paris\r\n"
            + zones
            + "BEGIN:VEVENT\r\nUID:u@x\r\nDTSTAMP:20270101T000000Z\r\n"
            + extra
            + "DTSTART;TZID=Europe/Paris:20270112T140000\r\nDTEND;TZID=Mairie:20270112T160000\r\n"
            "SUMMARY:Atelier tablette\r\nDESCRIPTION:Venez\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode()

    def zone(tzid: str, offset: str) -> str:
        return (
            f"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
            f"TZOFFSETFROM:{offset}\r\nTZOFFSETTO:{offset}\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        )

    noisy = (
        "CREATED:20260101T000000Z\r\nTRANSP:OPAQUE\r\nORGANIZER;CN=Marie:mailto:marie@exemple.fr\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Rappel\r\n"
        "TRIGGER:-PT15M\r\nEND:VALARM\r\n"
    )
    # A Paris definition that is wrong on purpose: icalendar keeps its own Europe/Paris.
    zones = zone("Europe/Paris", "+0500") + zone("Mairie", "+0200")

    plain = parse_calendar(calendar("", zones)).events[0]
    read = parse_calendar(calendar(noisy, zones)).events[0]

    assert (read.start, read.end, read.description) == (
        datetime(2027, 1, 12, 14),
        datetime(2027, 1, 12, 15),
        "Venez",
    )
    assert {**vars(read), "block_hash": ""} == {**vars(plain), "block_hash": ""}
