"""templates/account, templates/mfa, templates/allauth: every account page in French, in the site's layout."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.accounts.factories import VerifiedUserFactory, activate_totp

# English words that allauth's own templates would show; none may reach a page ("Google Authenticator", an
# app's name, may).
ENGLISH = re.compile(
    r"\b(Sign|Password|Email|Confirm|Cancel|Remember|Forgot|Authenticator (?:app|code|secret)|Recovery|"
    r"Verify|Verified|Primary|Remove|Activate|Deactivate|Enter|Please|Menu|Messages)\b"
)


def page_facts(response) -> tuple[int, str, str, list[str]]:
    """(status, <title>, <h1>, English words in the visible text of <main>)."""
    html = BeautifulSoup(response.content, "html.parser")
    main_text = html.find("main").get_text(" ")
    return (
        response.status_code,
        " ".join(html.title.get_text().split()),
        " ".join(html.find("main").find("h1").get_text().split()),
        ENGLISH.findall(main_text),
    )


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/comptes/login/", "Se connecter"),
        ("/comptes/signup/", "Créer un compte"),
        ("/comptes/password/reset/", "Mot de passe oublié"),
        ("/comptes/password/reset/done/", "Consultez vos e-mails"),
        ("/comptes/confirm-email/", "Vérifiez votre adresse e-mail"),
        ("/comptes/confirm-email/cle-inconnue/", "Confirmer votre adresse e-mail"),
        ("/comptes/password/reset/key/1-cle-inconnue/", "Lien non valable"),
        ("/comptes/inactive/", "Compte désactivé"),
    ],
)
def test_entrance_pages_are_french(client, db, path, title):
    response = client.get(path)

    assert page_facts(response) == (200, f"{title} – Maillage", title, [])


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/comptes/mon-compte/", "Mon compte"),
        ("/comptes/mon-compte/supprimer/", "Supprimer mon compte"),
        ("/comptes/email/", "Adresses e-mail"),
        ("/comptes/password/change/", "Changer de mot de passe"),
        ("/comptes/logout/", "Se déconnecter"),
        ("/comptes/2fa/", "Double authentification"),
        ("/comptes/reauthenticate/", "Confirmez votre identité"),
    ],
)
def test_signed_in_pages_are_french(client, db, path, title):
    client.force_login(VerifiedUserFactory())

    response = client.get(path)

    assert page_facts(response) == (200, f"{title} – Maillage", title, [])


def test_set_password_page_is_french(client, db):
    person = VerifiedUserFactory()
    person.set_unusable_password()
    person.save()
    client.force_login(person)

    response = client.get("/comptes/password/set/")

    assert page_facts(response) == (200, "Choisir un mot de passe – Maillage", "Choisir un mot de passe", [])


def test_totp_activation_page_shows_qr_code_and_secret(client, db, log_in):
    person = VerifiedUserFactory()
    log_in(client, person, reauthenticate=True)

    response = client.get("/comptes/2fa/totp/activate/")

    html = BeautifulSoup(response.content, "html.parser")
    title = "Activer la double authentification"
    assert page_facts(response) == (200, f"{title} – Maillage", title, [])
    assert html.find("img", class_="account-qr")["alt"] == (
        "QR code à scanner avec votre application d'authentification"
    )
    secret_input = html.find("input", id="authenticator_secret")
    assert (secret_input["value"], secret_input.has_attr("readonly")) == (
        client.session["mfa.totp.secret"],
        True,
    )
    assert " ".join(html.find("label", attrs={"for": "id_code"}).get_text().split()) == "Code à 6 chiffres :"


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/comptes/2fa/totp/deactivate/", "Désactiver l'application d'authentification"),
        ("/comptes/2fa/recovery-codes/", "Codes de secours"),
        ("/comptes/2fa/recovery-codes/generate/", "Nouveaux codes de secours"),
        ("/comptes/2fa/", "Double authentification"),
    ],
)
def test_mfa_management_pages_are_french(client, db, log_in, path, title):
    person = VerifiedUserFactory()
    secret = activate_totp(person)
    log_in(client, person, secret=secret, reauthenticate=True)

    response = client.get(path)

    assert page_facts(response) == (200, f"{title} – Maillage", title, [])


def test_recovery_codes_page_lists_the_unused_codes(client, db, log_in):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    person = VerifiedUserFactory()
    secret = activate_totp(person)
    log_in(client, person, secret=secret, reauthenticate=True)

    response = client.get("/comptes/2fa/recovery-codes/")

    codes = RecoveryCodes(Authenticator.objects.get(user=person, type="recovery_codes")).get_unused_codes()
    listed = [
        li.get_text(strip=True)
        for li in BeautifulSoup(response.content, "html.parser").select(".account-codes li")
    ]
    assert (listed, len(listed)) == (codes, 10)
    assert "Il vous reste 10 codes sur 10." in response.content.decode()


def test_mfa_index_says_it_is_mandatory_for_a_coordinator(client, db):
    from tests.accounts.factories import make_coordinator

    client.force_login(make_coordinator())

    response = client.get(reverse("mfa_index"))

    assert "Obligatoire pour vous" in response.content.decode()


def test_mfa_index_does_not_say_mandatory_for_others(client, db):
    client.force_login(VerifiedUserFactory())

    response = client.get(reverse("mfa_index"))

    assert "Obligatoire pour vous" not in response.content.decode()


def test_login_page_labels_every_field(client, db):
    html = BeautifulSoup(client.get("/comptes/login/").content, "html.parser")

    labels = {label["for"]: " ".join(label.get_text().split()) for label in html.select("main form label")}

    assert labels == {
        "id_login": "Adresse e-mail :",
        "id_password": "Mot de passe :",
        "id_remember": "Rester connecté·e sur cet appareil",
    }


def test_rate_limited_page_is_french(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/ip"}
    VerifiedUserFactory(email="camille@exemple.fr")

    client.post("/comptes/password/reset/", {"email": "camille@exemple.fr"})
    response = client.post("/comptes/password/reset/", {"email": "camille@exemple.fr"})

    assert page_facts(response) == (429, "Trop de demandes – Maillage", "Trop de demandes", [])
