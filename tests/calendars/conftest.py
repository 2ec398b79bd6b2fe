"""Fixtures of the calendars tests: a structure, its feed, the loopback server its calendar is on, and a
small network of structures, feeds and people for the rights and admin tests."""

from types import SimpleNamespace

import pytest

from calendars import tasks
from calendars.models import Feed
from events import enums
from network import domain
from tests.calendars.ics import NUMERIQUE, Served
from tests.factories import BassinFactory, StructureFactory, UserFactory


@pytest.fixture
def server(http_server):
    return Served(http_server)


@pytest.fixture
def structure(db):
    return StructureFactory(title="Médiathèque de Vierzon", commune="Vierzon")


@pytest.fixture
def feed(structure, server):
    return Feed.objects.create(
        structure=structure,
        url=server.url,
        active=True,
        default_themes=[NUMERIQUE],
        default_publics=["Seniors"],
        default_visibility=enums.Visibility.PROFESSIONALS,
        default_place_name="Salle des fêtes",
    )


@pytest.fixture
def network(db):
    """Bassin 1 holds MELI and Les Ruches; bassin 2 holds Médiathèque de Vierzon. One feed each."""
    bassin = BassinFactory(title="Bassin d'Issoudun", slug="issoudun")
    other_bassin = BassinFactory(title="Bassin de Vierzon", slug="vierzon")
    meli = StructureFactory(bassin=bassin, title="MELI", slug="meli")
    ruches = StructureFactory(bassin=bassin, title="Les Ruches", slug="ruches")
    vierzon = StructureFactory(bassin=other_bassin, title="Médiathèque de Vierzon", slug="mediatheque")
    feeds = {
        structure.slug: Feed.objects.create(
            structure=structure,
            name=f"Agenda {structure.title}",
            url=f"https://agenda.example/{structure.slug}",
        )
        for structure in (meli, ruches, vierzon)
    }
    editor = UserFactory(email="ines@exemple.fr")
    domain.add_member(structure=meli, user=editor)
    coordinator = UserFactory(email="coord@exemple.fr")
    domain.add_coordinator(bassin=bassin, user=coordinator)
    return SimpleNamespace(
        bassin=bassin, meli=meli, ruches=ruches, vierzon=vierzon, feeds=feeds, editor=editor,
        coordinator=coordinator, superuser=UserFactory(is_superuser=True), nobody=UserFactory(),
    )  # fmt: skip


@pytest.fixture
def enqueued(monkeypatch):
    """Keyword arguments handed to Celery (`sync_feed_task.delay`, run on commit), instead of a broker."""
    calls = []
    monkeypatch.setattr(tasks.sync_feed_task, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.fixture
def enqueued_previews(monkeypatch):
    """Keyword arguments handed to Celery by `preview_feed_task.delay` (run on commit), not to a broker."""
    calls = []
    monkeypatch.setattr(tasks.preview_feed_task, "delay", lambda **kwargs: calls.append(kwargs))
    return calls
