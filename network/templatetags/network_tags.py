"""Template helpers of the public pages: French formatting, the map and JSON-LD."""

import re

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from outbox.links import absolute_url

from ..jsonld import dumps_for_script, structure_jsonld

register = template.Library()

NBSP = "\u00a0"


@register.filter
def phone_fr(value: str) -> str:
    """ "+33248123456" → "02 48 12 34 56", the way a French number is read aloud; other numbers unchanged."""
    match = re.fullmatch(r"\+33(\d{9})", value or "")
    if not match:
        return value
    digits = "0" + match.group(1)
    return " ".join(digits[index : index + 2] for index in range(0, 10, 2))


@register.filter
def number_fr(value) -> str:
    """169917 → "169 917", with a no-break space so that the number never wraps."""
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return f"{number:,}".replace(",", NBSP)


@register.filter
def hour_ranges(text: str) -> list[str]:
    """ "9 h – 12 h, 13 h 30 – 17 h" → ["9 h – 12 h", "13 h 30 – 17 h"], each time kept on one line."""
    return [re.sub(r"(\d) h(?: (\d\d))?", _join_time, part) for part in text.split(", ")]


def _join_time(match) -> str:
    return f"{match.group(1)}{NBSP}h" + (f"{NBSP}{match.group(2)}" if match.group(2) else "")


@register.filter
def labels_of(instance, field_name: str) -> list[str]:
    """The display labels of a `ChoiceListField` value (codes such as "BIB" become "Bibliothèque…")."""
    field = instance._meta.get_field(field_name)
    return field.get_choices_display(getattr(instance, field_name))


@register.inclusion_tag("includes/map.html")
def structure_map(markers, label, intro="", data_url=""):
    """The map block: markers as JSON, tiles and view from the settings (an empty tiles URL means none).

    With `data_url` (too many places to embed, see `network.map`) the script reads the markers, or their
    clusters, from that address as the map moves."""
    center_lat, center_lon = settings.MAILLAGE_MAP_CENTER
    return {
        "markers": markers,
        "data_url": data_url,
        "label": label,
        "intro": intro,
        "tiles_url": settings.MAILLAGE_MAP_TILES_URL,
        "attribution": settings.MAILLAGE_MAP_ATTRIBUTION,
        "center_lat": center_lat,
        "center_lon": center_lon,
        "zoom": settings.MAILLAGE_MAP_ZOOM,
    }


@register.simple_tag
def structure_jsonld_script(structure, photos=()):
    """`<script type="application/ld+json">` describing `structure`, safe whatever its text contains.

    Its addresses are on the site's public address (`absolute_url`), as search engines must link to it."""
    data = structure_jsonld(
        structure,
        page_url=absolute_url(structure.url or "/"),
        image_urls=[absolute_url(photo.image.file.url) for photo in photos],
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(dumps_for_script(data)))
