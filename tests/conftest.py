"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import cache

from home.models import HomePage

pytest_plugins = ["tests.smtp_sink", "tests.fixtures.http_server", "tests.fixtures.calendars"]


@pytest.fixture(autouse=True)
def clear_cache():
    """Each test starts with an empty cache: what one test caches never leaks into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    return HomePage.objects.get()
