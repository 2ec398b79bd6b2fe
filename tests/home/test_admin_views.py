"""« Structures à suivre » (`home.admin_views`): a coordinator's list of their bassins' structures, filtered
on the dashboard's signals by GET parameters, in a constant number of queries."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from network import domain, freshness
from network.enums import MemberRole
from network.models import StructurePage
from network.text import french_date
from tests.factories import BassinFactory, StructureFactory, UserFactory, add_listed_structures

LIST = reverse("maillage_dashboard:structures")


@pytest.fixture(autouse=True)
def no_mfa_requirement(settings):
    settings.MAILLAGE_MFA_REQUIRED = False


@pytest.fixture
def coordinator(db):
    user = UserFactory()
    user.bassin = BassinFactory()
    domain.add_coordinator(bassin=user.bassin, user=user)
    return user


def titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [cell.select_one("a").get_text(strip=True) for cell in soup.select("table.listing td.title")]


def test_list_shows_only_the_coordinators_bassins(client, coordinator):
    mine = StructureFactory(bassin=coordinator.bassin, title="Médiathèque de Vierzon")
    StructureFactory(title="Ailleurs")
    client.force_login(coordinator)

    assert titles(client.get(LIST)) == [mine.title]


def test_list_filters_on_a_signal(client, coordinator):
    StructureFactory(bassin=coordinator.bassin, title="Sans horaires", horaires="")
    StructureFactory(bassin=coordinator.bassin, title="Avec horaires", horaires="Mo-Fr 09:00-12:00")
    client.force_login(coordinator)

    response = client.get(LIST, {"signal": "horaires"})

    assert titles(response) == ["Sans horaires"]


def test_list_filters_on_stale_and_reminded(client, coordinator):
    editor = UserFactory()
    old = StructureFactory(bassin=coordinator.bassin, title="Ancienne")
    domain.add_member(structure=old, user=editor, role=MemberRole.EDITOR)
    StructureFactory(bassin=coordinator.bassin, title="Récente")
    StructurePage.objects.filter(pk=old.pk).update(last_published_at=timezone.now() - timedelta(days=200))
    client.force_login(coordinator)

    before = titles(client.get(LIST, {"signal": "rappel"}))
    freshness.send_freshness_reminders()
    after = client.get(LIST, {"signal": "rappel"})

    assert titles(client.get(LIST, {"signal": "ancienne"})) == ["Ancienne"]
    assert (before, titles(after)) == ([], ["Ancienne"])
    assert f"Rappel envoyé le {french_date(timezone.localdate(), 'j F Y')}" in after.content.decode()


def test_list_filters_on_bassin_and_ignores_a_foreign_one(client, coordinator):
    second = BassinFactory()
    domain.add_coordinator(bassin=second, user=coordinator)
    StructureFactory(bassin=coordinator.bassin, title="Premier")
    StructureFactory(bassin=second, title="Second")
    foreign = BassinFactory()
    client.force_login(coordinator)

    response = client.get(LIST, {"bassin": second.pk})
    refused = client.get(LIST, {"bassin": foreign.pk, "signal": "inconnu"})

    assert titles(response) == ["Second"]
    assert (refused.status_code, sorted(titles(refused))) == (200, ["Premier", "Second"])
    assert sorted(refused.context["form"].errors) == ["bassin", "signal"]


def test_list_is_refused_to_an_editor(client, db):
    editor = UserFactory()
    domain.add_member(structure=StructureFactory(), user=editor, role=MemberRole.EDITOR)
    client.force_login(editor)

    response = client.get(LIST)

    assert (response.status_code, "Accès refusé" in response.content.decode()) == (403, True)


# Session, user, Wagtail's admin frame (menus, « Lexique des besoins » asking whether the user coordinates),
# the coordinator's bassins, then the page of structures with their signals and its count: the same at 3
# and 30 structures.
LIST_QUERIES = 20
# The coordinator's admin home: Wagtail's own, the bassins, their structures with their signals (one query).
COORDINATOR_HOME_QUERIES = 25


@pytest.mark.parametrize("structure_count", [3, 30])
def test_list_query_count_does_not_grow(client, coordinator, django_assert_num_queries, structure_count):
    add_listed_structures([coordinator.bassin], structure_count, lambda index: {"horaires": ""})
    client.force_login(coordinator)
    client.get(LIST)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"signal": "horaires"})

    assert len(titles(response)) == structure_count


@pytest.mark.parametrize("structure_count", [3, 30])
def test_coordinator_dashboard_query_count_does_not_grow(
    client, coordinator, django_assert_num_queries, structure_count
):
    add_listed_structures([coordinator.bassin], structure_count)
    client.force_login(coordinator)
    client.get(reverse("wagtailadmin_home"))

    with django_assert_num_queries(COORDINATOR_HOME_QUERIES):
        client.get(reverse("wagtailadmin_home"))
