"""Fixtures of the network tests."""

import pytest

from network import domain
from network.enums import MemberRole
from tests.factories import BassinFactory, StructureFactory, UserFactory


@pytest.fixture(autouse=True)
def no_mfa_requirement(settings):
    """These tests are about structures, members and rights, not two-factor authentication (accounts app,
    tested there): coordinators and superusers act without first setting up an authenticator app."""
    settings.MAILLAGE_MFA_REQUIRED = False


@pytest.fixture
def eager_tasks(settings):
    """Run Celery tasks in-process (Celery reads its `CELERY_` settings from Django's, live)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def editor(db):
    structure = StructureFactory()
    user = UserFactory()
    domain.add_member(structure=structure, user=user, role=MemberRole.EDITOR)
    user.structure = structure
    return user


@pytest.fixture
def coordinator(db):
    bassin = BassinFactory()
    user = UserFactory()
    domain.add_coordinator(bassin=bassin, user=user)
    user.bassin = bassin
    return user
