"""The query parameters of each list, read with Django forms: a wrong value is a 400 with a French message,
never a 500 and never silently ignored (a peer that asked `updated_since=hier` must know it got everything).
"""

from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError as FormValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

MAX_TEXT_LENGTH = 200
# Moments outside these bounds overflow when converted to UTC for the database: refused with a message.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class MomentField(forms.DateTimeField):
    """An ISO 8601 date and time (`2026-01-31T08:00:00Z`; without an offset, Paris time)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not EARLIEST <= moment <= LATEST:
            raise FormValidationError(_("Indiquez une date entre 1900 et 9000."), code="out_of_range")
        return moment


class ListFilters(forms.Form):
    """What every list accepts: objects changed strictly after a moment."""

    updated_since = MomentField(required=False)

    @classmethod
    def read(cls, query_params) -> dict:
        """The cleaned values of the parameters given (absent ones are None or ""), or a 400."""
        form = cls(data=query_params)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return form.cleaned_data


class StructureFilters(ListFilters):
    bassin = forms.UUIDField(required=False)
    commune = forms.CharField(required=False, max_length=MAX_TEXT_LENGTH)
    service = forms.CharField(required=False, max_length=MAX_TEXT_LENGTH)
    q = forms.CharField(required=False, max_length=MAX_TEXT_LENGTH)


class AtelierFilters(ListFilters):
    bassin = forms.UUIDField(required=False)
    structure = forms.UUIDField(required=False)


class SessionFilters(AtelierFilters):
    atelier = forms.CharField(required=False, max_length=255)
    start_after = MomentField(required=False)
    start_before = MomentField(required=False)
