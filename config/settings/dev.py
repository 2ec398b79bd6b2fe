"""Local development: `make run`. Debug on, e-mails printed to the console unless EMAIL_HOST is set."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-secret-key-not-for-production")
ALLOWED_HOSTS = ["*"]
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
if "EMAIL_HOST" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Unknown addresses show the site's « Page introuvable », as in production (home/middleware.py);
# MAILLAGE_TECHNICAL_404=1 shows Django's technical page (the URL patterns tried) instead.
MAILLAGE_TECHNICAL_404 = os.environ.get("MAILLAGE_TECHNICAL_404", "") == "1"
MIDDLEWARE = [*MIDDLEWARE, "home.middleware.FriendlyNotFoundMiddleware"]  # noqa: F405
