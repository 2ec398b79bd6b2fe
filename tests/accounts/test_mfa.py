"""accounts/mfa.py: who must use two-factor authentication."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.mfa import has_totp, mfa_required
from network import domain
from tests.accounts.factories import VerifiedUserFactory, activate_totp, make_coordinator
from tests.factories import StructureFactory


@pytest.mark.parametrize(
    ("flags", "expected"),
    [({"is_superuser": True}, True), ({"is_staff": True}, True), ({}, False)],
)
def test_mfa_required_for_administrators_only_by_flags(db, flags, expected):
    assert mfa_required(VerifiedUserFactory(**flags)) == expected


def test_mfa_required_for_a_coordinator(db):
    assert mfa_required(make_coordinator()) is True


def test_mfa_not_required_for_a_structure_member(db):
    member = VerifiedUserFactory()
    domain.add_member(structure=StructureFactory(), user=member)

    assert mfa_required(member) is False


def test_mfa_not_required_for_anonymous_visitors():
    assert mfa_required(AnonymousUser()) is False


def test_has_totp_once_activated_only(db):
    person = VerifiedUserFactory()
    before = has_totp(person)

    activate_totp(person)

    assert (before, has_totp(person)) == (False, True)


def test_has_totp_ignores_recovery_codes_alone(db):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    person = VerifiedUserFactory()
    RecoveryCodes.activate(person)

    assert has_totp(person) is False
