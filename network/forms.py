"""Forms of the network app's public pages."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import enums

# What the full-text search accepts: letters, digits, apostrophes and hyphens. Anything else (quotes,
# parentheses, stars…) is query syntax for one backend or another and is read as a space.
_SEARCH_NOISE_RE = re.compile(r"[^\w'’\-]+")


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """A multiple choice that drops unknown values instead of rejecting the whole field.

    Directory addresses are shared, bookmarked and typed by hand; a value renamed since (or misspelt) must
    not empty the results or raise an error, it is simply not applied.
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        return [item for item in self.to_python(value) if self.valid_value(item)]


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string (GET), so that every result list has an address.

    Within one group the values are alternatives ("any of"); groups combine ("all of"). Programmes nationaux
    and labels régionaux form one group, "Labels et dispositifs".
    """

    q = forms.CharField(
        label=_("Rechercher un lieu, une commune, un service"),
        required=False,
        max_length=200,
    )
    bassin = LenientMultipleChoiceField(label=_("Bassin de vie"))
    commune = LenientMultipleChoiceField(label=_("Commune"))
    service = LenientMultipleChoiceField(label=_("Ce que vous voulez faire"), choices=enums.Service.choices)
    public = LenientMultipleChoiceField(label=_("Public accueilli"), choices=enums.Public.choices)
    prise_en_charge = LenientMultipleChoiceField(
        label=_("Accompagnement adapté"), choices=enums.PriseEnCharge.choices
    )
    frais = LenientMultipleChoiceField(label=_("Coût"), choices=enums.Frais.choices)
    acces = LenientMultipleChoiceField(label=_("Comment y accéder"), choices=enums.ModaliteAcces.choices)
    accompagnement = LenientMultipleChoiceField(
        label=_("Façon d'être accompagné"), choices=enums.ModaliteAccompagnement.choices
    )
    label = LenientMultipleChoiceField(
        label=_("Labels et dispositifs"),
        choices=[*enums.DispositifProgramme.choices, *enums.RegionalLabel.choices],
    )
    itinerant = forms.BooleanField(
        label=_("Seulement les services itinérants (bus, permanences)"), required=False
    )
    ouvert = forms.BooleanField(label=_("Seulement les lieux ouverts maintenant"), required=False)

    # Groups of checkboxes shown as fieldsets, in this order; the folded ones start closed unless in use.
    FOLDED_GROUPS = ("commune", "frais", "accompagnement", "acces", "prise_en_charge", "label")
    CHOICE_GROUPS = (
        "service",
        "public",
        "bassin",
        "commune",
        "frais",
        "accompagnement",
        "acces",
        "prise_en_charge",
        "label",
    )

    def __init__(self, data=None, *, bassins=(), communes=(), **kwargs):
        super().__init__(data, **kwargs)
        self.bassins_by_slug = {bassin.slug: bassin for bassin in bassins}
        self.fields["bassin"].choices = [(bassin.slug, bassin.title) for bassin in bassins]
        self.fields["commune"].choices = [(commune, commune) for commune in communes]

    def clean_q(self):
        return " ".join(_SEARCH_NOISE_RE.sub(" ", self.cleaned_data["q"]).split())

    def _value(self, name):
        """A cleaned value, or the field's empty value when it was invalid (invalid input is ignored)."""
        cleaned = getattr(self, "cleaned_data", {})
        if name in cleaned:
            return cleaned[name]
        field = self.fields[name]
        return [] if isinstance(field, forms.MultipleChoiceField) else field.to_python(None)

    @property
    def search_terms(self) -> str:
        return self._value("q")

    @property
    def wants_open_now(self) -> bool:
        return bool(self._value("ouvert"))

    def filter_structures(self, structures, *, now=None):
        """Apply every filter but the full-text search to the `StructurePageQuerySet` `structures`, in the
        database; « ouvert maintenant » is read at `now` (the current time when not given).

        The full-text search is applied by the caller (`network.views.directory`): the search column on
        PostgreSQL, the search backend on SQLite.
        """
        structures = (
            structures.in_bassins([self.bassins_by_slug[slug] for slug in self._value("bassin")])
            .in_communes(self._value("commune"))
            .offering(self._value("service"))
            .for_publics(self._value("public"))
            .with_support(self._value("prise_en_charge"))
            .with_fees(self._value("frais"))
            .with_access(self._value("acces"))
            .with_accompaniment(self._value("accompagnement"))
            .with_labels(self._value("label"))
        )
        if self._value("itinerant"):
            structures = structures.itinerant()
        if self.wants_open_now:
            structures = structures.open_at(now or timezone.now())
        return structures

    @property
    def active_filter_count(self) -> int:
        """How many values are selected, the search excepted: shown next to "Filtrer"."""
        count = sum(len(self._value(name)) for name in self.CHOICE_GROUPS)
        return count + int(bool(self._value("itinerant"))) + int(self.wants_open_now)

    def choice_groups(self):
        return [self[name] for name in self.CHOICE_GROUPS]


class JoinRequestForm(forms.Form):
    """What a person asks for when they request to join a structure (validated by `domain.request_membership`
    too: the form only shapes the input)."""

    role = forms.ChoiceField(
        label=_("Votre rôle dans cette structure"),
        choices=[(role.value, role.label) for role in enums.REQUESTABLE_ROLES],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message pour l'équipe (facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Par exemple : depuis quand vous y intervenez, avec qui vous travaillez."),
    )
