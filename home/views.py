"""Files for search engines: `robots.txt` (the sitemap in `home/sitemaps.py` does the rest)."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from outbox.links import absolute_url

# Professional space, administration and accounts: nothing there for the public, nor for a search engine.
DISALLOWED_PATHS = ("/pro/", "/admin/", "/comptes/")


@require_GET
def robots_txt(request):
    """Keeps robots out of the members' spaces and gives them the sitemap on the site's public address."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED_PATHS)]
    lines += ["", f"Sitemap: {absolute_url(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
