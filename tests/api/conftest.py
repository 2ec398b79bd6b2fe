"""A small public territory for the API tests: two bassins, their structures, public and pro-only ateliers."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from events.enums import Visibility
from tests.factories import AtelierFactory, BassinFactory, StructureFactory


@pytest.fixture(autouse=True)
def no_throttling(settings):
    """Tests read the API many times over; tests/api/test_throttling.py turns the limit back on."""
    settings.MAILLAGE_API_THROTTLE_RATE = ""


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def territory(db):
    cher = BassinFactory(title="Bourges", slug="bourges", departements=["Cher"])
    loiret = BassinFactory(title="Orléans", slug="orleans", departements=["Loiret"])
    mediatheque = StructureFactory(
        bassin=cher,
        title="Médiathèque de Bourges",
        slug="mediatheque-bourges",
        commune="Bourges",
        services=["Aide aux démarches administratives"],
        referral_contact="Appeler Dominique au 06 00 00 00 00",
        intake_capacity="Dix personnes par semaine",
    )
    epn = StructureFactory(bassin=loiret, title="EPN d'Orléans", slug="epn-orleans", commune="Orléans")
    public = AtelierFactory(structure=mediatheque, title="Tablette pour débuter")
    pro_only = AtelierFactory(
        structure=mediatheque, title="Réunion du réseau", visibility=Visibility.PROFESSIONALS
    )
    orleans = AtelierFactory(structure=epn, title="Smartphone pas à pas", rrule="FREQ=WEEKLY;COUNT=3")
    return SimpleNamespace(
        cher=cher,
        loiret=loiret,
        mediatheque=mediatheque,
        epn=epn,
        public=public,
        pro_only=pro_only,
        orleans=orleans,
    )
