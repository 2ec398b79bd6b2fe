"""« la semaine prochaine », « ce week-end »: the dates a question asks about, read in plain words."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from network.text import fold_accents


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str
    words: frozenset[str]  # the normalized words that said it, left out of the matching


def _next_week(today: date) -> tuple[date, date]:
    monday = today + timedelta(days=7 - today.weekday())
    return monday, monday + timedelta(days=6)


def _this_week(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=6 - today.weekday())


def _weekend(today: date) -> tuple[date, date]:
    if today.weekday() == 6:
        return today, today
    saturday = today + timedelta(days=5 - today.weekday()) if today.weekday() <= 5 else today
    return saturday, saturday + timedelta(days=1)


# (pattern on the folded text, dates from today, label, words it uses)
PERIODS = [
    (r"\bsemaine (?:prochaine|suivante)\b", _next_week, _("la semaine prochaine"), {"semaine", "prochaine"}),
    (r"\bcette semaine\b", _this_week, _("cette semaine"), {"cette", "semaine"}),
    (r"\bweek[ -]?end\b", _weekend, _("ce week-end"), {"week", "end", "weekend", "ce"}),
    (r"\baujourd ?'? ?hui\b", lambda today: (today, today), _("aujourd'hui"), {"aujourd", "hui"}),
    (r"(?<!apres-)(?<!apres )\bdemain\b", lambda today: (today + timedelta(1),) * 2, _("demain"), {"demain"}),
]


def read_period(text: str, today: date) -> Period | None:
    """The first period `text` names, or None."""
    folded = fold_accents(text or "")
    for pattern, dates, label, words in PERIODS:
        if re.search(pattern, folded):
            start, end = dates(today)
            return Period(start, end, str(label), frozenset(words))
    return None
