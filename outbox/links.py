"""Absolute links for what is read away from the site: e-mails, calendars, embedded widgets.

An e-mail outlives the request that caused it (it is often rendered by a worker, with no request at all), so
its links are built on the site's configured public address, `WAGTAILADMIN_BASE_URL`, never on a request's
host header.
"""

from django.conf import settings


def absolute_url(path: str = "") -> str:
    """`path` ("/pro/", "") on the site's public address; an address already absolute is returned as is."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
