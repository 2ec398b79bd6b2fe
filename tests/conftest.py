"""Fixtures shared by the whole suite, and what keeps parallel test processes apart.

`make test` runs the suite in several processes (pytest-xdist, `gw0`, `gw1`…). What must stay true for each:
- its own test database: pytest-django adds the worker's name to it (`test_maillage_gw0`); with
  `--reuse-db` on SQLite, a file per worker under `var/` that the next run finds again;
- its own Redis database number (`REDIS_URL` of the worker = the given number + the worker's number), so that
  keys named after a row id (feed locks) never meet the other process's rows of the same id;
- its own media folder and Celery filesystem-broker folder, in the session's temporary folder;
- free ports of its own for the SMTP sink and the live server (both ask the system for one).
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings

from events.feeds.connections import POOL
from home.models import HomePage

pytest_plugins = ["tests.smtp_sink", "tests.fixtures.celery_worker"]

REDIS_DATABASES = 16  # Redis' default `databases`


def xdist_worker_number() -> int:
    """0 for `gw0` or a run without pytest-xdist, 1 for `gw1`…"""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def redis_url_of_worker(url: str, number: int) -> str:
    """`url` moved `number` databases on: `redis://h:6379/0` is `/1` for `gw1` (wrapping after the 16th)."""
    parts = urlsplit(url)
    first = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(first + number) % REDIS_DATABASES}"))


def pytest_configure(config):
    """Point this process at its own Redis database before any test (or worker it starts) reads REDIS_URL."""
    url = os.environ.get("REDIS_URL")
    if url:
        os.environ["REDIS_URL"] = settings.REDIS_URL = redis_url_of_worker(url, xdist_worker_number())


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb):
    """With `--reuse-db`, SQLite's test database is a file per process under `var/`, kept between runs.

    SQLite's test database is otherwise in memory, gone with the process, and `--reuse-db` would keep nothing.
    Other databases keep pytest-django's name (`test_<name>`, with the worker's suffix).
    """
    database = settings.DATABASES["default"]
    in_memory = not database.setdefault("TEST", {}).get("NAME")
    if django_db_keepdb and in_memory and database["ENGINE"] == "django.db.backends.sqlite3":
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        database["TEST"]["NAME"] = str(settings.VAR_DIR / f"test-{worker}.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def own_folders(tmp_path_factory):
    """Media files and the Celery filesystem broker in this process's own temporary folders."""
    media = tmp_path_factory.mktemp("media")
    broker = tmp_path_factory.mktemp("celery")
    folders = {"queue": broker / "queue", "processed": broker / "processed", "control": broker / "control"}
    for folder in folders.values():
        folder.mkdir()
    transport_options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        transport_options = transport_options | {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "processed_folder": str(folders["processed"]),
            "control_folder": str(folders["control"]),
        }
    with override_settings(
        MEDIA_ROOT=media, CELERY_FILESYSTEM_DIR=broker, CELERY_BROKER_TRANSPORT_OPTIONS=transport_options
    ):
        yield


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
