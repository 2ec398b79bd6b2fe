"""Template helpers of the agenda and atelier pages: French dates and hours, registration links, JSON-LD."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from network.communes import Point
from network.jsonld import dumps_for_script
from network.text import french_date
from outbox.links import absolute_url

from .. import enums
from ..distance import distance_from, distance_label
from ..jsonld import atelier_jsonld
from ..models import Occurrence

register = template.Library()

# Sessions in the « Prochains ateliers » block of a bassin's page and of a structure's page.
BASSIN_NEXT_SESSIONS = 6
STRUCTURE_NEXT_SESSIONS = 10


@register.simple_tag
def bassin_next_sessions(bassin) -> list:
    """The next public sessions of the bassin's structures, for its page.

    Bassin and structure pages belong to `network`, which sits below `events`: their templates ask for the
    sessions here rather than their models importing `Occurrence`.
    """
    return (
        Occurrence.objects.public()
        .in_bassins([bassin])
        .upcoming(timezone.now())
        .first_for_listing(BASSIN_NEXT_SESSIONS)
    )


@register.simple_tag
def structure_next_sessions(structure) -> list:
    """The next public sessions the structure hosts or co-organises, for its page (see above)."""
    return list(
        Occurrence.objects.public()
        .of_structure(structure)
        .upcoming(timezone.now())
        .for_listing()[:STRUCTURE_NEXT_SESSIONS]
    )


@register.filter
def distance(occurrence, near) -> str:
    """« à 4 km » from `near` (the agenda's « près de … » point, or None) to a session of an agenda asked
    « près de … » (`events.distance.with_place`), else ""; a remote session says « À distance » elsewhere."""
    if not isinstance(near, Point) or occurrence.atelier.format == enums.Format.REMOTE:
        return ""
    return distance_label(distance_from(occurrence, near))


@register.filter
def time_range(occurrence) -> str:
    """ "14 h – 16 h" in Paris time, « toute la journée » for an all-day session (see `hours_label`)."""
    return occurrence.hours_label


@register.filter
def day_heading(day) -> str:
    """ "Mardi 8 décembre", « Mardi 1er décembre »; the year is added when it is not the current one, to
    avoid any doubt."""
    pattern = "l j F" if day.year == timezone.localdate().year else "l j F Y"
    return capfirst(french_date(day, pattern))


@register.filter
def labels(values, choices_name: str) -> list[str]:
    """Display labels of stored choice values (`atelier.publics|labels:"AtelierPublic"`)."""
    choices = dict(getattr(enums, choices_name).choices)
    return [str(choices.get(value, value)) for value in values or ()]


@register.filter
def registration_href(atelier) -> str:
    """The link that starts a registration: tel:, mailto: or the web address, as the mode says."""
    details = (atelier.registration_details or "").strip()
    if not details:
        return ""
    if atelier.registration == enums.Registration.PHONE:
        return "tel:" + "".join(char for char in details if char.isdigit() or char == "+")
    if atelier.registration == enums.Registration.EMAIL:
        return "mailto:" + details
    if atelier.registration == enums.Registration.LINK and details.startswith(("https://", "http://")):
        return details
    return ""


@register.simple_tag
def atelier_jsonld_script(atelier, occurrence=None):
    """`<script type="application/ld+json">` describing `atelier`, safe whatever its text contains.

    Its addresses are on the site's public address (`absolute_url`), as search engines must link to it."""
    data = atelier_jsonld(
        atelier,
        occurrence,
        page_url=absolute_url(atelier.get_absolute_url()),
        structure_url=absolute_url(atelier.structure.url or "/"),
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(dumps_for_script(data)))
