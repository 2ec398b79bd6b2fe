"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from accounts.checks import refuse_per_process_cache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
# Production with a per-process cache would accept a TOTP code once per worker: refuse to serve at all.
refuse_per_process_cache()
