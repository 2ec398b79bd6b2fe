"""The « Calendriers synchronisés » admin as a browser drives it: its addresses, what its pages show, and
imported ateliers to act on."""

from bs4 import BeautifulSoup
from django.urls import reverse

from calendars.models import Feed
from events import enums
from tests.factories import AtelierFactory

INDEX = reverse("calendriers:index")
ADD = reverse("calendriers:add")


def url(name, obj):
    return reverse(f"calendriers:{name}", args=[obj.pk])


def text_of(response) -> str:
    """The page's text as read, whitespace collapsed."""
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def listed_feeds(response) -> set[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        link.get_text(strip=True) for link in soup.select("table.listing tbody td.title .title-wrapper a")
    }


def imported_atelier(feed, **fields):
    return AtelierFactory(
        structure=feed.structure,
        feed=feed,
        source=enums.Source.FEED,
        remote_uid=fields.pop("remote_uid", "evt-1@agenda.example"),
        **fields,
    )


def served(feed, address):
    Feed.objects.filter(pk=feed.pk).update(url=address)
    feed.refresh_from_db()
    return feed
