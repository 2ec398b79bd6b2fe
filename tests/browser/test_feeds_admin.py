"""An editor connects her structure's calendar: adds its address, reads the preview, activates it, and finds
the imported workshop on the structure's public agenda."""

import pytest

from calendars.models import Feed
from network import domain
from tests.browser.test_atelier_admin import log_in
from tests.factories import BassinFactory, StructureFactory, UserFactory, verify_email

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_setup(site):
    bassin = BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun")
    own = StructureFactory(bassin=bassin, title="MELI", slug="meli", commune="Issoudun")
    editor = verify_email(UserFactory(email="ines@exemple.fr"))
    domain.add_member(structure=own, user=editor)
    return {"own": own, "editor": editor}


@pytest.fixture
def synchronous_sync(settings):
    """« Activer » runs the real Celery task in the request's thread instead of handing it to a broker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


def settled_axe_check(page, axe_check):
    """Wagtail's message banner fades in: mid-animation its colours fail contrast, so wait for its end."""
    page.evaluate(
        """Promise.all(document.getAnimations()
            .filter((animation) => animation.effect?.target?.closest?.(".messages"))
            .map((animation) => animation.finished))"""
    )
    axe_check(page)


def test_editor_connects_a_calendar_and_sees_its_workshops_on_the_agenda(
    page,
    site,
    editor_setup,
    ics_server,
    synchronous_sync,
    axe_check,
):
    log_in(page, site, "ines@exemple.fr")
    page.goto(f"{site.url}/admin/")
    page.get_by_role("link", name="Calendriers synchronisés").first.click()
    page.wait_for_url("**/admin/calendriers/")
    axe_check(page)

    page.get_by_role("link", name="Ajouter un calendrier").click()
    page.wait_for_url("**/admin/calendriers/new/")
    page.get_by_label("Nom du calendrier").fill("Agenda Google de la MELI")
    page.get_by_label("Adresse du calendrier (iCal)").fill(ics_server)
    page.get_by_label("Seniors").check()
    axe_check(page)
    page.get_by_role("button", name="Enregistrer et voir l'aperçu").click()

    page.wait_for_url("**/apercu/")
    page.get_by_text("Café numérique").first.wait_for()
    assert page.get_by_text("Messagerie pour débuter").count() >= 1
    feed = Feed.objects.get(name="Agenda Google de la MELI")
    assert feed.active is False
    settled_axe_check(page, axe_check)

    page.get_by_role("button", name="Activer la synchronisation").click()
    page.wait_for_url(f"**/admin/calendriers/inspect/{feed.pk}/")
    page.get_by_text("La synchronisation est lancée").first.wait_for()
    page.get_by_text("Fonctionne").first.wait_for()
    settled_axe_check(page, axe_check)

    page.goto(f"{site.url}/structures/meli/agenda/")
    page.get_by_text("Café numérique").first.wait_for()
    assert page.get_by_text("Messagerie pour débuter").count() >= 1
