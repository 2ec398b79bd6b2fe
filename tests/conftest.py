"""Fixtures shared by the whole suite."""

import pytest

from home.models import HomePage


@pytest.fixture
def home_page(db):
    return HomePage.objects.get()
