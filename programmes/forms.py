"""Forms of the structure side of a cycle: a contribution's content, a step's message, a comment.

The forms only check what a person typed and turn it into the plain `data` dict that
`programmes.domain.create_contribution` / `update_contribution` take (one key per `domain.CONTENT_FIELDS`);
who may act and what the state allows stay the domain's business.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_lazy as _

from events import enums as event_enums
from network.text import french_date
from network.validators import validate_code_postal

from . import permissions
from .domain import CONTENT_FIELDS
from .enums import ContributionFormat, Need

# How many dates a proposal offers by default: enough for a week's daily session, few enough to read.
DATE_FIELDS = 6
PLACE_FIELDS = ("place_name", "address", "postal_code", "commune")
# Registration modes that only work when the public knows the number, the address or the link.
REGISTRATION_WITH_DETAILS = {
    event_enums.Registration.PHONE,
    event_enums.Registration.EMAIL,
    event_enums.Registration.LINK,
}
# Needs the coordinators can only meet if they know more (what equipment, which subject).
NEEDS_WITH_DETAILS = {Need.EQUIPMENT, Need.SPEAKER}


class StructureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.commune})" if obj.commune else obj.title


class StructureMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.commune})" if obj.commune else obj.title


def _ordered(values, choices) -> list[str]:
    """Values in the choices' declaration order, as the model stores them: edits then compare equal."""
    order = [value for value, _label in choices]
    return [value for value in order if value in values]


class ContributionForm(forms.Form):
    """A structure's proposal to a cycle, new (`contribution=None`) or edited.

    The host structure is chosen among `permissions.contributing_structures` when proposing (and is not shown
    when there is only one); it never changes afterwards. Dates are separate day inputs, each within the
    cycle's days; the hours are shared by every date. `contribution_data()` returns the domain's `data`.
    """

    structure = StructureChoiceField(
        label=_("Au nom de quelle structure ?"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez la structure qui propose la contribution."),
            "invalid_choice": _("Vous ne pouvez pas proposer de contribution pour cette structure."),
        },
    )
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        help_text=_("Court et parlant. Par exemple : « Faire ses démarches en ligne sans stress »."),
        error_messages={"required": _("Donnez un titre à la contribution.")},
    )
    summary = forms.CharField(
        label=_("Résumé"),
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 280}),
        help_text=_("280 caractères au plus, en mots simples : ce que l'on y fait, pour qui."),
        error_messages={"required": _("Écrivez un résumé de quelques mots.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Facultatif : le déroulé, ce qu'il faut apporter, à qui s'adresser."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=ContributionFormat.choices)
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"),
        choices=event_enums.Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un thème.")},
    )
    publics = forms.MultipleChoiceField(
        label=_("Publics"),
        choices=event_enums.AtelierPublic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un public.")},
    )
    start_time = forms.TimeField(
        label=_("Heure de début"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Indiquez l'heure de début."), "invalid": _("Heure invalide.")},
    )
    end_time = forms.TimeField(
        label=_("Heure de fin"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Indiquez l'heure de fin."), "invalid": _("Heure invalide.")},
    )
    at_host = forms.BooleanField(
        label=_("La contribution a lieu à la structure, à son adresse"),
        required=False,
        initial=True,
        help_text=_("Décochez si elle a lieu ailleurs, et indiquez alors le lieu ci-dessous."),
    )
    place_name = forms.CharField(label=_("Nom du lieu"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Adresse"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    capacity = forms.IntegerField(
        label=_("Nombre de places"),
        required=False,
        min_value=1,
        help_text=_("Facultatif. Laissez vide si les places ne sont pas limitées."),
        error_messages={"min_value": _("Au moins une place."), "invalid": _("Indiquez un nombre entier.")},
    )
    registration = forms.ChoiceField(
        label=_("Inscription"),
        choices=event_enums.Registration.choices,
        initial=event_enums.Registration.NONE,
    )
    registration_details = forms.CharField(
        label=_("Pour s'inscrire"),
        max_length=255,
        required=False,
        help_text=_("Le numéro de téléphone, l'adresse e-mail ou le lien, selon le mode d'inscription."),
    )
    co_organisers = StructureMultipleChoiceField(
        label=_("Structures co-organisatrices"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Facultatif. La contribution paraîtra aussi dans leur agenda."),
        error_messages={"invalid_choice": _("Cette structure ne fait pas partie du territoire du cycle.")},
    )
    needs = forms.MultipleChoiceField(
        label=_("Vos besoins"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Facultatif. Ce que la coordination du cycle pourrait vous apporter."),
    )
    needs_details = forms.CharField(
        label=_("Précisions sur les besoins"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quel matériel, quel sujet pour l'intervenant·e…"),
    )

    def __init__(self, data=None, *, cycle, user, contribution=None, **kwargs):
        self.cycle = cycle
        self.contribution = contribution
        if contribution is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(contribution)
        super().__init__(data, **kwargs)
        self.date_names = self._add_date_fields(contribution)

        if contribution is not None:
            # The host never changes: it is the contribution's owner.
            del self.fields["structure"]
            self.fixed_structure = contribution.structure
        else:
            choices = permissions.contributing_structures(user, cycle)
            structures = list(choices)
            self.fields["structure"].queryset = choices
            self.fixed_structure = structures[0] if len(structures) == 1 else None
            if self.fixed_structure is not None:
                del self.fields["structure"]

        partners = cycle.territory_structures().order_by("title")
        if self.fixed_structure is not None:
            partners = partners.exclude(pk=self.fixed_structure.pk)
        self.fields["co_organisers"].queryset = partners

    @staticmethod
    def initial_from(contribution) -> dict:
        initial = {name: getattr(contribution, name) for name in CONTENT_FIELDS if name != "dates"}
        for index, day in enumerate(contribution.date_list, start=1):
            initial[f"date_{index}"] = day
        initial["co_organisers"] = [structure.pk for structure in contribution.co_organisers.all()]
        return initial

    def _add_date_fields(self, contribution) -> list[str]:
        """`date_1` (required) … `date_N` (optional), N = 6 or more when an edited proposal has more."""
        count = max(DATE_FIELDS, len(contribution.dates) if contribution is not None else 0)
        days = {"min": self.cycle.start_date.isoformat(), "max": self.cycle.end_date.isoformat()}
        names = []
        for index in range(1, count + 1):
            name = f"date_{index}"
            self.fields[name] = forms.DateField(
                label=_("Date %(number)s") % {"number": index}
                if index == 1
                else _("Date %(number)s (facultatif)") % {"number": index},
                required=index == 1,
                widget=forms.DateInput(attrs={"type": "date", **days}, format="%Y-%m-%d"),
                error_messages={
                    "required": _("Indiquez au moins une date."),
                    "invalid": _("Date invalide : utilisez le format jj/mm/aaaa."),
                },
            )
            names.append(name)
        return names

    # Grouping for the template ---------------------------------------------------------------------------

    @property
    def date_fields(self):
        return [self[name] for name in self.date_names]

    @property
    def place_fields(self):
        return [self[name] for name in PLACE_FIELDS]

    @property
    def structure_choice(self):
        """The structure field, when the person has a choice to make."""
        return self["structure"] if "structure" in self.fields else None

    @property
    def host(self):
        """The host structure: fixed, or the one chosen (None until the form is valid)."""
        if self.fixed_structure is not None:
            return self.fixed_structure
        return getattr(self, "cleaned_data", {}).get("structure")

    # Validation ------------------------------------------------------------------------------------------

    def _cycle_days_label(self) -> dict:
        return {
            "start": french_date(self.cycle.start_date, "j F Y"),
            "end": french_date(self.cycle.end_date, "j F Y"),
        }

    def clean(self):
        cleaned = super().clean()
        self._clean_dates(cleaned)
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error(
                "end_time",
                ValidationError(
                    _("L'heure de fin doit être après l'heure de début."), code="end_before_start"
                ),
            )
        self._clean_place(cleaned)
        self._clean_registration(cleaned)
        self._clean_co_organisers(cleaned)
        needs = set(cleaned.get("needs") or [])
        if needs & NEEDS_WITH_DETAILS and not cleaned.get("needs_details", "").strip():
            self.add_error(
                "needs_details",
                ValidationError(
                    _("Précisez le matériel ou le sujet de l'intervention dont vous avez besoin."),
                    code="needs_details_missing",
                ),
            )
        return cleaned

    def _clean_dates(self, cleaned) -> None:
        seen: set[date] = set()
        for name in self.date_names:
            day = cleaned.get(name)
            if day is None:
                continue
            if not self.cycle.start_date <= day <= self.cycle.end_date:
                self.add_error(
                    name,
                    ValidationError(
                        _("Choisissez un jour du cycle, du %(start)s au %(end)s."),
                        code="date_outside_cycle",
                        params=self._cycle_days_label(),
                    ),
                )
            elif day in seen:
                self.add_error(
                    name, ValidationError(_("Cette date est déjà indiquée plus haut."), code="duplicate_date")
                )
            seen.add(day)

    def _clean_place(self, cleaned) -> None:
        if cleaned.get("at_host"):
            return
        missing = {
            "place_name": _("Indiquez le nom du lieu, puisque la contribution n'a pas lieu à la structure."),
            "address": _("Indiquez l'adresse du lieu."),
            "postal_code": _("Indiquez le code postal du lieu."),
            "commune": _("Indiquez la commune du lieu."),
        }
        for name, message in missing.items():
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, ValidationError(message, code="place_missing"))
        if cleaned.get("postal_code"):
            try:
                validate_code_postal(cleaned["postal_code"])
            except ValidationError as error:
                self.add_error("postal_code", error)

    def _clean_registration(self, cleaned) -> None:
        registration = cleaned.get("registration")
        details = cleaned.get("registration_details", "").strip()
        if registration not in REGISTRATION_WITH_DETAILS:
            return
        if not details:
            self.add_error(
                "registration_details",
                ValidationError(
                    _("Indiquez le numéro, l'adresse ou le lien pour s'inscrire."),
                    code="registration_missing",
                ),
            )
            return
        check, message = {
            event_enums.Registration.EMAIL: (validate_email, _("Indiquez une adresse e-mail valide.")),
            event_enums.Registration.LINK: (
                URLValidator(schemes=["http", "https"]),
                _("Indiquez un lien complet, commençant par https://."),
            ),
        }.get(registration, (None, ""))
        if check is None:
            return
        try:
            check(details)
        except ValidationError:
            self.add_error(
                "registration_details", ValidationError(message, code="registration_details_invalid")
            )

    def _clean_co_organisers(self, cleaned) -> None:
        host = self.host
        partners = cleaned.get("co_organisers") or []
        if host is not None and any(partner.pk == host.pk for partner in partners):
            self.add_error(
                "co_organisers",
                ValidationError(
                    _("La structure qui accueille ne peut pas être aussi co-organisatrice."),
                    code="host_co_organiser",
                ),
            )

    # Output ----------------------------------------------------------------------------------------------

    def contribution_data(self) -> dict:
        """The domain's `data`: every content field, with the types the model holds (so that an edit that
        changes nothing records nothing)."""
        cleaned = self.cleaned_data
        days = sorted({cleaned[name] for name in self.date_names if cleaned.get(name)})
        data = {
            "title": cleaned["title"],
            "summary": cleaned["summary"],
            "description": cleaned["description"],
            "format": cleaned["format"],
            "themes": _ordered(cleaned["themes"], event_enums.Theme.choices),
            "publics": _ordered(cleaned["publics"], event_enums.AtelierPublic.choices),
            "dates": [day.isoformat() for day in days],
            "start_time": cleaned["start_time"],
            "end_time": cleaned["end_time"],
            "at_host": cleaned["at_host"],
            "capacity": cleaned["capacity"],
            "registration": cleaned["registration"],
            "registration_details": cleaned["registration_details"]
            if cleaned["registration"] in REGISTRATION_WITH_DETAILS
            else "",
            "needs": _ordered(cleaned["needs"], Need.choices),
            "needs_details": cleaned["needs_details"] if cleaned["needs"] else "",
        }
        for name in PLACE_FIELDS:
            # A session at the host has no other place: stale values would mislead the public.
            data[name] = "" if cleaned["at_host"] else cleaned[name]
        return data

    def chosen_co_organisers(self) -> list:
        return list(self.cleaned_data.get("co_organisers") or [])


class StepForm(forms.Form):
    """The message that goes with a step; asking for changes without saying which is refused."""

    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, *, step: str, **kwargs):
        self.step = step
        super().__init__(data, **kwargs)
        if step == "request_changes":
            self.fields["message"].required = True
            self.fields["message"].label = _("Ce que la structure doit modifier")
            self.fields["message"].error_messages["required"] = _(
                "Dites à la structure ce qu'elle doit modifier."
            )
        elif step == "decline":
            self.fields["message"].label = _("Motif du refus (facultatif)")
        else:
            self.fields["message"].label = _("Message (facultatif)")


class CommentForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Le message est vide.")},
    )
