"""accounts/checks.py: production refuses a per-process cache (TOTP codes and rate limits must be shared)."""

import json

import pytest
from django.core.checks import Error

from accounts.checks import check_shared_cache
from tests.test_settings import PRODUCTION_ENV, run_python

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
DATABASE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://h/0"}}


@pytest.mark.parametrize("caches", [LOCMEM, DUMMY])
def test_check_refuses_a_per_process_cache_when_required(settings, caches):
    settings.MAILLAGE_SHARED_CACHE_REQUIRED = True
    settings.CACHES = caches

    assert [(type(error), error.id, error.obj) for error in check_shared_cache()] == [
        (Error, "accounts.E001", "CACHES")
    ]


@pytest.mark.parametrize("caches", [DATABASE, REDIS])
def test_check_accepts_a_shared_cache(settings, caches):
    settings.MAILLAGE_SHARED_CACHE_REQUIRED = True
    settings.CACHES = caches

    assert check_shared_cache() == []


def test_check_leaves_tests_and_development_alone(settings):
    settings.MAILLAGE_SHARED_CACHE_REQUIRED = False
    settings.CACHES = LOCMEM

    assert check_shared_cache() == []


def test_production_with_a_per_process_cache_fails_check_deploy_and_refuses_to_serve():
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "tests.fixtures.production_locmem_settings"}

    check = run_python("manage.py", "check", "--deploy", env=env)
    serve = run_python("-c", "import config.wsgi", env=env)

    assert check.returncode == 1
    assert "accounts.E001" in check.stderr
    assert serve.returncode == 1
    assert "ImproperlyConfigured: accounts.E001" in serve.stderr


@pytest.mark.parametrize(
    ("redis_url", "backend"),
    [
        ("redis://127.0.0.1:6379/3", "django.core.cache.backends.redis.RedisCache"),
        ("", "django.core.cache.backends.db.DatabaseCache"),
    ],
)
def test_production_cache_is_redis_with_redis_url_else_the_database(redis_url, backend):
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.MAILLAGE_SHARED_CACHE_REQUIRED]))"
    )

    result = run_python("manage.py", "shell", "-c", code, env={**PRODUCTION_ENV, "REDIS_URL": redis_url})

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [backend, True], result.stderr
