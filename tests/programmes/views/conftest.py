"""The territory, cycle and proposals the coordinators' pages are tested on (`test_review.py`,
`test_coverage.py`): two bassins, one structure in each, one cycle over both, two submitted proposals and a
draft. `test_contributions.py` defines its own `cycle` (one host structure), which wins in that module."""

import pytest

from events.enums import AtelierPublic, Theme
from network import domain as network_domain
from network.enums import MemberRole
from tests.factories import BassinFactory, StructureFactory, UserFactory

from ..factories import ContributionFactory, CycleFactory, coordinator_of, editor_of
from .proposals import propose


@pytest.fixture
def territory():
    bourges = BassinFactory(title="Bassin de Bourges", slug="bourges")
    vierzon = BassinFactory(title="Bassin de Vierzon", slug="vierzon")
    return {
        "bourges": bourges,
        "vierzon": vierzon,
        "mediatheque": StructureFactory(bassin=bourges, title="Médiathèque", commune="Bourges"),
        "pij": StructureFactory(bassin=vierzon, title="PIJ", commune="Vierzon"),
    }


@pytest.fixture
def cycle_coordinator(territory):
    """Runs the cycle; a member of the network too (the professional area is for members)."""
    user = UserFactory(first_name="Claire", last_name="Coord")
    network_domain.add_member(structure=territory["pij"], user=user, role=MemberRole.MEDIATEUR)
    return user


@pytest.fixture
def cycle(territory, cycle_coordinator):
    return CycleFactory(
        slug="htd-2027",
        bassins=[territory["bourges"], territory["vierzon"]],
        coordinators=[cycle_coordinator],
    )


@pytest.fixture
def editors(territory):
    return {"mediatheque": editor_of(territory["mediatheque"]), "pij": editor_of(territory["pij"])}


@pytest.fixture
def vierzon_coordinator(territory):
    return coordinator_of(territory["vierzon"])


@pytest.fixture
def proposals(cycle, territory, editors):
    return {
        "tablette": propose(
            cycle,
            territory["mediatheque"],
            editors["mediatheque"],
            day=2,
            title="Tablette",
            publics=[AtelierPublic.SENIORS],
        ),
        "cv": propose(
            cycle,
            territory["pij"],
            editors["pij"],
            day=1,
            title="CV en ligne",
            themes=[Theme.INSERTION_PRO],
            publics=[AtelierPublic.JEUNES],
        ),
        "brouillon": ContributionFactory(cycle=cycle, structure=territory["pij"], title="Brouillon"),
    }
