"""The national schema's constraints, with their French messages and codes."""

import pytest
from django.core.exceptions import ValidationError

from network.validators import (
    normalize_phone,
    validate_code_insee,
    validate_code_postal,
    validate_latitude,
    validate_phone,
    validate_pivot,
)


def _code(validator, value) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value.code


@pytest.mark.parametrize("value", ["21180033300016", "W181000123", "123456789"])
def test_validate_pivot_accepts_siret_and_rna(value):
    assert validate_pivot(value) is None


@pytest.mark.parametrize("value", ["1234", "2118 0033 3000 16", "211800333000161"])
def test_validate_pivot_rejects_malformed_values(value):
    assert _code(validate_pivot, value) == "pivot_invalid"


def test_validate_code_postal_rejects_four_digits():
    assert validate_code_postal("18000") is None
    assert _code(validate_code_postal, "1800") == "code_postal_invalid"


@pytest.mark.parametrize("value", ["18033", "2A004", "2B033", "97101"])
def test_validate_code_insee_accepts_corsica_and_overseas(value):
    assert validate_code_insee(value) is None


@pytest.mark.parametrize("value", ["20000", "2C004", "1803"])
def test_validate_code_insee_rejects_invalid_codes(value):
    assert _code(validate_code_insee, value) == "code_insee_invalid"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("02 48 12 34 56", "+33248123456"),
        ("02.48.12.34.56", "+33248123456"),
        ("0033 2 48 12 34 56", "+33248123456"),
        ("+33 2 48 12 34 56", "+33248123456"),
        ("+262 262 12 34 56", "+262262123456"),
    ],
)
def test_normalize_phone_gives_schema_format(typed, stored):
    assert normalize_phone(typed) == stored
    assert validate_phone(stored) is None


def test_validate_phone_message_is_french_and_names_the_value():
    with pytest.raises(ValidationError) as excinfo:
        validate_phone("12")

    assert excinfo.value.code == "telephone_invalid"
    assert "Numéro de téléphone non reconnu : 12" in str(excinfo.value.messages[0])


def test_validate_latitude_range():
    assert validate_latitude(47.08) is None
    assert _code(validate_latitude, 91.0) == "latitude_invalid"
