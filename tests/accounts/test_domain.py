"""accounts/domain.py: deleting an account, never the last administrator's."""

import inspect

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from accounts.domain import delete_account, is_last_superuser
from network.models import Coordination
from tests.accounts.factories import VerifiedUserFactory, activate_totp, make_coordinator


def test_delete_account_is_keyword_only():
    assert [p.kind for p in inspect.signature(delete_account).parameters.values()] == [
        inspect.Parameter.KEYWORD_ONLY
    ]


def test_delete_account_removes_the_user_and_what_cascades(db):
    person = make_coordinator()
    activate_totp(person)

    delete_account(user=person)

    assert (
        get_user_model().objects.filter(email=person.email).exists(),
        EmailAddress.objects.exists(),
        Authenticator.objects.exists(),
        Coordination.objects.exists(),
    ) == (False, False, False, False)


def test_delete_account_refuses_the_last_superuser(db):
    admin = VerifiedUserFactory(is_superuser=True)

    with pytest.raises(ValidationError) as refused:
        delete_account(user=admin)

    assert refused.value.code == "last_superuser"
    assert get_user_model().objects.filter(pk=admin.pk).exists() is True


def test_inactive_superusers_do_not_count_as_remaining(db):
    admin = VerifiedUserFactory(is_superuser=True)
    VerifiedUserFactory(is_superuser=True, is_active=False)

    assert is_last_superuser(admin) is True


@pytest.mark.parametrize(
    ("flags", "others", "expected"),
    [
        ({"is_superuser": True}, 0, True),
        ({"is_superuser": True}, 1, False),
        ({"is_staff": True}, 0, False),
        ({}, 0, False),
    ],
)
def test_is_last_superuser(db, flags, others, expected):
    person = VerifiedUserFactory(**flags)
    for _ in range(others):
        VerifiedUserFactory(is_superuser=True)

    assert is_last_superuser(person) == expected
