"""The agenda's filters, shared by the agenda pages, the iCal and JSON exports and the widget.

Every filter is a query-string parameter, so a filtered agenda has an address that can be shared,
bookmarked, subscribed to (`.ics`) or embedded. Unknown or invalid values are ignored, never an error:
addresses are typed by hand and kept for years.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.communes import Point, point_from_commune, point_from_position
from network.forms import LenientMultipleChoiceField

from . import enums
from .distance import RADII_KM, within
from .models import Atelier
from .text_search import search_occurrences


class AgendaFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher un atelier"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "aide-recherche"}),
    )
    # « Près de … »: a commune typed (`pres`) or the browser's position (`lat`, `lon`, set by « Autour de
    # moi »), and a radius. A commune typed wins over a position left in the address.
    pres = forms.CharField(label=_("Près de (commune)"), required=False, max_length=120)
    lat = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    rayon = forms.TypedChoiceField(
        label=_("Dans un rayon de"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(km, f"{km} km") for km in sorted(RADII_KM)],
    )
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    bassin = LenientMultipleChoiceField(label=_("Bassin de vie"))
    commune = LenientMultipleChoiceField(label=_("Commune"))
    theme = LenientMultipleChoiceField(label=_("Thème"), choices=enums.Theme.choices)
    public = LenientMultipleChoiceField(label=_("Public"), choices=enums.AtelierPublic.choices[1:])
    niveau = LenientMultipleChoiceField(label=_("Niveau"), choices=enums.Level.choices)
    format = LenientMultipleChoiceField(label=_("Format"), choices=enums.Format.choices)
    gratuit = forms.BooleanField(label=_("Gratuit"), required=False)
    accessible = forms.BooleanField(label=_("Accessible (handicap)"), required=False)
    soir = forms.BooleanField(label=_("Le soir (après 18 h)"), required=False)
    weekend = forms.BooleanField(label=_("Le week-end"), required=False)
    places = forms.BooleanField(label=_("Places disponibles"), required=False)
    # One structure's agenda (its page, its export, its widget); given by slug, not shown as a field.
    structure = forms.SlugField(required=False, widget=forms.HiddenInput)
    # One event cycle's programme (programmes.CyclePage, by slug): its exports and widget are the agenda's.
    cycle = forms.SlugField(required=False, widget=forms.HiddenInput)

    CHOICE_GROUPS = ("theme", "public", "bassin", "commune", "niveau", "format")
    FLAGS = ("gratuit", "accessible", "soir", "weekend", "places")
    # Query-string keys that are not filters: they never change what an export contains.
    NON_FILTER_KEYS = ("page", "vue", "semaine", "mois")
    NEAR_KEYS = ("pres", "lat", "lon", "rayon")

    def __init__(self, data=None, *, bassins=(), communes=(), **kwargs):
        super().__init__(data, **kwargs)
        self.bassins_by_slug = {bassin.slug: bassin for bassin in bassins}
        self.fields["bassin"].choices = [(bassin.slug, bassin.title) for bassin in bassins]
        self.fields["commune"].choices = [(commune, commune) for commune in communes]

    def _value(self, name):
        cleaned = getattr(self, "cleaned_data", {})
        if name in cleaned:
            return cleaned[name]
        field = self.fields[name]
        return [] if isinstance(field, forms.MultipleChoiceField) else None

    @property
    def start_date(self):
        return self._value("du")

    @property
    def end_date(self):
        end = self._value("au")
        start = self.start_date
        return end if not (end and start and end < start) else start

    @property
    def radius_km(self) -> int:
        return self._value("rayon") or RADII_KM[0]

    @property
    def near(self) -> Point | None:
        """Where « près de » means, or None (no place asked, or a commune we do not know: `near_not_found`).

        Read once per form: the commune costs one or two queries."""
        if not hasattr(self, "_near"):
            typed = (self._value("pres") or "").strip()
            if typed:
                self._near = point_from_commune(typed)
            else:
                self._near = point_from_position(self._value("lat"), self._value("lon"))
        return self._near

    @property
    def near_not_found(self) -> bool:
        return bool((self._value("pres") or "").strip()) and self.near is None

    def selected_bassins(self):
        return [self.bassins_by_slug[slug] for slug in self._value("bassin")]

    def filter_occurrences(self, occurrences):
        """Apply every filter to the `OccurrenceQuerySet` `occurrences` (dates included)."""
        occurrences = (
            occurrences.between(self.start_date, self.end_date)
            .in_bassins(self.selected_bassins())
            .in_communes(self._value("commune"))
            .on_themes(self._value("theme"))
            .for_publics(self._value("public"))
            .at_levels(self._value("niveau"))
            .in_formats(self._value("format"))
        )
        if self._value("structure"):
            slug = self._value("structure")
            co_organised = Atelier.co_organisers.through.objects.filter(structurepage__slug=slug)
            occurrences = occurrences.filter(
                Q(atelier__structure__slug=slug) | Q(atelier_id__in=co_organised.values("atelier_id"))
            )
        if self._value("cycle"):
            # Accepted contributions of the cycle are published as ateliers linked back to them.
            occurrences = occurrences.filter(atelier__contribution__cycle__slug=self._value("cycle"))
        if self._value("gratuit"):
            occurrences = occurrences.free()
        if self._value("accessible"):
            occurrences = occurrences.accessible()
        if self._value("soir"):
            occurrences = occurrences.evening()
        if self._value("weekend"):
            occurrences = occurrences.weekend()
        if self._value("places"):
            occurrences = occurrences.with_places_left()
        if self._value("q"):
            occurrences = search_occurrences(occurrences, self._value("q"))
        if self.near is not None:
            occurrences = within(occurrences, self.near, self.radius_km)
        return occurrences

    @property
    def active_filter_count(self) -> int:
        count = sum(len(self._value(name)) for name in self.CHOICE_GROUPS)
        count += sum(1 for name in self.FLAGS if self._value(name))
        count += int(bool(self._value("q"))) + int(self.near is not None)
        return count + int(bool(self._value("du"))) + int(bool(self._value("au")))

    def choice_groups(self):
        return [self[name] for name in self.CHOICE_GROUPS]

    def flags(self):
        return [self[name] for name in self.FLAGS]
