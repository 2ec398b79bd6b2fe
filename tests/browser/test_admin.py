"""A structure's editor logs in, edits and publishes their own page, and cannot reach another structure's."""

import pytest

from network import domain
from network.models import StructurePage
from tests.factories import PASSWORD, BassinFactory, StructureFactory, UserFactory, verify_email

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_setup(site):
    bassin = BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun")
    own = StructureFactory(bassin=bassin, title="MELI", slug="meli", commune="Issoudun")
    other = StructureFactory(bassin=bassin, title="Les Ruches", slug="les-ruches", commune="Issoudun")
    editor = verify_email(UserFactory(email="ines@exemple.fr"))
    domain.add_member(structure=own, user=editor)
    return {"own": own, "other": other, "editor": editor}


def _log_in(page, site, email):
    page.goto(site.url + "/admin/")
    page.wait_for_url("**/comptes/login/**")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/admin/**")


def test_editor_edits_own_structure_but_not_another(page, site, editor_setup):
    own, other = editor_setup["own"], editor_setup["other"]
    _log_in(page, site, "ines@exemple.fr")

    page.goto(f"{site.url}/admin/pages/{own.pk}/edit/")
    page.locator("#id_presentation_resume").fill("Ateliers du mardi pour débuter avec une tablette.")
    page.locator("[data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url("**/admin/pages/**")

    assert StructurePage.objects.get(pk=own.pk).presentation_resume == (
        "Ateliers du mardi pour débuter avec une tablette."
    )
    page.goto(site.url + own.url)
    assert page.get_by_text("Ateliers du mardi pour débuter avec une tablette.").count() >= 1

    page.goto(f"{site.url}/admin/pages/{other.pk}/edit/")

    assert page.url == f"{site.url}/admin/"
    assert page.get_by_text("vous n'avez pas les autorisations").count() == 1
    assert page.locator("#id_presentation_resume").count() == 0
    assert StructurePage.objects.get(pk=other.pk).latest_revision_id == other.latest_revision_id
