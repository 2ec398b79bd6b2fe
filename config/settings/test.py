"""Tests: fast hashers, local-memory cache and e-mail, eager nothing (tasks are called explicitly)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One cache per process, emptied between tests; the tests of the cache shared between processes
# (tests/accounts/test_shared_cache.py) start their processes with MAILLAGE_TEST_SHARED_CACHE=1, which keeps
# base's (Redis with REDIS_URL, else the database).
if not env_bool("MAILLAGE_TEST_SHARED_CACHE"):  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
ACCOUNT_RATE_LIMITS = False
MAILLAGE_MAP_TILES_URL = ""
# Tests never reach the Base Adresse Nationale; those of the lookup point it at a fake BAN on loopback.
MAILLAGE_ADDRESS_LOOKUP = False
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# The imports' storage is bound when the model loads (`opendata.models.ImportRun.file`): a folder of its own
# for tests, which a test's worker process is given through MAILLAGE_IMPORTS_DIR.
STORAGES["imports"]["OPTIONS"]["location"] = os.environ.get(  # noqa: F405
    "MAILLAGE_IMPORTS_DIR",
    str(VAR_DIR / "test-imports"),  # noqa: F405
)
# No collectstatic in tests: WhiteNoise looks files up per request instead of scanning an empty STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
# Feed fetch tests run their HTTP servers on 127.0.0.1; private networks stay refused.
MAILLAGE_FEED_ALLOW_LOOPBACK = True
# Two-factor enforcement for coordinators and administrators is tested in tests/accounts, which turn it on;
# the other suites act as coordinators and superusers without first enrolling an authenticator app.
MAILLAGE_MFA_REQUIRED = False
