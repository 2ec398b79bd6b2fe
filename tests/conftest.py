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
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings
from xdist.scheduler import LoadScopeScheduling

from home.models import HomePage

pytest_plugins = [
    "tests.smtp_sink",
    "tests.fixtures.http_server",
    "tests.fixtures.calendars",
    "tests.fixtures.celery_worker",
    "tests.fixtures.broker",
]

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


class FileRunScheduling(LoadScopeScheduling):
    """`--dist loadfile` that keeps pytest-django's order: each run of one file's tests in a row is one unit.

    A file's tests run in one process, in a row, so a module-scoped fixture (the demo territory) is built
    once. But pytest-django moves transactional tests after every other database test, because they end by
    emptying the tables (home page included): a file's transactional tests form a later run of their own,
    sent in that later place (in collection order: see the hook below), never in the middle of tests that
    need the migrated data. (pytest-xdist's `loadgroup` would do with markers, but cannot mark nodes on
    pytest 9.)
    """

    def _split_scope(self, nodeid: str) -> str:
        if not getattr(self, "_scopes", None):
            self._scopes: dict[str, str] = {}
            previous, run = None, 0
            for collected in self.collection or ():
                file = collected.split("::", 1)[0]
                run += file != previous
                previous = file
                self._scopes[collected] = f"{file}#{run}"
        return self._scopes.get(nodeid) or nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: unknown under `-p no:xdist`
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") == "loadfile":
        config.option.loadscopereorder = False  # send runs in pytest-django's order, not biggest first
        return FileRunScheduling(config, log)
    return None


def reused_sqlite_file() -> Path | None:
    """The file of this process's SQLite test database when `--reuse-db` keeps it (see below), else None."""
    database = settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME")
    if database["ENGINE"] != "django.db.backends.sqlite3" or not name or name == ":memory:":
        return None
    return Path(name)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb, request):
    """With `--reuse-db`, SQLite's test database is a file per process under `var/`, kept between runs.

    SQLite's test database is otherwise in memory, gone with the process, and `--reuse-db` would keep nothing.
    Each run starts from the copy taken right after the last migration (`test-gw0.migrated.sqlite3`), never
    from what the last run left: transactional tests end by emptying every table, home page included.
    `--create-db` migrates from scratch. Other databases keep pytest-django's names (`test_maillage_gw0`).
    """
    database = settings.DATABASES["default"]
    in_memory = not database.setdefault("TEST", {}).get("NAME")
    if not (django_db_keepdb and in_memory and database["ENGINE"] == "django.db.backends.sqlite3"):
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = Path(settings.VAR_DIR) / f"test-{worker}.sqlite3"
    database["TEST"]["NAME"] = str(path)
    migrated = path.with_suffix(".migrated.sqlite3")
    if migrated.exists() and not request.config.getoption("create_db"):
        shutil.copyfile(migrated, path)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's set-up; then, for a kept SQLite file, the copy the next run starts from."""
    path = reused_sqlite_file()
    if path is not None:
        migrated = path.with_suffix(".migrated.sqlite3")
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(migrated)) as copy:
            source.backup(copy)


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


@pytest.fixture
def home_page(db):
    return HomePage.objects.get()
