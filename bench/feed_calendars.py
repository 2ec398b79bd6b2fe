"""The synthetic calendars of `bench/feed_sync.py`: French ateliers in Europe/Paris, shaped like Google's
exports (`google_vevent`) or bare (`simple_vevent`), the same for a seed, each event at a version.

Apart from the bench's measuring so that each stays a module one reads at once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

WORDS = [
    "Atelier tablette",
    "Café numérique",
    "Démarches en ligne",
    "Premiers pas sur ordinateur",
    "Sécurité sur Internet",
    "Photos du smartphone",
    "Messagerie électronique",
    "France Connect",
]
PLACES = ["Médiathèque, 2 rue des Écoles, 18100 Vierzon", "Mairie, place du Marché, 18000 Bourges", ""]


def simple_vevent(feed: int, number: int, version: int, rng: random.Random, first: date) -> str:
    """A bare event (~375 bytes): the lightest a calendar app writes, for `--shape simple`."""
    day = first + timedelta(days=rng.randrange(0, 300))
    hour = rng.choice([9, 10, 14, 16, 18])
    lines = [
        "BEGIN:VEVENT",
        f"UID:bench-{feed}-{number}@exemple.fr",
        "DTSTAMP:{dtstamp}",
        f"SEQUENCE:{version}",
        f"DTSTART;TZID=Europe/Paris:{day:%Y%m%d}T{hour:02d}0000",
        f"DTEND;TZID=Europe/Paris:{day:%Y%m%d}T{hour + 2:02d}0000",
        f"SUMMARY:{rng.choice(WORDS)} n° {number}" + (" (modifié)" if version else ""),
        "DESCRIPTION:Venez avec votre appareil : nous répondons à vos questions\\, pas à pas. Gratuit\\, "
        "sans inscription.",
    ]
    if place := rng.choice(PLACES):
        lines.append("LOCATION:" + place.replace(",", "\\,"))
    if rng.random() < RECURRING[0]:
        lines.append(f"RRULE:FREQ=WEEKLY;COUNT={rng.randrange(4, 20)}")
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


SENTENCES = [
    "Venez avec votre smartphone\\, votre tablette ou votre ordinateur portable : un médiateur numérique "
    "répond à vos questions\\, pas à pas.",
    "Au programme : créer une adresse électronique\\, envoyer une photo\\, prendre rendez-vous en ligne chez "
    "le médecin ou à la préfecture.",
    "Gratuit\\, sans inscription\\, ouvert à tous. Des ordinateurs sont prêtés sur place si vous n'en avez "
    "pas.",
    "Accès en fauteuil roulant par l'entrée côté parking. Pensez à apporter vos identifiants (France "
    "Connect\\, Ameli\\, impots.gouv.fr).",
    "Renseignements à l'accueil ou au 02 48 00 00 00.\\nAtelier animé par l'équipe de l'espace public "
    "numérique.",
]


def fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, as Google writes it, never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def google_vevent(feed: int, number: int, version: int, rng: random.Random, first: date) -> str:
    """An event as Google Calendar exports it (~800 bytes, near the 10,000-event feed the iCal research
    measured at ~1,000 events per second): CREATED, LAST-MODIFIED, STATUS, TRANSP, a folded French
    description, TZID on every time; weekly series end by UNTIL (half), COUNT or never, with 1-4 EXDATE."""
    day = first + timedelta(days=rng.randrange(0, 300))
    hour = rng.choice([9, 10, 14, 16, 18])
    created = f"2026{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}T{rng.randrange(8, 18):02d}1502Z"
    modified = f"2026{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}T{rng.randrange(8, 18):02d}3011Z"
    lines = [
        "BEGIN:VEVENT",
        f"DTSTART;TZID=Europe/Paris:{day:%Y%m%d}T{hour:02d}0000",
        f"DTEND;TZID=Europe/Paris:{day:%Y%m%d}T{hour + 2:02d}0000",
    ]
    if rng.random() < RECURRING[0]:
        weeks = rng.randrange(4, 20)
        ending = rng.random()
        if ending < 0.5:
            until = day + timedelta(weeks=weeks - 1)
            lines.append(
                f"RRULE:FREQ=WEEKLY;WKST=MO;UNTIL={until:%Y%m%d}T215959Z;BYDAY={WEEKDAYS[day.weekday()]}"
            )
        elif ending < 0.75:
            lines.append(f"RRULE:FREQ=WEEKLY;COUNT={weeks}")
        else:
            lines.append(f"RRULE:FREQ=WEEKLY;BYDAY={WEEKDAYS[day.weekday()]}")
        for skipped in sorted(rng.sample(range(1, weeks), min(rng.randrange(1, 5), weeks - 1))):
            lines.append(f"EXDATE;TZID=Europe/Paris:{day + timedelta(weeks=skipped):%Y%m%d}T{hour:02d}0000")
    lines += [
        "DTSTAMP:{dtstamp}",
        f"UID:{feed:04d}{number:04d}bench{rng.randrange(10**12):012d}@google.com",
        f"CREATED:{created}",
        fold("DESCRIPTION:" + " ".join(rng.sample(SENTENCES, 3))),
        f"LAST-MODIFIED:{modified}" if not version else f"LAST-MODIFIED:20270101T0{version % 10}0000Z",
    ]
    if place := rng.choice(PLACES):
        lines.append(fold("LOCATION:" + place.replace(",", "\\,")))
    lines += [
        f"SEQUENCE:{version}",
        "STATUS:CONFIRMED",
        fold(f"SUMMARY:{rng.choice(WORDS)} n° {number}" + (" (modifié)" if version else "")),
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return "\r\n".join(lines)


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
RECURRING = [0.2]  # share of weekly series, set from --recurring
# Google writes this block for Europe/Paris in every export that uses the zone.
PARIS_VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nX-LIC-LOCATION:Europe/Paris\r\nBEGIN:DAYLIGHT\r\n"
    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\nEND:VTIMEZONE\r\n"
)
SHAPES = {"google": google_vevent, "simple": simple_vevent}
SHAPE = ["google"]  # set from --shape


def calendar_text(feed: int, versions: list[int], seed: int) -> str:
    rng = random.Random(seed * 100_003 + feed)
    first = date.today() + timedelta(days=1)
    vevent = SHAPES[SHAPE[0]]
    events = [vevent(feed, number, version, rng, first) for number, version in enumerate(versions)]
    zone = PARIS_VTIMEZONE if SHAPE[0] == "google" else ""
    return (
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        f"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Structure {feed}\r\n"
        f"X-WR-TIMEZONE:Europe/Paris\r\n{zone}" + "\r\n".join(events) + "\r\nEND:VCALENDAR\r\n"
    )
