"""An editor enters a weekly atelier with the recurrence editor, reads the live preview, saves it, and
cancels one session."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import enums
from events.models import Atelier
from network import domain
from tests.factories import PASSWORD, BassinFactory, StructureFactory, UserFactory, verify_email

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_setup(site):
    bassin = BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun")
    own = StructureFactory(bassin=bassin, title="MELI", slug="meli", commune="Issoudun")
    editor = verify_email(UserFactory(email="ines@exemple.fr"))
    domain.add_member(structure=own, user=editor)
    return {"own": own, "editor": editor}


def log_in(page, site, email):
    page.goto(site.url + "/admin/")
    page.wait_for_url("**/comptes/login/**")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/admin/**")


def next_tuesday():
    day = timezone.localdate() + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def test_editor_creates_weekly_atelier_with_live_preview_and_cancels_a_session(
    page, site, editor_setup, axe_check
):
    first = next_tuesday()
    until = first + timedelta(days=60)
    log_in(page, site, "ines@exemple.fr")

    page.goto(f"{site.url}/admin/")
    page.get_by_role("link", name="Ateliers").first.click()
    page.wait_for_url("**/admin/ateliers/")
    page.goto(f"{site.url}/admin/ateliers/new/")
    page.locator("#id_title").fill("Tablette pour débuter")
    page.locator("#id_summary").fill("Les gestes de base, pas à pas.")
    page.get_by_label("Maîtrise des outils numériques du quotidien").check()
    page.get_by_label("Seniors").check()
    page.locator("#id_start_date").fill(first.isoformat())
    page.locator("#id_start_time").fill("14:00")
    page.locator("#id_end_time").fill("16:00")
    page.get_by_label("Chaque semaine").check()
    page.get_by_label("mardi", exact=True).check()
    page.get_by_label("vendredi", exact=True).check()
    page.get_by_label("Jusqu'à une date").check()
    page.locator("#id_until").fill(until.isoformat())

    preview = page.locator("[data-preview-content]")
    preview.get_by_text("Tous les mardis et vendredis de 14 h à 16 h, jusqu'au").wait_for()
    assert preview.get_attribute("aria-live") == "polite"
    assert preview.locator("li").count() == 10
    assert page.locator("#id_count").is_hidden()

    page.get_by_role("button", name="Créer").click()
    page.wait_for_url("**/admin/ateliers/edit/**")
    atelier = Atelier.objects.get(title="Tablette pour débuter")
    assert atelier.rrule == f"FREQ=WEEKLY;BYDAY=TU,FR;UNTIL={until:%Y%m%d}T235959"
    assert page.get_by_text("Tous les mardis et vendredis de 14 h à 16 h").count() >= 1

    page.get_by_role("link", name="Séances").first.click()
    page.wait_for_url("**/seances/")
    axe_check(page)
    page.get_by_role("button", name="Annuler cette séance").first.click()
    page.wait_for_url("**/seances/")

    assert page.get_by_text("est annulée").count() == 1
    first_session = atelier.occurrences.order_by("start").first()
    assert first_session.status == enums.Status.CANCELLED
    assert page.get_by_role("button", name="Rétablir").count() == 1
