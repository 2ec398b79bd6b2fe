"""What a person does with allauth as configured for Maillage: sign up and verify, reset a password, change
address, log in with a second factor, and hit the rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.settings import base
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, activate_totp, totp_code
from tests.outbox.factories import sent_emails

NEW_PASSWORD = "un-nouveau-mot-de-passe-solide"


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def link_in(message, prefix: str) -> str:
    return re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+)", message.body).group(1)


# Sign-up and verification ------------------------------------------------------------------------------


def test_signup_sends_a_french_verification_email_and_does_not_log_in(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "dominique@exemple.fr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
    assert "_auth_user_id" not in client.session
    assert [(message.subject, message.to) for message in sent_emails()] == [
        ("[Maillage] Confirmez votre adresse e-mail", ["dominique@exemple.fr"])
    ]
    body = sent_emails()[0].body
    assert body.startswith(
        "Bonjour,\n\nQuelqu'un — vous, sans doute — a indiqué l'adresse dominique@exemple.fr"
    )
    assert "Pour confirmer que cette adresse est bien la vôtre, ouvrez ce lien :" in body


def test_login_before_verification_is_refused_and_resends(client, db):
    client.post(
        reverse("account_signup"),
        {"email": "dominique@exemple.fr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    response = client.post(
        reverse("account_login"), {"login": "dominique@exemple.fr", "password": NEW_PASSWORD}
    )

    assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
    assert "_auth_user_id" not in client.session


def test_confirmation_link_verifies_then_login_works(client, db):
    client.post(
        reverse("account_signup"),
        {"email": "dominique@exemple.fr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    confirm_url = link_in(sent_emails()[0], "/comptes/confirm-email/")

    page = client.get(confirm_url)
    confirmed = client.post(confirm_url)
    login = client.post(reverse("account_login"), {"login": "dominique@exemple.fr", "password": NEW_PASSWORD})

    assert "Confirmez que dominique@exemple.fr est bien votre adresse e-mail." in text_of(page)
    assert confirmed.status_code == 302
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("dominique@exemple.fr", True, True)
    ]
    assert (login.status_code, client.session["_auth_user_id"]) == (
        302,
        str(get_user_model().objects.get(email="dominique@exemple.fr").pk),
    )


def test_signup_with_a_taken_address_says_so_in_french(client, db):
    VerifiedUserFactory(email="camille@exemple.fr")

    response = client.post(
        reverse("account_signup"),
        {"email": "camille@exemple.fr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302  # allauth does not reveal which addresses have an account…
    assert sent_emails()[0].body.startswith(  # …and tells the owner instead
        "Bonjour,\n\nQuelqu'un — vous, sans doute — a voulu créer un compte Maillage avec l'adresse :"
    )


# Password reset ----------------------------------------------------------------------------------------


def test_password_reset_by_email_link(client, db):
    person = VerifiedUserFactory(email="camille@exemple.fr")

    requested = client.post(reverse("account_reset_password"), {"email": "camille@exemple.fr"})
    form_url = client.get(link_in(sent_emails()[0], "/comptes/password/reset/key/"))["Location"]
    changed = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    person.refresh_from_db()
    assert requested["Location"] == reverse("account_reset_password_done")
    assert sent_emails()[0].subject == "[Maillage] Choisir un nouveau mot de passe"
    assert "a demandé à choisir un nouveau mot de passe pour votre compte Maillage" in sent_emails()[0].body
    assert changed["Location"] == reverse("account_reset_password_from_key_done")
    assert person.check_password(NEW_PASSWORD) is True


def test_password_reset_for_unknown_address_sends_french_notice(client, db):
    client.post(reverse("account_reset_password"), {"email": "inconnu@exemple.fr"})

    assert "aucun compte n'utilise cette adresse" in sent_emails()[0].body


# E-mail change -----------------------------------------------------------------------------------------


def test_change_email_add_confirm_make_primary(client, db):
    person = VerifiedUserFactory(email="ancienne@exemple.fr")
    client.force_login(person)

    client.post(reverse("account_email"), {"action_add": "", "email": "nouvelle@exemple.fr"})
    client.post(link_in(sent_emails()[0], "/comptes/confirm-email/"))
    client.post(reverse("account_email"), {"action_primary": "", "email": "nouvelle@exemple.fr"})

    person.refresh_from_db()
    assert person.email == "nouvelle@exemple.fr"
    assert set(EmailAddress.objects.filter(user=person).values_list("email", "verified", "primary")) == {
        ("ancienne@exemple.fr", True, False),
        ("nouvelle@exemple.fr", True, True),
    }


def test_adding_an_address_with_mfa_on_explains_what_to_do(client, db):
    person = VerifiedUserFactory()
    activate_totp(person)
    client.force_login(person)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "nouvelle@exemple.fr"})

    assert "désactivez-la le temps d'ajouter et de confirmer la nouvelle adresse" in text_of(response)
    assert EmailAddress.objects.filter(email="nouvelle@exemple.fr").exists() is False


# Login with a second factor ----------------------------------------------------------------------------


@pytest.fixture
def protected(db):
    person = VerifiedUserFactory(email="camille@exemple.fr")
    return person, activate_totp(person)


def test_login_of_mfa_user_asks_for_the_code(client, protected):
    person, secret = protected

    step_one = client.post(reverse("account_login"), {"login": "camille@exemple.fr", "password": PASSWORD})
    page = client.get(step_one["Location"])
    step_two = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert step_one["Location"] == reverse("mfa_authenticate")
    assert "Saisissez le code à 6 chiffres affiché par votre application" in text_of(page)
    assert step_two.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_password_alone_does_not_log_an_mfa_user_in(client, protected):
    client.post(reverse("account_login"), {"login": "camille@exemple.fr", "password": PASSWORD})

    assert "_auth_user_id" not in client.session


def test_wrong_code_is_refused_in_french(client, protected):
    client.post(reverse("account_login"), {"login": "camille@exemple.fr", "password": PASSWORD})

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert "Code incorrect." in text_of(response)
    assert "_auth_user_id" not in client.session


def test_recovery_code_replaces_a_lost_phone(client, protected):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    person, _secret = protected
    code = RecoveryCodes(Authenticator.objects.get(user=person, type="recovery_codes")).get_unused_codes()[0]
    client.post(reverse("account_login"), {"login": "camille@exemple.fr", "password": PASSWORD})

    client.post(reverse("mfa_authenticate"), {"code": code})

    assert client.session["_auth_user_id"] == str(person.pk)


# Rate limits -------------------------------------------------------------------------------------------


def test_repeated_failed_logins_are_stopped_in_french(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/5m/key"}
    VerifiedUserFactory(email="camille@exemple.fr")

    for _attempt in range(2):
        client.post(reverse("account_login"), {"login": "camille@exemple.fr", "password": "pas-le-bon"})
    response = client.post(reverse("account_login"), {"login": "camille@exemple.fr", "password": PASSWORD})

    assert "Trop de tentatives de connexion échouées" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_base_settings_keep_verification_and_rate_limits():
    assert base.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert sorted(base.ACCOUNT_RATE_LIMITS) == [
        "change_password",
        "confirm_email",
        "login",
        "login_failed",
        "manage_email",
        "reauthenticate",
        "reset_password",
        "reset_password_from_key",
        "signup",
    ]
    assert (base.MFA_SUPPORTED_TYPES, base.MFA_TOTP_ISSUER) == (["totp", "recovery_codes"], "Maillage")
    assert base.INSTALLED_APPS.index("allauth.mfa") > base.INSTALLED_APPS.index("allauth.account")
