"""Accounts tests run with MFA enforcement on, whatever the test settings of other suites choose."""

import pytest


@pytest.fixture(autouse=True)
def mfa_required_setting(settings):
    settings.MAILLAGE_MFA_REQUIRED = True


@pytest.fixture
def log_in():
    """`log_in(client, user, secret=None, reauthenticate=False)`: sign in through allauth's forms.

    With `secret`, the TOTP step is answered too. allauth asks for the password again before any change
    to the second factor, even right after logging in: `reauthenticate=True` answers that prompt as well.
    """
    from django.urls import reverse

    from tests.accounts.factories import PASSWORD, totp_code

    def log_in(client, user, secret=None, reauthenticate=False):
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        if secret is not None:
            assert response["Location"] == reverse("mfa_authenticate")
            response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert client.session.get("_auth_user_id") == str(user.pk), response
        if reauthenticate:
            response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
            assert response.status_code == 302, response
        return response

    return log_in
