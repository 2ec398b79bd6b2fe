import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run_ensure_admin() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(autouse=True)
def admin_environment(monkeypatch):
    monkeypatch.delenv("MAILLAGE_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("MAILLAGE_ADMIN_PASSWORD", raising=False)


def test_ensure_admin_without_account_creates_superuser_with_generated_password():
    output = run_ensure_admin()

    match = re.search(
        r"Compte administrateur créé : admin@maillage\.localhost / mot de passe : (\S+)", output
    )
    assert match is not None, output
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.is_superuser, user.is_staff) == (
        "admin@maillage.localhost",
        "admin@maillage.localhost",
        True,
        True,
    )
    assert user.check_password(match.group(1))
    assert list(EmailAddress.objects.values_list("user", "email", "verified", "primary")) == [
        (user.pk, "admin@maillage.localhost", True, True)
    ]


def test_ensure_admin_second_run_keeps_password_and_does_not_print_it():
    first = run_ensure_admin()
    password = re.search(r"mot de passe : (\S+)", first).group(1)

    second = run_ensure_admin()

    assert "Compte administrateur déjà présent : admin@maillage.localhost." in second
    assert "Mot de passe inchangé." in second
    assert password not in second
    assert get_user_model().objects.get().check_password(password)
    assert EmailAddress.objects.count() == 1


def test_ensure_admin_with_env_password_uses_it_and_never_prints_it(monkeypatch):
    monkeypatch.setenv("MAILLAGE_ADMIN_EMAIL", "Chef@Exemple.fr")
    monkeypatch.setenv("MAILLAGE_ADMIN_PASSWORD", "une phrase de passe assez longue")

    output = run_ensure_admin()

    assert (
        "Compte administrateur créé : chef@exemple.fr / mot de passe : celui de MAILLAGE_ADMIN_PASSWORD"
        in output
    )
    assert "une phrase de passe" not in output
    user = get_user_model().objects.get()
    assert (user.username, user.check_password("une phrase de passe assez longue")) == (
        "chef@exemple.fr",
        True,
    )


def test_ensure_admin_with_changed_env_password_updates_it(monkeypatch):
    monkeypatch.setenv("MAILLAGE_ADMIN_PASSWORD", "première phrase de passe")
    run_ensure_admin()
    monkeypatch.setenv("MAILLAGE_ADMIN_PASSWORD", "seconde phrase de passe")

    output = run_ensure_admin()

    assert "Mot de passe mis à jour depuis MAILLAGE_ADMIN_PASSWORD." in output
    user = get_user_model().objects.get()
    assert (
        user.check_password("seconde phrase de passe"),
        user.check_password("première phrase de passe"),
    ) == (
        True,
        False,
    )


def test_ensure_admin_with_same_env_password_leaves_it_alone(monkeypatch):
    monkeypatch.setenv("MAILLAGE_ADMIN_PASSWORD", "une phrase de passe assez longue")
    run_ensure_admin()
    hashed = get_user_model().objects.get().password

    output = run_ensure_admin()

    assert "Mot de passe inchangé." in output
    assert get_user_model().objects.get().password == hashed


def test_ensure_admin_existing_plain_user_is_promoted_and_address_verified(monkeypatch):
    monkeypatch.setenv("MAILLAGE_ADMIN_EMAIL", "camille@exemple.fr")
    user = UserFactory(email="camille@exemple.fr", username="camille@exemple.fr")
    EmailAddress.objects.create(user=user, email="camille@exemple.fr", verified=False, primary=False)

    output = run_ensure_admin()

    user.refresh_from_db()
    assert "rétablis" in output
    assert (user.is_superuser, user.is_staff) == (True, True)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("camille@exemple.fr", True, True)
    ]
