"""Settings per environment. Production and the broker folders are read in a fresh process, as at start-up."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.contrib.staticfiles import finders

from config.runenv import describe_database

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(45)[:60],
    "DJANGO_ALLOWED_HOSTS": "maillage.example",
    "DATABASE_URL": "postgres://maillage@127.0.0.1:5432/maillage",
}


def run_python(*args: str, env: dict[str, str], unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE belongs to the browser tests, and is an error for `check --deploy`.
    unset = (*unset, "DJANGO_ALLOW_ASYNC_UNSAFE")
    environ = {key: value for key, value in os.environ.items() if key not in unset}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}

    result = run_python("manage.py", "check", env=env, unset=("DJANGO_SECRET_KEY",))

    assert result.returncode != 0
    assert "Production needs the environment variable DJANGO_SECRET_KEY." in result.stderr


def test_production_check_deploy_has_no_warning():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    ), result.stderr


def test_filesystem_broker_keeps_every_folder_under_var_dir(tmp_path):
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "MAILLAGE_VAR_DIR": str(tmp_path)}

    result = run_python("-c", code, env=env, unset=("CELERY_BROKER_URL",))

    options = json.loads(result.stdout)
    folders = {key: value for key, value in options.items() if "folder" in key}
    celery_dir = tmp_path / "celery"
    assert folders == {
        "data_folder_in": str(celery_dir / "queue"),
        "data_folder_out": str(celery_dir / "queue"),
        "processed_folder": str(celery_dir / "processed"),
        "control_folder": str(celery_dir / "control"),
    }
    assert sorted(path.name for path in celery_dir.iterdir()) == ["control", "processed", "queue"]


def test_leaflet_is_served_from_our_static_files():
    assert settings.STATIC_URL == "/static/"
    assert finders.find("leaflet/leaflet.js") is not None
    assert finders.find("leaflet/leaflet.css") is not None


def test_launcher_describes_database_without_password():
    postgres = dj_database_url.parse("postgres://maillage:s3cret@db.example:5432/maillage")
    sqlite = dj_database_url.parse(f"sqlite:///{BASE_DIR / 'var' / 'maillage.sqlite3'}")

    assert describe_database(postgres) == "Base de données : PostgreSQL (db.example:5432/maillage)"
    assert describe_database(sqlite) == "Base de données : SQLite var/maillage.sqlite3"
