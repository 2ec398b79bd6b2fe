"""A small territory for the professional area: two bassins, a structure in each, people in both."""

import pytest

from network.enums import MemberRole
from tests.factories import BassinFactory, StructureFactory

from .factories import make_member


@pytest.fixture(autouse=True)
def no_mfa_requirement(settings):
    """These tests are not about two-factor authentication (accounts app): coordinators and superusers
    enter without first setting up an authenticator app."""
    settings.MAILLAGE_MFA_REQUIRED = False


@pytest.fixture
def eager_tasks(settings):
    """Run Celery tasks in-process (Celery reads its `CELERY_` settings from Django's, live)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def territory(db):
    bourges = BassinFactory(title="Bassin de vie de Bourges", slug="bourges")
    vierzon = BassinFactory(title="Bassin de vie de Vierzon", slug="vierzon", main_commune="Vierzon")
    mediatheque = StructureFactory(bassin=bourges, title="Médiathèque de Bourges", slug="mediatheque-bourges")
    pij = StructureFactory(bassin=vierzon, title="PIJ de Vierzon", slug="pij-vierzon", commune="Vierzon")
    member = make_member(
        mediatheque, role=MemberRole.MEDIATEUR, first_name="Inès", last_name="Aubert", email="ines@exemple.fr"
    )
    return {
        "bourges": bourges,
        "vierzon": vierzon,
        "mediatheque": mediatheque,
        "pij": pij,
        "member": member,
    }
