"""Fixtures of the network tests."""

import pytest


@pytest.fixture(autouse=True)
def no_mfa_requirement(settings):
    """These tests are about structures, members and rights, not two-factor authentication (accounts app,
    tested there): coordinators and superusers act without first setting up an authenticator app."""
    settings.MAILLAGE_MFA_REQUIRED = False
