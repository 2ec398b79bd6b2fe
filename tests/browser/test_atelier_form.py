"""The atelier form shows the questions of the chosen rhythm only, never a label without its field, with
or without JavaScript; it is axe clean; a weekly atelier added with it appears on the public agenda."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Atelier
from network import domain
from tests.browser.test_atelier_admin import log_in
from tests.factories import BassinFactory, StructureFactory, UserFactory, verify_email

pytestmark = pytest.mark.browser

# Every label of the form whose field is not shown, and every shown panel that holds no field (but the
# preview region): what an « orphan label » is. A rich-text field's input is hidden by design; its editor
# (the textbox) counts, and without JavaScript (no editor at all: Wagtail needs it) it is left aside.
ORPHAN_LABELS = """
([form, withEditor]) => {
  const shown = (element) =>
    element === "rich text" || (!!element && element.getClientRects().length > 0);
  const control = (element) => {
    if (!element) return null;
    if (element.matches("[data-draftail-input]")) {
      return withEditor ? element.parentElement.querySelector("[contenteditable='true']") : "rich text";
    }
    return element;
  };
  const orphans = [];
  form.querySelectorAll("label.w-field__label").forEach((label) => {
    const target = control(document.getElementById(label.htmlFor));
    if (shown(label) && !shown(target)) orphans.push(label.textContent.trim());
  });
  form.querySelectorAll(".w-panel__wrapper").forEach((wrapper) => {
    const fields = wrapper.querySelectorAll("input:not([type=hidden]), select, textarea, [contenteditable]");
    if (wrapper.querySelector("[data-atelier-preview], [data-draftail-input]")) return;
    if (shown(wrapper) && ![...fields].some(shown)) orphans.push(wrapper.textContent.trim().slice(0, 40));
  });
  return orphans;
}
"""
SHOWN_LEGENDS = """
(form) => [...form.querySelectorAll("[data-rhythm-group]")]
  .filter((group) => group.getClientRects().length > 0)
  .map((group) => group.querySelector("legend").textContent.trim())
"""
REPEATS = "Si l'atelier se répète (chaque semaine ou chaque mois)"
MONTHLY = "Si l'atelier revient chaque mois"
ENDING = "Fin de la série et séances retirées (si l'atelier se répète)"


@pytest.fixture
def editor(site):
    bassin = BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun")
    own = StructureFactory(bassin=bassin, title="MELI", slug="meli", commune="Issoudun")
    user = verify_email(UserFactory(email="ines@exemple.fr"))
    domain.add_member(structure=own, user=user)
    return user


def form_of(page):
    return page.locator("#w-editor-form")


def orphan_labels(page, *, with_editor=True) -> list[str]:
    return form_of(page).evaluate(f"(form) => ({ORPHAN_LABELS})([form, {str(with_editor).lower()}])")


@pytest.mark.parametrize(
    ("rhythm", "legends"),
    [
        ("Une seule fois", []),
        ("Chaque semaine", [REPEATS, ENDING]),
        ("Chaque mois", [REPEATS, MONTHLY, ENDING]),
    ],
)
def test_the_add_form_shows_the_chosen_rhythm_only_without_orphan_label(
    page, site, editor, axe_check, rhythm, legends
):
    log_in(page, site, "ines@exemple.fr")
    page.goto(f"{site.url}/admin/ateliers/new/")

    page.get_by_label(rhythm, exact=True).check()

    assert page.title().startswith("Nouvel atelier")
    assert page.locator("#header-title").inner_text() == "Nouvel atelier"
    assert form_of(page).evaluate(SHOWN_LEGENDS) == legends
    assert orphan_labels(page) == []
    assert page.get_by_role("textbox", name="Description").count() == 1
    assert page.get_by_text("Raw rrule").count() == 0
    axe_check(page)


def test_without_javascript_every_rhythm_group_shows_with_its_legend(browser, site, editor):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, site, "ines@exemple.fr")
        page.goto(f"{site.url}/admin/ateliers/new/")

        assert form_of(page).evaluate(SHOWN_LEGENDS) == [REPEATS, MONTHLY, ENDING]
        assert orphan_labels(page, with_editor=False) == []
    finally:
        context.close()


def test_a_weekly_atelier_added_in_the_form_is_on_the_public_agenda(page, site, editor, axe_check):
    day = timezone.localdate() + timedelta(days=2)
    log_in(page, site, "ines@exemple.fr")
    page.goto(f"{site.url}/admin/ateliers/")
    page.get_by_role("link", name="Ajouter un atelier").first.click()
    page.wait_for_url("**/admin/ateliers/new/")

    page.locator("#id_title").fill("Café numérique du jeudi")
    page.locator("#id_summary").fill("On apporte ses questions, on repart avec des réponses.")
    page.get_by_label("Maîtrise des outils numériques du quotidien").check()
    page.get_by_label("Tous publics").check()
    page.locator("#id_start_date").fill(day.isoformat())
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_end_time").fill("12:00")
    page.get_by_label("Chaque semaine").check()
    page.get_by_role("button", name="Créer").click()
    page.wait_for_url("**/admin/ateliers/edit/**")

    atelier = Atelier.objects.get(title="Café numérique du jeudi")
    assert page.title().startswith("Modifier l'atelier « Café numérique du jeudi »")
    assert atelier.rrule.startswith("FREQ=WEEKLY")
    page.reload()  # the edit form itself, without Wagtail's « saved » message
    assert orphan_labels(page) == []
    axe_check(page)

    page.goto(f"{site.url}/agenda/")
    page.get_by_text("Café numérique du jeudi").first.wait_for()
    axe_check(page)
