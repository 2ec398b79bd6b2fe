"""The admin home per role (`home.dashboard`, `home.wagtail_hooks`): a structure's people see their
structure, what to do and what is missing; Wagtail's English site summary and help links are gone."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from calendars.models import Feed, FeedStatus
from network import domain
from network.enums import MemberRole
from network.text import french_date
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory

ADMIN_HOME = reverse("wagtailadmin_home")


@pytest.fixture(autouse=True)
def no_mfa_requirement(settings):
    settings.MAILLAGE_MFA_REQUIRED = False


def make_editor(structure_count=1, **fields):
    user = UserFactory()
    bassin = BassinFactory()
    user.structures = []
    for _ in range(structure_count):
        structure = StructureFactory(bassin=bassin, **fields)
        domain.add_member(structure=structure, user=user, role=MemberRole.EDITOR)
        user.structures.append(structure)
    return user


def panel(response, panel_id):
    return BeautifulSoup(response.content, "html.parser").select_one(f"#{panel_id}-content, #{panel_id}")


def signals_of(element) -> list[str]:
    return [item["data-signal"] for item in element.select("[data-signal]")]


def test_editor_sees_their_structure_and_its_actions(client, db):
    editor = make_editor()
    structure = editor.structures[0]
    client.force_login(editor)

    response = client.get(ADMIN_HOME)

    section = panel(response, "maillage-structures")
    links = {a.get_text(strip=True): a["href"] for a in section.select("a.button")}
    assert section.select_one("h3").get_text(strip=True) == structure.title
    assert links == {
        "Modifier la fiche": reverse("wagtailadmin_pages:edit", args=[structure.pk]),
        "Ajouter un atelier": f"{reverse('ateliers:add')}?structure={structure.pk}",
        "Mes ateliers": f"{reverse('ateliers:index')}?structure={structure.pk}",
        "Calendriers synchronisés": reverse("calendriers:index"),
    }
    assert f"Mis à jour le {french_date(timezone.localdate(), 'j F Y')}" in section.get_text()


def test_editor_sees_what_is_missing(client, db):
    editor = make_editor(telephone=[], courriels=[], horaires="")
    client.force_login(editor)

    section = panel(client.get(ADMIN_HOME), "maillage-structures")

    assert signals_of(section) == ["contact", "horaires", "ateliers"]


def test_complete_structure_with_atelier_and_failing_feed(client, db):
    editor = make_editor(telephone=["02 48 00 00 00"], horaires="Mo-Fr 09:00-12:00")
    structure = editor.structures[0]
    AtelierFactory(structure=structure)
    Feed.objects.create(
        structure=structure,
        name="Agenda Google",
        url="https://agenda.example/a.ics",
        active=True,
        status=FeedStatus.FAILING,
    )
    Feed.objects.create(
        structure=structure,
        name="Agenda Outlook",
        url="https://agenda.example/b.ics",
        active=True,
        status=FeedStatus.OK,
    )
    client.force_login(editor)

    section = panel(client.get(ADMIN_HOME), "maillage-structures")

    feeds = [" ".join(item.get_text().split()) for item in section.select("li") if item.select("a")]
    assert signals_of(section) == ["calendrier"]
    assert feeds == ["Agenda Google : en erreur", "Agenda Outlook : OK"]


def test_stale_structure_signal_and_confirm_button(client, db):
    editor = make_editor()
    structure = editor.structures[0]
    type(structure).objects.filter(pk=structure.pk).update(
        last_published_at=timezone.now() - timedelta(days=200)
    )
    client.force_login(editor)

    section = panel(client.get(ADMIN_HOME), "maillage-structures")

    form = section.select_one("form")
    assert "ancienne" in signals_of(section)
    assert form["action"] == reverse(
        "network_admin:confirm_up_to_date", kwargs={"structure_id": structure.pk}
    )
    assert form["method"] == "post"
    assert form.select_one("input[name=csrfmiddlewaretoken]")["value"] != ""


def test_editor_home_has_no_site_summary_nor_english_help(client, db):
    client.force_login(make_editor())

    text = client.get(ADMIN_HOME).content.decode()

    assert (
        "guide.wagtail.org" in text,
        "w-summary" in text,
        "Vos modifications les plus récentes" in text,
    ) == (
        False,
        False,
        False,
    )


def test_volunteer_sees_propose_link_without_confirm(client, db):
    editor = make_editor()
    volunteer = UserFactory()
    domain.add_member(structure=editor.structures[0], user=volunteer, role=MemberRole.SERVICE_CIVIQUE)
    client.force_login(volunteer)

    section = panel(client.get(ADMIN_HOME), "maillage-structures")

    assert [a.get_text(strip=True) for a in section.select("a.button")] == [
        "Proposer une modification de la fiche"
    ]
    assert section.select("form") == []


def test_coordinator_sees_bassin_signal_counts(client, db):
    editor = make_editor(structure_count=2, horaires="")
    coordinator = UserFactory()
    bassin = editor.structures[0].bassin
    domain.add_coordinator(bassin=bassin, user=coordinator)
    client.force_login(coordinator)

    section = panel(client.get(ADMIN_HOME), "maillage-bassins")

    counts = {item["data-signal"]: item.get_text(strip=True) for item in section.select("[data-signal]")}
    assert counts["horaires"] == "Pas d'horaires d'ouverture : 2"
    assert section.select_one("[data-signal=horaires] a")["href"] == (
        f"{reverse('maillage_dashboard:structures')}?bassin={bassin.pk}&signal=horaires"
    )


# The whole admin home of an editor: session, user, Wagtail's own (menus, « Lexique des besoins » asking
# whether the user coordinates, moderation panels) and Maillage's panel (memberships, structures with their
# signals, feeds: three), whatever the number of structures.
EDITOR_HOME_QUERIES = 30


@pytest.mark.parametrize("structure_count", [1, 4])
def test_editor_dashboard_query_count_does_not_grow(client, db, django_assert_num_queries, structure_count):
    editor = make_editor(structure_count=structure_count)
    for structure in editor.structures:
        AtelierFactory(structure=structure)
        Feed.objects.create(structure=structure, url=f"https://agenda.example/{structure.pk}.ics")
    client.force_login(editor)
    client.get(ADMIN_HOME)

    with django_assert_num_queries(EDITOR_HOME_QUERIES):
        client.get(ADMIN_HOME)


def test_superuser_keeps_wagtail_summary_and_sees_every_bassin(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    first, second = BassinFactory(), BassinFactory()
    client.force_login(admin)

    response = client.get(ADMIN_HOME)

    section = panel(response, "maillage-bassins")
    names = [row.select_one("th a").get_text(strip=True) for row in section.select("tbody tr")]
    assert {first.title, second.title} <= set(names)
    assert "w-summary" in response.content.decode()
