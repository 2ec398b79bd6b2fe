"""`opendata.rows`: how a file of the national schema is read, cell by cell, before any database work."""

import pytest
from django.core.exceptions import ValidationError

from opendata.rows import ImportFileError, decode, read_rows, row_fields


def test_decode_reads_utf8_with_bom_and_a_spreadsheets_windows_1252():
    assert decode("\ufeffnom\nMédiathèque\n".encode()) == "nom\nMédiathèque\n"
    assert decode("nom\nMédiathèque\n".encode("cp1252")) == "nom\nMédiathèque\n"


def test_read_rows_normalises_the_header_and_skips_blank_lines():
    text = "ID;Nom;Modalite_acces\nx1;Espace numérique;Se présenter\n;;\nx2;Mairie\n"

    assert read_rows(text) == [
        (2, {"id": "x1", "nom": "Espace numérique", "modalites_acces": "Se présenter"}),
        (4, {"id": "x2", "nom": "Mairie", "modalites_acces": ""}),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Le fichier est vide ou n'est pas un CSV lisible."),
        ("id,adresse\n1,rue\n", "La première ligne du fichier doit nommer les colonnes du schéma national"),
    ],
)
def test_a_file_without_a_usable_header_is_refused_in_french(text, message):
    with pytest.raises(ImportFileError, match=message):
        read_rows(text)


def test_row_fields_keeps_list_values_of_the_schema_and_reports_the_others():
    values, notes = row_fields(
        {
            "nom": "Médiathèque",
            # An older file: `;` between values, and « value : explanation ».
            "services": "Aide aux démarches administratives;Cuisine",
            "frais_a_charge": "Gratuit : Je peux accéder gratuitement au lieu",
            "courriels": "accueil@exemple.fr, contact@exemple.fr",
            "source": "Maillage",
        }
    )

    assert values["title"] == "Médiathèque"
    assert values["services"] == ["Aide aux démarches administratives"]
    assert values["frais_a_charge"] == ["Gratuit"]
    assert values["courriels"] == ["accueil@exemple.fr", "contact@exemple.fr"]
    assert values["source"] == ""  # our own exports' source reads back as « no other source »
    assert notes == ["valeur ignorée dans services : Cuisine"]


def test_row_fields_normalises_phones_and_leaves_out_unreadable_ones():
    values, notes = row_fields({"nom": "Mairie", "telephone": "02 48 00 00 00 | 33248000001 | appeler"})

    assert values["telephone"] == ["+33248000000", "+33248000001"]
    assert notes == ["téléphone non reconnu ignoré : appeler"]


def test_row_fields_reads_a_decimal_comma_and_refuses_text_in_coordinates():
    values, _notes = row_fields({"nom": "Mairie", "latitude": "47,08", "longitude": ""})
    assert (values["latitude"], values["longitude"]) == (47.08, None)

    with pytest.raises(ValidationError, match="« nord » n'est pas un nombre."):
        row_fields({"nom": "Mairie", "latitude": "nord"})
