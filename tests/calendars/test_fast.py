"""The fast VEVENT reader gives exactly what icalendar gives, and leaves icalendar whatever is not plain."""

from pathlib import Path

import pytest
from icalendar import Calendar

from calendars import parse
from calendars.fast import READ, calendar_zone, read_block
from calendars.parse import decode, parse_calendar, scan

FIXTURES = Path(__file__).parent / "fixtures"
CALENDARS = sorted((FIXTURES / "ical").glob("*.ics")) + sorted((FIXTURES / "sync").glob("*.ics"))
SHAPES = (FIXTURES / "ical" / "fast_shapes.ics").read_bytes()
NO_WR = SHAPES.replace(b"X-WR-TIMEZONE:Europe/Paris\r\n", b"")


def block(*lines: str) -> str:
    return "\n".join(["BEGIN:VEVENT", "UID:u@exemple.fr", *lines, "END:VEVENT"])


def google_block(number: int) -> str:
    return block(
        "DTSTAMP:20270101T000000Z",
        "SEQUENCE:0",
        "DTSTART;TZID=Europe/Paris:20270302T140000",
        "DTEND;TZID=Europe/Paris:20270302T160000",
        f"SUMMARY:Café numérique n° {number}",
        "DESCRIPTION:Venez avec votre appareil\\, pas à pas.",
        "LOCATION:Mairie\\, place du Marché\\, 18000 Bourges",
        "RRULE:FREQ=WEEKLY;COUNT=5",
    ).replace("UID:u@", f"UID:bench-{number}@")


@pytest.mark.parametrize("path", CALENDARS, ids=lambda path: path.name)
def test_every_fixture_reads_the_same_both_ways(path):
    data = path.read_bytes()
    assert parse_calendar(data, fast=True) == parse_calendar(data, fast=False)


@pytest.mark.parametrize("data", [SHAPES, NO_WR], ids=["x-wr-timezone-paris", "no-x-wr-timezone"])
def test_shapes_read_the_same_both_ways(data):
    fast, slow = parse_calendar(data, fast=True), parse_calendar(data, fast=False)
    assert fast.events == slow.events
    assert fast.warnings == slow.warnings
    assert [event.uid for event in fast.events] == [event.uid for event in slow.events]
    assert len(fast.events) == 11 and len(fast.warnings) >= 5


def test_shapes_mix_both_paths():
    found = scan(decode(SHAPES))
    zone_ok, shift = calendar_zone(found.header)
    taken = [read_block(text, zone_ok=zone_ok, shift=shift) is not None for text in found.events]
    assert (zone_ok, shift) == (True, True)
    assert taken == [True] * 7 + [False, False, True, False, True]


def test_known_blocks_are_skipped_the_same_way():
    known = {event.block_hash for event in parse_calendar(SHAPES, fast=False).events[::2]}
    assert parse_calendar(SHAPES, known_hashes=known, fast=True) == parse_calendar(
        SHAPES, known_hashes=known, fast=False
    )


def test_values_are_icalendars_own_objects():
    found = scan(decode(SHAPES))
    for text in found.events[:7]:
        fast = read_block(text, zone_ok=True, shift=False)
        [slow] = Calendar.from_ical(f"BEGIN:VCALENDAR\nVERSION:2.0\n{text}\nEND:VCALENDAR\n").walk("VEVENT")
        for name in READ:
            mine, theirs = fast.get(name), slow.get(name)
            assert type(mine) is type(theirs), name
            mine_list = mine if isinstance(mine, list) else [mine]
            theirs_list = theirs if isinstance(theirs, list) else [theirs]
            for one, other in zip(mine_list, theirs_list, strict=True):
                if hasattr(other, "dts"):
                    assert [item.dt for item in one.dts] == [item.dt for item in other.dts], name
                elif hasattr(other, "cats"):
                    assert one.cats == other.cats, name
                elif other is not None:
                    assert one.to_ical() == other.to_ical(), name


def test_plain_google_blocks_never_reach_icalendar(monkeypatch):
    calls = []
    original = parse.Reader.parse

    def counted(self, text, expected):
        calls.append(expected)
        return original(self, text, expected)

    monkeypatch.setattr(parse.Reader, "parse", counted)
    data = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\n"
        "X-WR-TIMEZONE:Europe/Paris\n" + "\n".join(google_block(n) for n in range(60)) + "\nEND:VCALENDAR\n"
    ).encode()
    fast = parse_calendar(data, fast=True)
    assert calls == []
    slow = parse_calendar(data, fast=False)
    assert calls == [50, 10]
    assert fast == slow and len(fast.events) == 60


def test_the_switch_turns_the_fast_path_off(monkeypatch):
    monkeypatch.setattr(parse, "FAST_PATH", False)
    monkeypatch.setattr(parse, "read_block", lambda *args, **kwargs: pytest.fail("fast path taken"))
    assert len(parse_calendar(SHAPES).events) == 11


@pytest.mark.parametrize(
    "lines",
    [
        ["DTSTART;TZID=Europe/Berlin:20270302T140000"],
        ["DTSTART;TZID=Romance Standard Time:20270302T140000"],
        ['DTSTART;TZID="Europe/Paris":20270302T140000'],
        ["DTSTART;TZID=Europe/Paris;X-FOO=1:20270302T140000"],
        ['SUMMARY;LANGUAGE="fr":Atelier'],
        ["SUMMARY;X-NOTE=a\\b:Atelier"],
        ["SUMMARY ;LANGUAGE=fr:Atelier"],
        ["DTSTART:20270302T140000", "BEGIN:VTODO", "SUMMARY:Tâche", "END:VTODO"],
        ["DTSTART:20270302T140000", "DTSTART:20270303T140000"],
        ["DTSTART:20270302T140000", "SUMMARY:Un", "SUMMARY:Deux"],
        ["DTSTART:20270302T140000", "ceci n'est pas une ligne"],
        ["DTSTART:20270302T140000", "SANS-DEUX-POINTS"],
        ["DTSTART:20270302T140000", "RDATE;VALUE=PERIOD:20270305T100000Z/PT1H"],
        ["DTSTART:20270302T140000", "RDATE:20270305T100000Z/PT1H"],
        ["DTSTART:bientôt"],
        ["DTSTART:20270302T140000", "EXDATE:"],
        ["DTSTART:20270302T140000", "BEGIN:VALARM", "TRIGGER:-PT15M"],
        ["DTSTART:20270302T140000", "BEGIN:VALARM", "TRIGGER:n'importe quoi", "END:VALARM"],
        ["DTSTART:20270302T140000", "DUE:20270302T150000"],
        ["DTSTART:20270302T140000", "DESCRIPTION:plié\n  en deux"],
    ],
)
def test_declines_what_is_not_plain(lines):
    assert read_block(block("DTSTART:20270302T140000"), zone_ok=True) is not None
    assert read_block(block(*lines), zone_ok=True) is None


def test_declines_when_the_calendar_zone_is_not_paris():
    assert read_block(google_block(1), zone_ok=False) is None
    assert calendar_zone(["VERSION:2.0"]) == (True, False)
    assert calendar_zone(["X-WR-TIMEZONE:Europe/Paris"]) == (True, True)
    assert calendar_zone(["X-WR-TIMEZONE:Europe/London"]) == (False, False)
    assert calendar_zone(["X-WR-TIMEZONE;VALUE=TEXT:Europe/Paris"]) == (False, False)
    assert calendar_zone(["X-WR-TIMEZONE:Europe/Paris", "x-wr-timezone;VALUE=TEXT:UTC"]) == (False, False)


def test_reads_plain_lines_and_skips_the_rest():
    component = read_block(
        block(
            "dtstart;tzid=Europe/Paris:20270302T140000",
            'ATTENDEE;CN="Dupont, Jean";ROLE=REQ-PARTICIPANT:mailto:jean@exemple.fr',
            "ORGANIZER;CN=Jeanne Dupont:mailto:jeanne@exemple.fr",
            "EXDATE:20270309T130000Z",
            "EXDATE:20270316T130000Z,20270323T130000Z",
            "CATEGORIES:Un\\, deux,Trois",
            "RDATE:",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "SUMMARY:Rappel",
            "TRIGGER:-PT30M",
            "END:VALARM",
        ),
        zone_ok=True,
    )
    assert set(component) == {"UID", "DTSTART", "EXDATE", "CATEGORIES"}
    assert str(component.get("SUMMARY", "")) == ""  # the alarm's, not the event's
    assert len(component.get("EXDATE")) == 2
    assert [str(name) for name in component.get("CATEGORIES").cats] == ["Un, deux", "Trois"]
