"""Widgets of the structure form: the opening hours editor and the address lookup.

Both enhance a plain field progressively. Without JavaScript, `horaires` is the OpenStreetMap text field it
has always been, and `adresse` a text input next to hand-typed commune and coordinates; with it, a grid of
days and time ranges writes that same text, and a « Chercher l'adresse » button fills the other fields.
The submitted value is always the field's own text: the grid and the map only help to write it, so nothing
new is stored and the model's validators still decide.
"""

from django import forms
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .horaires import DAY_CODES, DAY_NAMES, OpeningHoursError, parse_opening_hours


def _hhmm(minute: int) -> str:
    """`<input type="time">` value; midnight at the end of a day (1440) is "00:00", as a person reads it."""
    return "{:02d}:{:02d}".format(*divmod(minute % (24 * 60), 60))


def opening_hours_grid(text: str) -> dict:
    """What the hours editor shows for `text`: seven days of ("HH:MM", "HH:MM") ranges and the holidays flag.

    ``readable`` is False when the text is not valid: the grid is then left empty and the expert text, kept
    exactly as typed, is where the editor corrects it.
    """
    try:
        hours = parse_opening_hours(text)
    except OpeningHoursError:
        hours, readable = parse_opening_hours(""), False
    else:
        readable = True
    days = [
        {
            "code": code,
            "name": str(name),
            "ranges": [(_hhmm(start), _hhmm(end)) for start, end in ranges],
        }
        for code, name, ranges in zip(DAY_CODES, DAY_NAMES, hours.days, strict=True)
    ]
    return {"days": days, "closed_on_public_holidays": hours.closed_on_public_holidays, "readable": readable}


class OpeningHoursWidget(forms.Textarea):
    """The `horaires` text field, with a day-by-day editor (`network/static/network/opening-hours.js`)."""

    template_name = "network/widgets/opening_hours.html"

    class Media:
        css = {"all": ["network/structure-form.css"]}
        js = ["network/opening-hours.js"]

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 2, "cols": 60, "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["grid"] = opening_hours_grid(value or "")
        return context


class AddressLookupWidget(forms.TextInput):
    """The `adresse` input, with a BAN lookup and a map whose marker sets the coordinates
    (`network/static/network/address-lookup.js`). Without the setting, only the map is added."""

    template_name = "network/widgets/address_lookup.html"

    class Media:
        css = {"all": ["leaflet/leaflet.css", "network/structure-form.css"]}
        js = ["leaflet/leaflet.js", "network/address-lookup.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        lookup_url = ""
        if settings.MAILLAGE_ADDRESS_LOOKUP:
            try:
                lookup_url = reverse("network_admin:address_lookup")
            except NoReverseMatch:  # the admin's URLs are not mounted (a form rendered outside the admin)
                lookup_url = ""
        center_lat, center_lon = settings.MAILLAGE_MAP_CENTER
        context["widget"].update(
            {
                "lookup_url": lookup_url,
                "tiles_url": settings.MAILLAGE_MAP_TILES_URL,
                "attribution": settings.MAILLAGE_MAP_ATTRIBUTION,
                "center_lat": center_lat,
                "center_lon": center_lon,
                "zoom": settings.MAILLAGE_MAP_ZOOM,
                "marker_label": _("Position du lieu"),
            }
        )
        return context
