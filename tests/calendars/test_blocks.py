"""Tests of `calendars.blocks`: the line scan that cuts a calendar into blocks, and the block hashes."""

from pathlib import Path

import pytest

from calendars.blocks import block_hash, decode, split_blocks, without_unread_lines

FIXTURES = Path(__file__).parent / "fixtures" / "ical"


UTF8 = "SUMMARY:Café\n numérique\nLOCATION:Médiathèque\n".encode()


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_split_blocks_and_block_hash():
    header, timezones, events = split_blocks(load("google.ics"))
    assert "X-WR-TIMEZONE:Europe/Paris" in header.split("\n")
    assert len(timezones) == 1 and timezones[0].startswith("BEGIN:VTIMEZONE")
    assert len(events) == 5 and all(b.startswith("BEGIN:VEVENT") and b.endswith("END:VEVENT") for b in events)
    block = events[0]
    folded = block.replace("\n", "\r\n").replace("LOCATION:12 rue", "LOCATION:12\r\n  rue")
    assert block_hash(folded) == block_hash(block)  # folding and CRLF do not change the hash
    assert block_hash(block, unfolded=True) == block_hash(block)  # scan's blocks skip the unfolding
    assert block_hash(block) == block_hash(
        block.replace("DTSTAMP:20260301T101010Z", "DTSTAMP:20990101T000000Z")
    )


@pytest.mark.parametrize(
    "stamped",
    [
        "BEGIN:VEVENT\nDTSTAMP:20260301T101010Z\nUID:a@x\nEND:VEVENT",
        "BEGIN:VEVENT\ndtstamp:20260301T101010Z\nUID:a@x\nEND:VEVENT",
        "BEGIN:VEVENT\nDTSTAMP;VALUE=DATE-TIME:20260301T101010Z\nUID:a@x\nEND:VEVENT",
        "BEGIN:VEVENT\nDTSTAMP:20260301T101010Z\nDTSTAMP:20260302T101010Z\nUID:a@x\nEND:VEVENT",
        "BEGIN:VEVENT\nUID:a@x\nDTSTAMP:20260301T101010Z\nEND:VEVENT",
        "DTSTAMP:20260301T101010Z\nBEGIN:VEVENT\nUID:a@x\nEND:VEVENT",
    ],
)
def test_block_hash_drops_every_dtstamp_line_and_only_those(stamped):
    assert block_hash(stamped, unfolded=True) == block_hash("BEGIN:VEVENT\nUID:a@x\nEND:VEVENT")
    assert block_hash(stamped.replace("UID:a@x", "DTSTAMPS:1\nUID:a@x")) != block_hash(stamped)


def test_a_block_without_its_end_line_ends_where_the_next_one_begins():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20270105T100000\r\n"
        b"SUMMARY:Sans fin\r\nBEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20270106T100000\r\nSUMMARY:Suivant\r\n"
        b"end:vevent\r\nEND:VCALENDAR\r\n"
    )

    _header, _zones, events = split_blocks(data)

    assert events == [
        "BEGIN:VEVENT\nUID:a@x\nDTSTART:20270105T100000\nSUMMARY:Sans fin\nEND:VEVENT",
        "BEGIN:VEVENT\nUID:b@x\nDTSTART:20270106T100000\nSUMMARY:Suivant\nend:vevent",
    ]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(UTF8.replace(b"\n", b"\r\n"), id="crlf-the-standard"),
        pytest.param(UTF8, id="lf-alone"),
        pytest.param(UTF8.replace(b"\n", b"\r"), id="cr-alone-old-mac"),
        pytest.param(UTF8.replace(b"\n ", b"\r\n\t", 1).replace(b"\nLOC", b"\rLOC"), id="mixed-tab-fold"),
        pytest.param(b"\xef\xbb\xbf" + UTF8.replace(b"\n", b"\r\n"), id="bom"),
        pytest.param(UTF8.decode().replace("\n", "\r\n").encode("cp1252"), id="windows-1252"),
    ],
)
def test_decode_gives_unfolded_lf_text_whatever_the_line_ends_and_encoding(data):
    assert decode(data) == "SUMMARY:Cafénumérique\nLOCATION:Médiathèque\n"


def test_decode_mends_a_utf8_character_folded_in_two():
    """Some producers fold at 75 octets even inside a character: "é" is C3 A9, cut after C3."""
    assert decode(b"SUMMARY:Caf\xc3\r\n \xa9 solidaire\r\n") == "SUMMARY:Café solidaire\n"


def test_without_unread_lines_drops_whole_lines_of_unread_properties_only():
    block = (
        "BEGIN:VEVENT\nDTSTAMP:20270101T000000Z\nUID:a@x\ncreated:20260101T000000Z\n"
        'ATTENDEE;CN="Dupont, Marie":mailto:marie@exemple.fr\nX-GOOGLE-CONFERENCE:https://meet\n'
        "X-ALT-DESC;FMTTYPE=text/html:<p>Texte</p>\nDTSTART:20270112T140000\nCREATED-BY:garde\n"
        "BEGIN:VALARM\nACTION:DISPLAY\nATTENDEE:mailto:a@x\nEND:VALARM\nTRANSP:OPAQUE\nEND:VEVENT"
    )

    assert without_unread_lines(block) == (
        "BEGIN:VEVENT\nUID:a@x\nX-ALT-DESC;FMTTYPE=text/html:<p>Texte</p>\nDTSTART:20270112T140000\n"
        "CREATED-BY:garde\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM\nEND:VEVENT"
    )


def test_without_unread_lines_drops_lines_that_only_repeat_the_defaults():
    block = (
        "BEGIN:VEVENT\nUID:a@x\nSTATUS:CONFIRMED\nSEQUENCE:0\nsequence:0 \nSEQUENCE:01\nSEQUENCE:2\n"
        "STATUS:CANCELLED\nSTATUS;X-A=1:CONFIRMED\nDESCRIPTION:STATUS:CONFIRMED\nSTATUS:confirmed\nEND:VEVENT"
    )

    assert without_unread_lines(block) == (
        "BEGIN:VEVENT\nUID:a@x\nSEQUENCE:01\nSEQUENCE:2\nSTATUS:CANCELLED\nSTATUS;X-A=1:CONFIRMED\n"
        "DESCRIPTION:STATUS:CONFIRMED\nEND:VEVENT"
    )
