"""Fixtures of the programmes tests."""

import pytest


@pytest.fixture(autouse=True)
def no_mfa_requirement(settings):
    """Coordinators act here without first setting up an authenticator app (tested in tests/accounts)."""
    settings.MAILLAGE_MFA_REQUIRED = False
