"""Two processes, one cache: a TOTP code is accepted once, whichever web process each attempt reaches.

Each process logs the same person in with their password through allauth's forms (Django's test client,
inside a process of its own started from the test settings), waits for the other, then both send the same
code at the same moment. They share the database (this test's) and, with MAILLAGE_TEST_SHARED_CACHE=1, the
cache of config/settings/base.py: Redis when REDIS_URL is set, else the database cache. With one cache per
process (the test settings' LocMem) the same code is accepted twice: the fault the shared cache closes.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings

from tests.accounts.factories import PASSWORD, VerifiedUserFactory, activate_totp, totp_code
from tests.fixtures.celery_worker import database_url_for_worker

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# One web process: log in, say so, wait for the code, send it, print whether the session is logged in.
ATTEMPT = """
import json, sys, time
from pathlib import Path
import django
django.setup()
from django.test import Client
from django.urls import reverse

email, password, folder, name = sys.argv[1:5]
folder = Path(folder)
client = Client()
step_one = client.post(reverse("account_login"), {"login": email, "password": password})
assert step_one["Location"] == reverse("mfa_authenticate"), step_one
(folder / f"ready-{name}").touch()
while not (folder / "go").exists():
    time.sleep(0.01)
code = (folder / "go").read_text()
client.post(reverse("mfa_authenticate"), {"code": code})
print(json.dumps({"logged_in": "_auth_user_id" in client.session}))
"""

PREPARE = (
    "import django; django.setup(); from django.core.cache import cache; "
    "from django.core.management import call_command; call_command('createcachetable'); cache.clear()"
)


def run(code: str, *args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(predicate, processes, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        failed = [process for process in processes if process.poll() is not None]
        if failed or time.monotonic() > deadline:
            pytest.fail("Un processus s'est arrêté : " + "".join(p.communicate()[1] for p in failed))
        time.sleep(0.05)


def code_with_time_left(secret: str, margin: float = 5) -> str:
    """The current code, after waiting for the next period when this one ends within `margin` seconds."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.1)
    return totp_code(secret)


@pytest.mark.parametrize(("shared", "accepted"), [(True, [False, True]), (False, [True, True])])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_same_totp_code_in_two_processes_is_accepted_once_with_the_shared_cache(tmp_path, shared, accepted):
    person = VerifiedUserFactory(email="camille@exemple.fr")
    secret = activate_totp(person)
    database_url, _copy = database_url_for_worker(tmp_path)
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "MAILLAGE_VAR_DIR": str(tmp_path / "var"),
        "MAILLAGE_TEST_SHARED_CACHE": "1" if shared else "",
    }
    if shared:
        subprocess.run([sys.executable, "-c", PREPARE], cwd=BASE_DIR, env=env, check=True, timeout=120)

    attempts = [run(ATTEMPT, person.email, PASSWORD, str(tmp_path), name, env=env) for name in ("a", "b")]
    wait_until(lambda: all((tmp_path / f"ready-{name}").exists() for name in ("a", "b")), attempts)
    (tmp_path / "go.tmp").write_text(code_with_time_left(secret))
    (tmp_path / "go.tmp").rename(tmp_path / "go")
    outputs = [attempt.communicate(timeout=60) for attempt in attempts]

    results = [json.loads(stdout.strip().splitlines()[-1])["logged_in"] for stdout, _stderr in outputs]
    assert sorted(results) == accepted, outputs
