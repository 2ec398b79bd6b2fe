"""accounts/export.py: the personal data file, and how other apps add their part to it."""

import sys
import types
from datetime import UTC, datetime

import pytest
from allauth.mfa.models import Authenticator

from accounts.export import build_export, load_exporters, user_data
from tests.accounts.factories import VerifiedUserFactory, activate_totp


@pytest.fixture
def person(db):
    person = VerifiedUserFactory(email="camille@exemple.fr", first_name="Camille", last_name="Martin")
    person.date_joined = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    person.save()
    return person


@pytest.fixture
def fake_exporter_module():
    """A module inside the digest app with a `user_data`, importable like digest.export will be."""
    module = types.ModuleType("digest.fake_export_for_tests")
    module.user_data = lambda user: {"structures": ["Médiathèque de Bourges"], "email": user.email}
    sys.modules["digest.fake_export_for_tests"] = module
    yield "digest.fake_export_for_tests.user_data"
    del sys.modules["digest.fake_export_for_tests"]


def test_user_data_lists_the_account_without_secrets(person):
    activate_totp(person)

    data = user_data(person)

    assert {key: data[key] for key in ("email", "first_name", "last_name", "date_joined", "last_login")} == {
        "email": "camille@exemple.fr",
        "first_name": "Camille",
        "last_name": "Martin",
        "date_joined": "2025-03-01T10:30:00+01:00",
        "last_login": None,
    }
    assert data["email_addresses"] == [{"email": "camille@exemple.fr", "verified": True, "primary": True}]
    assert [entry["type"] for entry in data["mfa"]] == ["recovery_codes", "totp"]
    assert sorted(data["mfa"][0]) == ["created_at", "last_used_at", "type"]
    assert (data["is_staff"], data["is_superuser"], data["groups"], data["social_accounts"]) == (
        False,
        False,
        [],
        [],
    )


def test_user_data_never_contains_the_totp_secret(person):
    activate_totp(person)
    secret = Authenticator.objects.get(user=person, type="totp").data["secret"]

    assert secret not in repr(user_data(person))


def test_build_export_puts_each_exporter_under_its_app_label(person, settings, fake_exporter_module):
    settings.MAILLAGE_ACCOUNT_EXPORTERS = [fake_exporter_module]

    export = build_export(person)

    assert sorted(export) == ["accounts", "digest", "format", "generated_at"]
    assert export["digest"] == {"structures": ["Médiathèque de Bourges"], "email": "camille@exemple.fr"}
    assert export["format"] == "maillage-mes-donnees/1"


def test_missing_exporter_module_is_an_error(settings):
    settings.MAILLAGE_ACCOUNT_EXPORTERS = ["network.absent.user_data"]

    with pytest.raises(ImportError):
        load_exporters()


def test_exporter_module_without_the_function_is_an_error(settings, fake_exporter_module):
    settings.MAILLAGE_ACCOUNT_EXPORTERS = ["digest.fake_export_for_tests.autre_chose"]

    with pytest.raises(ImportError):
        load_exporters()


def test_exporter_whose_own_import_fails_is_an_error(settings, monkeypatch, tmp_path):
    (tmp_path / "exporter_with_missing_dependency.py").write_text(
        "import nulle_part_dependance\n\n\ndef user_data(user):\n    return {}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MAILLAGE_ACCOUNT_EXPORTERS = ["exporter_with_missing_dependency.user_data"]

    with pytest.raises(ModuleNotFoundError, match="nulle_part_dependance"):
        load_exporters()
