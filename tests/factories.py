"""Factories that go through the domain workflows, so test data has its groups and rights like real data."""

from datetime import time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.domain import save_atelier
from home.models import HomePage
from network import domain
from network.models import BassinPage, StructurePage

PASSWORD = "mot-de-passe-de-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    username = factory.LazyAttribute(lambda user: user.email)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()


def verify_email(user):
    """Record `user`'s address as confirmed: with mandatory verification, only such accounts can log in."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


class BassinFactory(factory.Factory):
    class Meta:
        model = BassinPage

    title = factory.Sequence(lambda n: f"Bassin de vie n° {n}")
    slug = factory.Sequence(lambda n: f"bassin-{n}")
    main_commune = "Bourges"
    latitude = 47.081
    longitude = 2.3988

    @classmethod
    def _create(cls, model_class, **kwargs):
        return domain.create_bassin(home=HomePage.objects.get(), **kwargs)


class StructureFactory(factory.Factory):
    class Meta:
        model = StructurePage

    bassin = factory.SubFactory(BassinFactory)
    title = factory.Sequence(lambda n: f"Espace numérique n° {n}")
    slug = factory.Sequence(lambda n: f"structure-{n}")
    commune = "Bourges"
    latitude = 47.081
    longitude = 2.3988
    presentation_resume = "Un lieu pour apprendre à se servir d'un ordinateur."

    @classmethod
    def _create(cls, model_class, bassin, **kwargs):
        return domain.create_structure(bassin=bassin, **kwargs)


def add_listed_structures(bassins, count: int, fields=lambda index: {}) -> list[StructurePage]:
    """Add `count` published structures spread over `bassins`, fast, for query-count tests.

    Listing pages read the pages and their search index, never the editors' groups, collections or
    revisions, which cost `create_structure` most of its ~170 queries. Building 200 structures through
    it took two minutes on PostgreSQL; this takes seconds and yields the same rows for the public side.
    """
    from network.models import ItinerantStop

    now = timezone.now()
    structures = []
    for index in range(count):
        values = {"commune": "Bourges", "latitude": 47.081, "longitude": 2.3988} | fields(index)
        stops = values.pop("stops", [])
        structure = StructurePage(
            title=values.pop("title", f"Espace numérique n° {index}"),
            slug=values.pop("slug", f"structure-rapide-{index}"),
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            **values,
        )
        for position, stop in enumerate(stops):
            structure.stops.add(ItinerantStop(sort_order=position, **stop))
        bassins[index % len(bassins)].add_child(instance=structure)
        structures.append(structure)
    return structures


class AtelierFactory(factory.django.DjangoModelFactory):
    """A one-off public atelier at its structure; pass `rrule=…` for a series."""

    class Meta:
        model = "events.Atelier"

    structure = factory.SubFactory(StructureFactory)
    title = factory.Sequence(lambda n: f"Atelier tablette n° {n}")
    summary = "Apprendre à se servir d'une tablette, pas à pas."
    themes = ["Maîtrise des outils numériques du quotidien"]
    publics = ["Seniors"]
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    start_time = time(14, 0)
    end_time = time(16, 0)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Saved as the admin saves one (`events.domain.save_atelier`): its sessions are built."""
        return save_atelier(atelier=model_class(*args, **kwargs))
