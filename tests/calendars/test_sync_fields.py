"""Tests of `calendars.sync_fields`: how a calendar's free text becomes an atelier's fields."""

import html
import re
from types import SimpleNamespace

import pytest

from calendars.sync_fields import description_html, override_title
from events.sanitize import clean_html

PLAIN_TEXTS = [
    'Venez avec votre appareil : l\'atelier "pas à pas" & gratuit < 3 € > rien',
    "Première ligne\nDeuxième ligne\n\nNouveau paragraphe",
    "Espace\xa0insécable, tabulation\tet émoji 😀",
    "Déjà échappé : &amp; &nbsp; &#39; <pas une balise> </x",
    "Caractère de contrôle \x07 et \x1b[0m",
]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_description_html_of_plain_text_is_what_the_sanitizer_writes(text):
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    sanitized = clean_html("".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs))

    assert description_html(text) == sanitized


def test_description_html_sanitizes_html_from_the_calendar():
    assert description_html('<p onclick="x()">Bonjour <script>alert(1)</script><b>à tous</b></p>') == (
        "<p>Bonjour <b>à tous</b></p>"
    )


def test_override_title_is_empty_when_the_session_keeps_the_series_title():
    series = SimpleNamespace(title="Atelier tablette")

    own = override_title(SimpleNamespace(summary="Atelier tablette : spécial photos"), series)
    same = override_title(SimpleNamespace(summary=" Atelier tablette "), series)

    assert (own, same) == ("Atelier tablette : spécial photos", "")
