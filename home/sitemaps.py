"""`sitemap.xml`: what a search engine should index — every published page (home, bassins, structures,
cycles), the atelier pages (plain Django views) and the directory and agenda.

Addresses are on the site's public address (`WAGTAILADMIN_BASE_URL`), never on the request's host: a sitemap
fetched through a proxy or an internal name must still point to the site people reach. Each section costs a
fixed number of queries, whatever the number of pages.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from wagtail.models import Page, Site

from events.models import Atelier


class PublicAddressSitemap(Sitemap):
    """A sitemap whose addresses start with the site's public address, whatever host was asked."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.WAGTAILADMIN_BASE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc


class PageSitemap(PublicAddressSitemap):
    """Every live, public page of the default site, with the moment it was last published."""

    def items(self):
        site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
        if site is None:
            return []
        return (
            Page.objects.descendant_of(site.root_page, inclusive=True)
            .live()
            .public()
            .order_by("path")
            .specific()
        )

    def location(self, page):
        # `get_url_parts` gives the path inside the page's site (a RoutablePage, a cycle, may change it).
        return page.get_url_parts()[2]

    def lastmod(self, page):
        return page.last_published_at or page.latest_revision_created_at


class AtelierSitemap(PublicAddressSitemap):
    """The public ateliers' own pages, with their last change."""

    def items(self):
        return Atelier.objects.public().order_by("pk").only("pk", "updated_at")

    def lastmod(self, atelier):
        return atelier.updated_at


class ListSitemap(PublicAddressSitemap):
    """The directory and the agenda: plain views, without a date of their own."""

    def items(self):
        return ["network:directory", "events:agenda"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "listes": ListSitemap, "ateliers": AtelierSitemap}
