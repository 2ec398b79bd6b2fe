"""Factories of the programmes tests: cycles under the home page, contributions, and the people who act."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from home.models import HomePage
from network import domain as network_domain
from network.enums import MemberRole
from network.models import BassinPage
from programmes.models import Contribution, CycleCoordinator, CyclePage
from tests.factories import UserFactory


class CycleFactory(factory.Factory):
    """A cycle whose call is open today and whose days run from 30 to 36 days from now."""

    class Meta:
        model = CyclePage

    title = factory.Sequence(lambda n: f"Human Tech Days {2027 + n}")
    slug = factory.Sequence(lambda n: f"human-tech-days-{2027 + n}")
    edition = ""
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=36))
    call_opens = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    call_closes = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    summary = "Une semaine d'ateliers numériques partout dans la région."
    target_per_bassin = 3

    @classmethod
    def _create(cls, model_class, bassins=(), coordinators=(), **kwargs):
        cycle = model_class(**kwargs)
        cycle.bassins.set(bassins)  # a parental relation: saved with the page, and in its revision
        HomePage.objects.get().add_child(instance=cycle)
        cycle.save_revision().publish()
        for user in coordinators:
            CycleCoordinator.objects.create(cycle=cycle, user=user)
        return CyclePage.objects.get(pk=cycle.pk)


class ContributionFactory(factory.django.DjangoModelFactory):
    """A draft at its host structure, on the cycle's second day, 14 h – 16 h. Use `programmes.domain` to move
    it through its states, as people do."""

    class Meta:
        model = Contribution
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    structure = factory.SubFactory("tests.factories.StructureFactory")
    title = factory.Sequence(lambda n: f"Découvrir sa tablette n° {n}")
    summary = "Prendre en main une tablette, pas à pas, en petit groupe."
    themes = ["Maîtrise des outils numériques du quotidien"]
    publics = ["Seniors"]
    dates = factory.LazyAttribute(lambda c: [(c.cycle.start_date + timedelta(days=1)).isoformat()])
    start_time = time(14, 0)
    end_time = time(16, 0)
    created_by = None


def editor_of(structure, user=None):
    """A person who edits the structure's page (and so proposes its contributions)."""
    user = user or UserFactory()
    network_domain.add_member(structure=structure, user=user, role=MemberRole.EDITOR)
    return user


def coordinator_of(bassin, user=None):
    user = user or UserFactory()
    network_domain.add_coordinator(bassin=bassin, user=user)
    return user


def bassin_of(structure):
    return BassinPage.objects.get(pk=structure.bassin_id)
