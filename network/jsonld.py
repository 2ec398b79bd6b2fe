"""schema.org description of a structure, for search engines and assistants that read JSON-LD.

The builder returns plain data (dicts and lists); `dumps_for_script` turns it into text that is safe inside a
`<script>` element. What must stay true: user text never closes the script element (`<`, `>` and `&` are
escaped as JSON unicode escapes, exactly like Django's `json_script`), and unknown facts are left out rather
than written empty.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from .horaires import MINUTES_PER_DAY, WeeklyHours

SCHEMA_DAYS = (
    "https://schema.org/Monday",
    "https://schema.org/Tuesday",
    "https://schema.org/Wednesday",
    "https://schema.org/Thursday",
    "https://schema.org/Friday",
    "https://schema.org/Saturday",
    "https://schema.org/Sunday",
)

_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _clock(minute: int) -> str:
    # schema.org writes "open until midnight" as closing at 23:59.
    minute = min(minute, MINUTES_PER_DAY - 1)
    return f"{minute // 60:02d}:{minute % 60:02d}"


def opening_hours_specification(hours: WeeklyHours) -> list[dict]:
    """One `OpeningHoursSpecification` per distinct time range, listing the days that share it.

    Ranges come out in week order (first day that has them, then start time).
    """
    if not hours.known:
        return []
    days_by_range: dict[tuple[int, int], list[str]] = {}
    for day, ranges in enumerate(hours.days):
        for time_range in ranges:
            days_by_range.setdefault(time_range, []).append(SCHEMA_DAYS[day])
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": days,
            "opens": _clock(start),
            "closes": _clock(end),
        }
        for (start, end), days in days_by_range.items()
    ]


def structure_jsonld(structure, *, page_url: str, image_urls=()) -> dict:
    """A schema.org `LocalBusiness` for one structure (the type that carries address, hours and contacts).

    `page_url` is the absolute address of the structure's page; `image_urls` absolute addresses of photos.
    A network or partner that receives no public is an `Organization`: it has no door a search engine should
    send people to.
    """
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness" if getattr(structure, "receives_public", True) else "Organization",
        "@id": page_url,
        "name": structure.title,
        "url": page_url,
    }
    description = structure.presentation_resume or structure.presentation_detail
    if description:
        data["description"] = description
    address = {
        "@type": "PostalAddress",
        "streetAddress": ", ".join(
            part for part in (structure.adresse, structure.complement_adresse) if part
        ),
        "postalCode": structure.code_postal,
        "addressLocality": structure.commune,
        "addressCountry": "FR",
    }
    data["address"] = {key: value for key, value in address.items() if value}
    if structure.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": structure.latitude,
            "longitude": structure.longitude,
        }
    if structure.telephone:
        data["telephone"] = structure.telephone[0]
    if structure.courriels:
        data["email"] = structure.courriels[0]
    if structure.site_web:
        data["sameAs"] = list(structure.site_web)
    hours = opening_hours_specification(structure.opening_hours)
    if hours:
        data["openingHoursSpecification"] = hours
    if image_urls:
        data["image"] = list(image_urls)
    return data


def dumps_for_script(data) -> str:
    """JSON text that can sit inside `<script type="application/ld+json">` whatever the user wrote."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
