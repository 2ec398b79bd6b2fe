"""accounts/locale: Maillage's corrections of allauth's French catalogue win, and still match allauth."""

import gettext
from pathlib import Path

import allauth
import pytest
from django.utils import translation

import accounts

OURS = gettext.GNUTranslations(
    (Path(accounts.__file__).parent / "locale/fr/LC_MESSAGES/django.mo").open("rb")
)
ALLAUTH = gettext.GNUTranslations(
    (Path(allauth.__file__).parent / "locale/fr/LC_MESSAGES/django.mo").open("rb")
)
CORRECTED = sorted(msgid for msgid in OURS._catalog if msgid)


def test_every_correction_targets_a_message_allauth_has():
    """After an allauth upgrade that rewords a message, its correction here would silently stop applying."""
    assert [msgid for msgid in CORRECTED if msgid not in ALLAUTH._catalog] == []


@pytest.mark.parametrize("msgid", CORRECTED)
def test_correction_wins_over_allauth(msgid):
    with translation.override("fr"):
        assert translation.gettext(msgid) == OURS._catalog[msgid]


def test_a_known_mistranslation_is_fixed():
    with translation.override("fr"):
        text = translation.gettext(
            "Your email verification code is listed below. Please enter it in your open browser window."
        )

    assert text == (
        "Voici votre code de vérification d'adresse e-mail. Saisissez-le dans la fenêtre ouverte de votre "
        "navigateur."
    )
