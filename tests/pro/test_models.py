"""`CalendarToken`: a long random secret per person, replaced on demand."""

from pro.models import CalendarToken
from tests.pro.factories import CalendarTokenFactory


def test_calendar_token_is_long_and_random(db):
    first, second = CalendarTokenFactory(), CalendarTokenFactory()

    assert len(first.token) >= 43
    assert first.token != second.token


def test_calendar_token_renew_replaces_secret(db):
    token = CalendarTokenFactory()
    old, created = token.token, token.created_at

    token.renew()

    saved = CalendarToken.objects.get()
    assert saved.token != old
    assert saved.created_at >= created
