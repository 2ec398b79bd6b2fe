"""French around names and dates (network/text.py, network/templatetags/french.py)."""

from datetime import date

import pytest
from django.template import Context, Template

from network.text import a_name, bassin_name, de_name, fold_accents, french_date


@pytest.mark.parametrize(
    ("name", "with_de", "with_a"),
    [
        (
            "Maison des Expressions et des Loisirs",
            "de la Maison des Expressions et des Loisirs",
            "à la Maison des Expressions et des Loisirs",
        ),
        ("Centre social AJCV", "du Centre social AJCV", "au Centre social AJCV"),
        ("ASEPT – Bus numérique", "de l'ASEPT – Bus numérique", "à l'ASEPT – Bus numérique"),
        ("Espace Jeunes", "de l'Espace Jeunes", "à l'Espace Jeunes"),
        ("Le Blanc", "du Blanc", "au Blanc"),
        ("Les Aix-d'Angillon", "des Aix-d'Angillon", "aux Aix-d'Angillon"),
        ("La Riche", "de La Riche", "à La Riche"),
        ("L'Antre Peaux", "de L'Antre Peaux", "à L'Antre Peaux"),
        ("Issoudun", "d'Issoudun", "à Issoudun"),
        ("Émerainville", "d'Émerainville", "à Émerainville"),
        ("Vierzon", "de Vierzon", "à Vierzon"),
        ("CAF du Cher", "de la CAF du Cher", "à la CAF du Cher"),
        ("Associations Emmetrop", "des Associations Emmetrop", "aux Associations Emmetrop"),
    ],
)
def test_de_and_a_before_a_name(name, with_de, with_a):
    assert (de_name(name), a_name(name)) == (with_de, with_a)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Bassin de vie d'Issoudun", "bassin d'Issoudun"),
        ("Bassin de vie de Bourges", "bassin de Bourges"),
        ("Bassin de vie Argenton-Le Blanc", "bassin d'Argenton-Le Blanc"),
        ("Vierzon", "bassin de Vierzon"),
    ],
)
def test_bassin_name_says_bassin_once(title, expected):
    assert bassin_name(title) == expected


def test_first_of_the_month_is_written_1er():
    assert french_date(date(2026, 12, 1), "l j F Y") == "mardi 1er décembre 2026"
    assert french_date(date(2026, 12, 2), "l j F") == "mercredi 2 décembre"
    assert french_date(date(2026, 12, 1), r"\j\o\u\r j") == "jour 1er"


def test_template_filters():
    template = Template(
        "{% load french %}{{ structure|de }} / {{ structure|a }} / dans le {{ bassin|bassin_name }} / "
        '{{ day|date_fr:"l j F" }}'
    )
    context = Context(
        {"structure": "Le Blanc", "bassin": "Bassin de vie d'Issoudun", "day": date(2026, 12, 1)}
    )

    assert (
        template.render(context)
        == "du Blanc / au Blanc / dans le bassin d&#x27;Issoudun / mardi 1er décembre"
    )


def test_fold_accents_still_folds():
    assert fold_accents("Écrivain Public") == "ecrivain public"
