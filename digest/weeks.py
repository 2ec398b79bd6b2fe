"""ISO weeks ("2027-W12"), the key of a letter, and the Monday-morning sending time in Europe/Paris.

The week is what makes a letter unique per subscriber, so it is derived from the local (Paris) date of the
planning run, never from UTC: Monday 07:30 in Paris is still Monday whatever the offset.
"""

import re
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(day: date) -> str:
    year, number, _weekday = day.isocalendar()
    return f"{year}-W{number:02d}"


def parse_week(value: str) -> str:
    """Check "YYYY-Www" (an existing ISO week) and return it normalised; ValidationError in French."""
    match = WEEK_PATTERN.match((value or "").strip())
    if match:
        try:
            date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            match = None
    if not match:
        raise ValidationError(
            _("Semaine invalide : « %(value)s ». Écrivez-la AAAA-Wss, par exemple 2027-W12."),
            code="invalid_week",
            params={"value": value},
        )
    return f"{match[1]}-W{match[2]}"


def monday_of(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def current_week(now: datetime | None = None) -> str:
    return week_of(timezone.localdate(now or timezone.now()))


def sending_time() -> time:
    return time(*settings.DIGEST["SEND_AT"])


def next_sending(now: datetime | None = None) -> datetime:
    """The next Monday at the sending time (Paris), strictly after `now`: what « Mon compte » announces."""
    now = timezone.localtime(now or timezone.now())
    day = now.date() - timedelta(days=now.weekday())
    candidate = timezone.make_aware(datetime.combine(day, sending_time()))
    if candidate <= now:
        candidate = timezone.make_aware(datetime.combine(day + timedelta(days=7), sending_time()))
    return candidate
