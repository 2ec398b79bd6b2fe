"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import cache

from calendars.connections import POOL
from home.models import HomePage

pytest_plugins = ["tests.smtp_sink"]


@pytest.fixture(autouse=True)
def clear_cache():
    """Each test starts with an empty cache: what one test caches never leaks into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def close_kept_connections():
    """Connections kept open to one test's calendar server are closed before the next test."""
    yield
    POOL.clear()


@pytest.fixture
def home_page(db):
    return HomePage.objects.get()
