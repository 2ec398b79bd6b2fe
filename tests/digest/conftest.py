"""Fixtures of the weekly letter's tests: a small territory and a week wholly in the future."""

import pytest

from tests.digest.factories import future_week
from tests.factories import BassinFactory, StructureFactory


@pytest.fixture
def week():
    return future_week()


@pytest.fixture
def bourges(db):
    return BassinFactory(title="Bassin de Bourges", slug="bourges")


@pytest.fixture
def vierzon(db):
    return BassinFactory(title="Bassin de Vierzon", slug="vierzon", main_commune="Vierzon")


@pytest.fixture
def mediatheque(bourges):
    return StructureFactory(bassin=bourges, title="Médiathèque de Bourges", slug="mediatheque-bourges")


@pytest.fixture
def epn_vierzon(vierzon):
    return StructureFactory(bassin=vierzon, title="EPN de Vierzon", slug="epn-vierzon", commune="Vierzon")


@pytest.fixture
def eager_celery():
    """Tasks run in this process when enqueued (`delay`), retries included, as a worker would run them.

    Errors stay in each task's result (`.get()` raises them), as with a worker: a retry is an exception.
    """
    from celery_app import app

    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    try:
        yield app
    finally:
        # Drop the overrides rather than writing the old values back: a value set on `app.conf` would hide
        # the CELERY_* Django settings that later tests change (they are read live otherwise).
        for key in ("task_always_eager", "task_eager_propagates"):
            app.conf.changes.pop(key, None)
