"""`ChoiceListField`: a multi-select of fixed values, stored like the national CSV writes it.

The national schema joins multi-valued enumerations with `|`. We store them the same way, with a leading and a
trailing separator (`|Jeunes|Seniors|`), so that "has this value" is a plain `LIKE '%|Seniors|%'` that works
identically on SQLite and PostgreSQL (JSON containment is not available on SQLite), and so that exports are a
strip away from the standard's format. In Python the value is always a list of strings.
"""

from django import forms
from django.core import exceptions
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

SEPARATOR = "|"


class ChoiceListField(models.TextField):
    """A list of values taken from `choices`, stored as `|a|b|`.

    Order follows the declaration order of the choices, whatever order the values were given in, so that two
    equal selections always store the same text.
    """

    description = _("Liste de valeurs")

    def __init__(self, *args, choices=None, **kwargs):
        self.value_choices = list(choices or [])
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices"] = self.value_choices
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    @property
    def allowed_values(self) -> list[str]:
        return [value for value, _label in self.value_choices]

    @cached_property
    def _order(self) -> dict[str, int]:
        """Each value's place among the choices: built once per field, not on every row written (a calendar
        import writes three such lists for each of thousands of ateliers)."""
        return {value: index for index, value in enumerate(self.allowed_values)}

    def _ordered(self, values) -> list[str]:
        order = self._order
        unique = list(dict.fromkeys(values))
        return sorted(unique, key=lambda value: order.get(value, len(order)))

    def to_python(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [part for part in value.split(SEPARATOR) if part]
        return list(value)

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def get_prep_value(self, value):
        # A bare string is a lookup operand (e.g. `services__contains="|Seniors|"`): pass it through.
        if isinstance(value, str) or value is None:
            return value
        if not value:
            return ""
        values = self._ordered(value)
        return f"{SEPARATOR}{SEPARATOR.join(values)}{SEPARATOR}" if values else ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        if not self.editable:
            return
        invalid = [item for item in value or [] if item not in self.allowed_values]
        if invalid:
            raise exceptions.ValidationError(
                _("Valeur non reconnue : %(value)s. Choisissez dans la liste proposée."),
                code="invalid_choice",
                params={"value": ", ".join(invalid)},
            )
        if not self.blank and not value:
            raise exceptions.ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.value_choices,
            "required": not self.blank,
            "widget": forms.CheckboxSelectMultiple,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        defaults.pop("choices_form_class", None)
        defaults.pop("max_length", None)
        defaults.pop("empty_value", None)
        return form_class(**defaults)

    def get_choices_display(self, values) -> list[str]:
        labels = dict(self.value_choices)
        return [str(labels.get(value, value)) for value in values]


def has_any(field_name: str, values) -> Q:
    """A filter matching rows whose `field_name` list holds at least one of `values`."""
    condition = Q()
    for value in values:
        condition |= Q(**{f"{field_name}__contains": f"{SEPARATOR}{value}{SEPARATOR}"})
    return condition


def has_all(field_name: str, values) -> Q:
    """A filter matching rows whose `field_name` list holds every one of `values`."""
    condition = Q()
    for value in values:
        condition &= Q(**{f"{field_name}__contains": f"{SEPARATOR}{value}{SEPARATOR}"})
    return condition


class StringListField(ChoiceListField):
    """A list of free strings (phone numbers, e-mail addresses, web sites), edited one per line.

    `item_validators` check each value; `normalize` (optional) rewrites each value first, e.g. a phone number
    typed "02 48 00 00 00" is stored as "+33248000000", the form the national schema demands.
    """

    def __init__(self, *args, item_validators=(), normalize=None, **kwargs):
        self.item_validators = list(item_validators)
        self.normalize = normalize
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, path, args, kwargs

    def _ordered(self, values) -> list[str]:
        return list(dict.fromkeys(value for value in values if value))

    def to_python(self, value):
        if isinstance(value, str) and SEPARATOR not in value:
            value = [line.strip() for line in value.splitlines()]
        values = [item.strip() for item in super().to_python(value) if item and item.strip()]
        if self.normalize:
            values = [self.normalize(item) for item in values]
        return values

    def validate(self, value, model_instance):
        if not self.blank and not value:
            raise exceptions.ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value):
        for item in value or []:
            for validator in self.item_validators:
                validator(item)

    def formfield(self, **kwargs):
        return LinesFormField(
            **{
                "required": not self.blank,
                "label": self.verbose_name,
                "help_text": self.help_text,
                **kwargs,
            }
        )


class LinesFormField(forms.CharField):
    """Edits a list of strings in a textarea, one value per line."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]
