"""Tests of network.fields: list fields stored the way the national CSV writes them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from network.enums import Public, Service
from network.fields import has_all, has_any
from network.models import StructurePage
from tests.factories import StructureFactory


def stored_text(structure, column: str) -> str:
    """The raw text in the database column, before the field turns it back into a list."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM network_structurepage WHERE page_ptr_id = %s", [structure.pk])
        return cursor.fetchone()[0]


def field(name: str):
    return StructurePage._meta.get_field(name)


# ---- ChoiceListField ----


def test_choice_list_field_stores_values_between_separators(db):
    structure = StructureFactory(publics_specifiquement_adresses=[Public.JEUNES, Public.SENIORS])

    assert stored_text(structure, "publics_specifiquement_adresses") == "|Jeunes|Seniors|"


def test_choice_list_field_stores_in_declaration_order_whatever_the_given_order(db):
    structure = StructureFactory(services=[Service.LOISIRS, Service.DEMARCHES, Service.SECURITE])

    assert stored_text(structure, "services").split("|") == [
        "",
        "Aide aux démarches administratives",
        "Utilisation sécurisée du numérique",
        "Loisirs et créations numériques",
        "",
    ]


def test_choice_list_field_stores_an_empty_list_as_empty_text(db):
    structure = StructureFactory(services=[])

    assert stored_text(structure, "services") == ""
    assert StructurePage.objects.get(pk=structure.pk).services == []


def test_choice_list_field_reads_back_a_list(db):
    structure = StructureFactory(
        publics_specifiquement_adresses=[Public.SENIORS, Public.JEUNES, Public.SENIORS]
    )

    assert StructurePage.objects.get(pk=structure.pk).publics_specifiquement_adresses == ["Jeunes", "Seniors"]


def test_choice_list_field_rejects_unknown_values_with_invalid_choice_code():
    with pytest.raises(ValidationError) as caught:
        field("publics_specifiquement_adresses").validate(["Seniors", "Martiens"], None)

    assert caught.value.code == "invalid_choice"
    assert caught.value.params == {"value": "Martiens"}


def test_choice_list_field_unknown_value_fails_full_clean_on_the_field(db):
    structure = StructurePage(title="Lieu", slug="lieu", commune="Bourges", services=["Cours de macramé"])

    with pytest.raises(ValidationError) as caught:
        structure.full_clean(exclude=["path", "depth", "url_path"])

    assert [error.code for error in caught.value.error_dict["services"]] == ["invalid_choice"]


def test_choice_list_field_displays_labels_of_codes():
    assert field("typologie").get_choices_display(["BIB", "RFS"]) == [
        "Bibliothèque, médiathèque",
        "France Services",
    ]


def test_has_any_matches_whole_values_only(db):
    StructureFactory(title="Jeunes", publics_specifiquement_adresses=[Public.JEUNES])
    StructureFactory(title="Seniors", publics_specifiquement_adresses=[Public.SENIORS])
    StructureFactory(title="Familles", publics_specifiquement_adresses=[Public.FAMILLES])

    matched = StructurePage.objects.filter(has_any("publics_specifiquement_adresses", ["Jeunes", "Famille"]))

    assert sorted(matched.values_list("title", flat=True)) == ["Jeunes"]


def test_has_all_needs_every_value(db):
    StructureFactory(title="Les deux", publics_specifiquement_adresses=[Public.JEUNES, Public.SENIORS])
    StructureFactory(title="Un seul", publics_specifiquement_adresses=[Public.SENIORS])

    matched = StructurePage.objects.filter(has_all("publics_specifiquement_adresses", ["Seniors", "Jeunes"]))

    assert list(matched.values_list("title", flat=True)) == ["Les deux"]


# ---- StringListField ----


def test_string_list_field_normalises_phone_numbers_as_the_schema_wants(db):
    structure = StructureFactory(telephone=["02 48 12 34 56", "06.12.34.56.78", "0033 2 47 00 00 00"])

    assert stored_text(structure, "telephone") == "|+33248123456|+33612345678|+33247000000|"
    assert StructurePage.objects.get(pk=structure.pk).telephone == [
        "+33248123456",
        "+33612345678",
        "+33247000000",
    ]


def test_string_list_field_reads_one_value_per_line():
    assert field("telephone").to_python("02 48 12 34 56\n\n  06 12 34 56 78  \n") == [
        "+33248123456",
        "+33612345678",
    ]


def test_string_list_field_keeps_the_given_order_and_drops_duplicates():
    assert field("courriels").get_prep_value(["b@exemple.fr", "a@exemple.fr", "b@exemple.fr"]) == (
        "|b@exemple.fr|a@exemple.fr|"
    )


def test_string_list_field_rejects_a_number_that_is_not_a_phone_number():
    with pytest.raises(ValidationError) as caught:
        field("telephone").clean("12 34", None)

    assert caught.value.code == "telephone_invalid"
