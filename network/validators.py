"""Validators for the national schema's constrained fields, with French messages and stable codes.

The regular expressions are the schema's own (v1.0.x), so that what we accept the national cartography
accepts too.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

validate_pivot = RegexValidator(
    r"^[a-zA-Z0-9]{9,14}$",
    _("Le SIRET ou le RNA doit compter de 9 à 14 lettres ou chiffres, sans espace (ex. : 21180033300016)."),
    code="pivot_invalid",
)
validate_code_postal = RegexValidator(
    r"^\d{5}$", _("Le code postal compte 5 chiffres (ex. : 18000)."), code="code_postal_invalid"
)
validate_code_insee = RegexValidator(
    r"^([013-9]\d|2[AB1-9])\d{3}$",
    _("Le code INSEE de la commune compte 5 caractères (ex. : 18033 pour Bourges)."),
    code="code_insee_invalid",
)
PHONE_PATTERN = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")


def normalize_phone(value: str) -> str:
    """Rewrite a French number as people type it ("02 48 00 00 00", "02.48…") to the schema's "+33248000000".

    Values that do not look like a national number are returned stripped of separators only, so that the
    validator can reject them with a clear message.
    """
    compact = re.sub(r"[\s.\-()/]", "", value)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"0\d{9}", compact):
        compact = "+33" + compact[1:]
    return compact


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(value):
        raise ValidationError(
            _("Numéro de téléphone non reconnu : %(value)s. Écrivez-le par exemple 02 48 00 00 00."),
            code="telephone_invalid",
            params={"value": value},
        )


def validate_latitude(value: float) -> None:
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(_("La latitude doit être comprise entre -90 et 90."), code="latitude_invalid")


def validate_longitude(value: float) -> None:
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(
            _("La longitude doit être comprise entre -180 et 180."), code="longitude_invalid"
        )
