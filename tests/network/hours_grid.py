"""Readable weekly grids for the opening-hours tests: a day is a tuple of (start, end) minutes since
midnight, written with `span("09:00", "12:00")` rather than `(540, 720)`; and the hours the demo territory's
structures publish, which the hours editor must write back unchanged."""

CLOSED: tuple = ()
FULL_DAY = ((0, 1440),)

DEMO_HOURS = [
    "Mo-Su 09:00-12:00",
    "Tu 14:00-22:00; We 14:00-20:00; Th 16:00-22:00; Fr-Sa 14:00-20:00",
    "Mo-Fr 09:30-12:00,14:00-16:30",
    "Mo 14:00-18:00; Tu 09:00-12:00,14:00-19:00; We 09:00-12:00,14:00-18:30; Th 14:00-18:00; "
    "Fr 09:00-12:00,14:00-17:00",
    "Mo-Fr 09:00-12:00,14:00-17:30; PH off",
    "Tu-Sa 10:00-12:00,14:00-18:00",
    "Mo-Su 00:00-24:00",
    "PH off",
    "",
]


def at(hhmm: str) -> int:
    """Minutes since midnight ("09:30" → 570)."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def span(start: str, end: str) -> tuple[int, int]:
    return (at(start), at(end))
