"""Fixtures of the programmes tests."""

import pytest

from tests.factories import BassinFactory, StructureFactory, UserFactory

from .factories import CycleFactory


@pytest.fixture(autouse=True)
def no_mfa_requirement(settings):
    """Coordinators act here without first setting up an authenticator app (tested in tests/accounts)."""
    settings.MAILLAGE_MFA_REQUIRED = False


# ---- a cycle over two bassins, one place in each (the programme pages' tests) ----


@pytest.fixture
def coordinator():
    return UserFactory()


@pytest.fixture
def bourges():
    return BassinFactory(title="Bassin de Bourges", slug="bourges")


@pytest.fixture
def vierzon():
    return BassinFactory(title="Bassin de Vierzon", slug="vierzon")


@pytest.fixture
def mediatheque(bourges):
    return StructureFactory(
        bassin=bourges,
        title="Médiathèque de Bourges",
        commune="Bourges",
        adresse="1 boulevard Lamarck",
        latitude=47.08,
        longitude=2.39,
    )


@pytest.fixture
def espace(vierzon):
    return StructureFactory(
        bassin=vierzon,
        title="Espace numérique de Vierzon",
        commune="Vierzon",
        adresse="2 rue de la Gare",
        latitude=47.22,
        longitude=2.07,
    )


@pytest.fixture
def cycle(coordinator, bourges, vierzon):
    return CycleFactory(
        title="Human Tech Days",
        slug="human-tech-days",
        edition="2027",
        coordinators=[coordinator],
        bassins=[bourges, vierzon],
    )
