"""schema.org `Event` description of an atelier's next session, for search engines and assistants.

The builder returns plain data; `network.jsonld.dumps_for_script` makes it safe inside `<script>`. What must
stay true: dates carry their UTC offset (a bare local time is ambiguous to a crawler; an all-day session is
given as dates), the status and the availability follow the session (not only the series), and unknown
facts are left out rather than written empty.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.html import strip_tags

from . import enums

SCHEMA = "https://schema.org/"

EVENT_STATUS = {
    enums.Status.SCHEDULED: "EventScheduled",
    enums.Status.FULL: "EventScheduled",
    enums.Status.CANCELLED: "EventCancelled",
    enums.Status.POSTPONED: "EventPostponed",
}
ATTENDANCE_MODE = {
    enums.Format.ON_SITE: "OfflineEventAttendanceMode",
    enums.Format.REMOTE: "OnlineEventAttendanceMode",
    enums.Format.HYBRID: "MixedEventAttendanceMode",
}


def _without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def _place(atelier, occurrence) -> dict:
    """Where the session happens: the occurrence's place (a session may be moved), else the atelier's."""
    structure = atelier.structure
    commune = occurrence.commune if occurrence else atelier.place_commune()
    at_structure = not atelier.address and commune == structure.commune
    address = _without_empty(
        {
            "@type": "PostalAddress",
            "streetAddress": occurrence.address if occurrence else (atelier.address or structure.adresse),
            "postalCode": atelier.postal_code or (structure.code_postal if at_structure else ""),
            "addressLocality": commune,
            "addressCountry": "FR",
        }
    )
    place = {
        "@type": "Place",
        "name": occurrence.place_name if occurrence else atelier.place_label(),
        "address": address,
    }
    if occurrence and occurrence.latitude is not None and occurrence.longitude is not None:
        coordinates = (occurrence.latitude, occurrence.longitude)
    else:
        coordinates = None if occurrence else atelier.coordinates()
    if coordinates:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": coordinates[0], "longitude": coordinates[1]}
    return place


def _location(atelier, occurrence):
    virtual = {"@type": "VirtualLocation", "url": atelier.online_url} if atelier.online_url else None
    if atelier.format == enums.Format.REMOTE:
        return virtual
    place = _place(atelier, occurrence)
    if atelier.format == enums.Format.HYBRID and virtual:
        return [place, virtual]
    return place


def _offer(atelier, occurrence, page_url: str) -> dict | None:
    status = occurrence.status if occurrence else atelier.status
    if status == enums.Status.CANCELLED:
        return None
    sold_out = status == enums.Status.FULL or (occurrence is not None and occurrence.places_left == 0)
    price = atelier.price_amount if atelier.price == enums.Price.PAYANT else 0
    return {
        "@type": "Offer",
        "price": f"{price:.2f}",
        "priceCurrency": "EUR",
        "availability": SCHEMA + ("SoldOut" if sold_out else "InStock"),
        "url": page_url,
    }


def atelier_jsonld(atelier, occurrence, *, page_url: str, structure_url: str) -> dict:
    """A schema.org `Event` for `atelier`, dated by `occurrence` (its next session; None when it has none).

    `page_url` and `structure_url` are absolute addresses of the atelier's and its structure's pages.
    """
    status = occurrence.status if occurrence else atelier.status
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": page_url,
        "url": page_url,
        "name": atelier.title,
        "description": atelier.summary or " ".join(strip_tags(atelier.description).split()),
        "eventStatus": SCHEMA + EVENT_STATUS.get(status, "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ATTENDANCE_MODE.get(atelier.format, "OfflineEventAttendanceMode"),
    }
    if occurrence is not None and atelier.all_day:
        # schema.org takes a Date: an all-day session has no hours (its end is the next midnight).
        data["startDate"] = timezone.localtime(occurrence.start).date().isoformat()
        data["endDate"] = (timezone.localtime(occurrence.end) - timedelta(days=1)).date().isoformat()
    elif occurrence is not None:
        data["startDate"] = timezone.localtime(occurrence.start).isoformat()
        data["endDate"] = timezone.localtime(occurrence.end).isoformat()
    data["location"] = _location(atelier, occurrence)
    data["organizer"] = {"@type": "Organization", "name": atelier.structure.title, "url": structure_url}
    data["offers"] = _offer(atelier, occurrence, page_url)
    return _without_empty(data)
