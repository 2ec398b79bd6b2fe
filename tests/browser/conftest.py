"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

What must stay true:
- the browser is the system's `/usr/bin/chromium` (never a Playwright download), headless, with the
  background services that would call the internet switched off;
- a page reaches loopback only: every other request (map tiles, fonts, analytics) is aborted and recorded
  in `page.blocked_requests`, so a test never depends on the network;
- each test starts from the migrated database (home page, site) even after another live-server test
  flushed it (the live server fixture asks for a serialized rollback), with an empty cache.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Mark every test under tests/browser, and run them last (after pytest-django's own ordering).

    Last, because Playwright's event loop stays open for the session and would trouble later tests.
    """
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} est absent : apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Django's connections are thread-critical asgiref Locals: while an event loop runs in this thread (as
    # Playwright's sync API keeps one running), `connections[alias]` are other wrapper objects, without the
    # copy of the migrated database that serialized rollback restores. Hand that copy over to them.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    # Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it. Set
    # here, not at import, so that tests run before the browser ones (and their subprocesses) keep the guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, django_db_serialized_rollback):
    """The live server, with the database as migrations left it (home page and default site).

    The cache is emptied: Wagtail keeps the sites' root paths there, and what earlier tests cached may
    name sites and pages that their rollback removed.
    """
    cache.clear()
    return live_server


@pytest.fixture
def page(browser, site):
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    blocked: list[str] = []

    def keep_on_loopback(route):
        if urlsplit(route.request.url).hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", keep_on_loopback)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.blocked_requests = blocked
    yield page
    context.close()


def format_violation(violation: dict) -> str:
    targets = "\n".join(f"    - {' '.join(map(str, node['target']))}" for node in violation["nodes"])
    return (
        f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})\n{targets}"
    )


@pytest.fixture
def axe_check():
    """`axe_check(page)`: run axe-core on the page and fail on any serious or critical violation."""
    axe = Axe()

    def check(page, context=None):
        results = axe.run(page, context=context)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            report = "\n".join(format_violation(violation) for violation in blocking)
            pytest.fail(
                f"axe-core : {len(blocking)} violation(s) graves sur {page.url}\n{report}", pytrace=False
            )
        return results

    return check
