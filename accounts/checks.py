"""System checks of the accounts: what must hold for logins to be safe with several processes.

allauth keeps its rate limits and the TOTP codes already used in Django's cache: with one cache per process
(LocMem, or Dummy which keeps nothing), a code is accepted once per gunicorn worker and each worker counts
failed logins on its own. Production therefore needs a shared cache (Redis or the database).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches)
def check_shared_cache(app_configs=None, **kwargs):
    """accounts.E001: `MAILLAGE_SHARED_CACHE_REQUIRED` (production) with a per-process default cache."""
    if not getattr(settings, "MAILLAGE_SHARED_CACHE_REQUIRED", False):
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    per_process = {import_string(path) for path in PER_PROCESS_CACHES}
    try:
        cache_class = import_string(backend)
    except ImportError:
        return []  # Django's own cache checks report an unknown backend
    if not issubclass(cache_class, tuple(per_process)):
        return []
    return [
        Error(
            f"The default cache ({backend}) is private to each process: TOTP codes could be used twice and "
            "login rate limits would count per process.",
            hint="Set REDIS_URL (Redis cache), or use the database cache (manage.py createcachetable).",
            obj="CACHES",
            id="accounts.E001",
        )
    ]


def refuse_per_process_cache() -> None:
    """Stop a web process at start-up (config/wsgi.py) when `check_shared_cache` fails: gunicorn, unlike
    `migrate` or `runserver`, runs no system check by itself."""
    errors = check_shared_cache()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{error.id}: {error.msg}" for error in errors))
