"""« S'abonner »: a small page that subscribes a calendar application to one of the agenda's iCal exports.

A plain link to a `.ics` file downloads a copy that never updates; what people want is a subscription. So
each « S'abonner » leads here: `webcal://` (which the phone's or the computer's calendar opens), one-click
buttons for Google Agenda and Outlook, the address to copy for any other application, and the steps on an
iPhone and on Android. Every address is built on the site's public address (`outbox.links.absolute_url`),
never on the request's host: it is copied into applications that poll it for months.

The page works without JavaScript (the address sits in a read-only field); `static/js/copy-link.js` adds
« Copier l'adresse ». The programme of a cycle uses the same page (`programmes.models.CyclePage`).
"""

from urllib.parse import quote, urlencode

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from network.models import BassinPage, StructurePage
from network.text import bassin_name, de_name
from outbox.links import absolute_url

from .agenda import filter_query

GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r"
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb"


def subscription_links(feed_path: str, name: str) -> dict:
    """The addresses that subscribe to the export at `feed_path` (with its query string), named `name`.

    Google Agenda reads its `cid` as a `webcal://` address; the query string of a filtered export is
    escaped so that it stays part of that address and does not become Google's own parameters.
    """
    feed_url = absolute_url(feed_path)
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return {
        "feed_url": feed_url,
        "webcal_url": webcal_url,
        "google_url": f"{GOOGLE_SUBSCRIBE}?cid={quote(webcal_url, safe=':/')}",
        "outlook_url": f"{OUTLOOK_SUBSCRIBE}?{urlencode({'url': feed_url, 'name': name})}",
    }


def subscribe_context(*, feed_path: str, name: str, heading: str, back_url: str, back_label: str) -> dict:
    """Context of `events/subscribe.html`; `heading` is the page's title (« S'abonner aux ateliers … »)."""
    return {
        **subscription_links(feed_path, name),
        "calendar_name": name,
        "heading": heading,
        "back_url": back_url,
        "back_label": back_label,
    }


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def agenda_subscribe(request):
    query = filter_query(request)
    context = subscribe_context(
        feed_path=_with_query(reverse("events:agenda_ics"), query),
        name=_("Ateliers – Maillage"),
        heading=_("S'abonner aux ateliers de l'agenda"),
        back_url=_with_query(reverse("events:agenda"), query),
        back_label=_("Retour à l'agenda"),
    )
    return render(request, "events/subscribe.html", context)


def bassin_subscribe(request, slug):
    bassin = get_object_or_404(BassinPage.objects.live().public(), slug=slug)
    query = filter_query(request)
    context = subscribe_context(
        feed_path=_with_query(reverse("events:bassin_ics", kwargs={"slug": bassin.slug}), query),
        name=_("Ateliers – %(bassin)s – Maillage") % {"bassin": bassin.title},
        heading=_("S'abonner aux ateliers du %(bassin)s") % {"bassin": bassin_name(bassin.title)},
        back_url=_with_query(reverse("events:bassin_agenda", kwargs={"slug": bassin.slug}), query),
        back_label=_("Retour à l'agenda du %(bassin)s") % {"bassin": bassin_name(bassin.title)},
    )
    return render(request, "events/subscribe.html", context)


def structure_subscribe(request, slug):
    structure = get_object_or_404(StructurePage.objects.live().public(), slug=slug)
    query = filter_query(request)
    context = subscribe_context(
        feed_path=_with_query(reverse("events:structure_ics", kwargs={"slug": structure.slug}), query),
        name=_("Ateliers – %(structure)s – Maillage") % {"structure": structure.title},
        heading=_("S'abonner aux ateliers %(of_structure)s") % {"of_structure": de_name(structure.title)},
        back_url=structure.url or "/",
        back_label=_("Retour à la page %(of_structure)s") % {"of_structure": de_name(structure.title)},
    )
    return render(request, "events/subscribe.html", context)
