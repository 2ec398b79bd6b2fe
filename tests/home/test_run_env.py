"""`manage.py run_env`: the environment `make run` hands to honcho's processes."""

import shlex
from io import StringIO

from django.core.management import call_command
from honcho.environ import parse


def test_run_env_without_redis_writes_the_filesystem_broker_and_the_address(tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("MAILLAGE_BASE_URL", raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
    output = tmp_path / "run.env"
    printed = StringIO()

    call_command("run_env", addr="127.0.0.1:8123", output=str(output), stdout=printed)

    assert parse(output.read_text()) == {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_BROKER_URL": "filesystem://",
        "MAILLAGE_BASE_URL": "http://127.0.0.1:8123",
        "PYTHONUNBUFFERED": "1",
    }
    assert "Broker Celery : transport fichier intégré" in printed.getvalue()


def test_run_env_quotes_values_for_honcho(tmp_path, monkeypatch):
    url = "amqp://guest:p#ss word@127.0.0.1:5672//"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    output = tmp_path / "run.env"

    call_command("run_env", output=str(output), stdout=StringIO())

    assert parse(output.read_text())["CELERY_BROKER_URL"] == url
    assert f"CELERY_BROKER_URL={shlex.quote(url)}\n" in output.read_text()


def test_run_env_with_a_silent_redis_keeps_it_out_of_the_cache_too(tmp_path, monkeypatch):
    """REDIS_URL names a Redis that does not answer: the processes use the database cache, not a dead one."""
    from tests.smtp_sink import free_port

    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    output = tmp_path / "run.env"

    call_command("run_env", output=str(output), stdout=StringIO())

    written = parse(output.read_text())
    assert (written["CELERY_BROKER_URL"], written["REDIS_URL"]) == ("filesystem://", "")
