"""Fixtures of the events tests."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest

from events import enums
from events.models import Occurrence
from events.recurrence import PARIS
from network import domain
from network.enums import Service
from tests.events.agenda_pages import next_weekday
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory


@pytest.fixture
def clock(time_machine):
    """Time stopped on Monday 11 January 2027, 8:00 in Paris (`tests.events.schedules.TODAY`)."""
    time_machine.move_to(datetime(2027, 1, 11, 8, 0, tzinfo=PARIS), tick=False)
    return time_machine


@pytest.fixture
def structure(db):
    """A structure with an address and coordinates, which its ateliers' sessions inherit."""
    return StructureFactory(commune="Vierzon", adresse="1 rue de la Gare", latitude=47.22, longitude=2.07)


# The ateliers admin: two structures of one bassin, an editor of the first, an atelier each.


@pytest.fixture
def bassin(db):
    return BassinFactory()


@pytest.fixture
def structures(bassin):
    return StructureFactory(bassin=bassin, title="MELI"), StructureFactory(bassin=bassin, title="Les Ruches")


@pytest.fixture
def editor(structures):
    user = UserFactory()
    domain.add_member(structure=structures[0], user=user)
    return user


@pytest.fixture
def ateliers(structures):
    own = AtelierFactory(structure=structures[0], title="Tablette pour débuter", rrule="FREQ=WEEKLY;COUNT=4")
    other = AtelierFactory(
        structure=structures[1], title="Smartphone au quotidien", rrule="FREQ=WEEKLY;COUNT=4"
    )
    return own, other


# The agendas' tests (test_agenda*.py): two bassins, a place in each, four ateliers differing by one trait.


@pytest.fixture
def bourges(db):
    return BassinFactory(title="Bassin de Bourges", slug="bourges")


@pytest.fixture
def vierzon(db):
    return BassinFactory(title="Bassin de Vierzon", slug="vierzon")


@pytest.fixture
def mediatheque(bourges):
    return StructureFactory(
        bassin=bourges, title="Médiathèque de Bourges", slug="mediatheque", commune="Bourges"
    )


@pytest.fixture
def pij(vierzon):
    return StructureFactory(bassin=vierzon, title="PIJ de Vierzon", slug="pij-vierzon", commune="Vierzon")


@pytest.fixture
def tuesday():
    return next_weekday(1)


@pytest.fixture
def catalogue(mediatheque, pij, tuesday):
    """Four one-off ateliers that differ by one trait each, so every filter selects a known subset."""
    saturday = tuesday + timedelta(days=4)
    return {
        "tablette": AtelierFactory(
            structure=mediatheque,
            title="Tablette pour les seniors",
            themes=[Service.OUTILS_QUOTIDIEN],
            publics=["Seniors"],
            level=enums.Level.DEBUTANT,
            start_date=tuesday,
            capacity=10,
        ),
        "soiree": AtelierFactory(
            structure=pij,
            title="Démarches en soirée",
            themes=[Service.DEMARCHES],
            publics=["Jeunes"],
            level=enums.Level.INTERMEDIAIRE,
            price=enums.Price.PAYANT,
            price_amount=Decimal("5.00"),
            format=enums.Format.HYBRID,
            online_url="https://visio.exemple.fr/salle",
            start_date=tuesday,
            start_time=time(18, 30),
            end_time=time(20, 0),
        ),
        "samedi": AtelierFactory(
            structure=mediatheque,
            title="Samedi en famille",
            themes=[Service.LOISIRS],
            publics=[enums.TOUS_PUBLICS],
            start_date=saturday,
            start_time=time(10, 0),
            end_time=time(12, 0),
            wheelchair_accessible=True,
        ),
        "complet": AtelierFactory(
            structure=mediatheque,
            title="Atelier complet",
            publics=["Familles"],
            status=enums.Status.FULL,
            start_date=tuesday + timedelta(days=1),
        ),
    }


@pytest.fixture
def sessions_of_size(bourges, tuesday):
    """`sessions_of_size(n)`: n public sessions (a multiple of 50), spread over ateliers of two structures."""

    def build(count):
        structures = [
            StructureFactory(bassin=bourges, title="Lieu A", slug="lieu-a"),
            StructureFactory(bassin=bourges, title="Lieu B", slug="lieu-b", commune="Mehun-sur-Yèvre"),
        ]
        for index in range(count // 50):
            AtelierFactory(
                structure=structures[index % 2],
                start_date=tuesday,
                rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=50",
                capacity=12,
            )
        assert Occurrence.objects.count() == count

    return build
