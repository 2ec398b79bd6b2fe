"""The kiosk `/borne/<bassin>/` on a tablet: back to the start after the idle delay, large targets, axe."""

import pytest

from network.enums import Service
from tests.factories import BassinFactory, StructureFactory

pytestmark = pytest.mark.browser

KIOSK = "/borne/issoudun/"
ANSWERS = "besoin=demarches&pres=Issoudun"


@pytest.fixture
def kiosk(site):
    bassin = BassinFactory(title="Bassin d'Issoudun", slug="issoudun", main_commune="Issoudun")
    StructureFactory(
        bassin=bassin,
        title="France services d'Issoudun",
        slug="france-services-issoudun",
        commune="Issoudun",
        latitude=46.948,
        longitude=1.993,
        services=[Service.DEMARCHES],
        telephone=["+33254000000"],
    )
    return bassin


@pytest.fixture
def tablet(page):
    page.set_viewport_size({"width": 1024, "height": 768})
    return page


def test_back_to_the_start_after_the_idle_delay_with_a_warning_first(tablet, site, kiosk, settings):
    settings.MAILLAGE_KIOSK_IDLE_SECONDS = 4
    tablet.goto(site.url + KIOSK + "resultat/?" + ANSWERS)
    assert tablet.locator(".guide-place").count() == 1
    notice = tablet.get_by_text("Sans action de votre part, la borne revient bientôt à l'accueil.")
    assert not notice.is_visible()

    notice.wait_for(state="visible", timeout=4000)
    assert "/resultat/" in tablet.url
    tablet.wait_for_url(site.url + KIOSK, timeout=8000)

    assert tablet.locator("h1").inner_text().strip() == "De quoi avez-vous besoin ?"


def test_a_touch_postpones_the_return_and_typing_is_cleared_at_the_start(tablet, site, kiosk, settings):
    settings.MAILLAGE_KIOSK_IDLE_SECONDS = 3
    tablet.goto(site.url + KIOSK)
    field = tablet.get_by_label("Autre chose ? Écrivez-le avec vos mots.")
    field.fill("carte grise")
    tablet.wait_for_timeout(2000)
    field.press("End")  # activity: the delay starts again
    tablet.wait_for_timeout(2000)
    assert field.input_value() == "carte grise"

    tablet.wait_for_function("document.querySelector('#id_q').value === ''", timeout=6000)
    assert tablet.url == site.url + KIOSK


@pytest.mark.parametrize(
    "path", ["", "lieu/?besoin=demarches", f"criteres/?{ANSWERS}", f"resultat/?{ANSWERS}"]
)
def test_every_kiosk_screen_has_large_targets_and_passes_axe(tablet, site, kiosk, axe_check, path):
    tablet.goto(site.url + KIOSK + path)

    sizes = tablet.evaluate(
        "[...document.querySelectorAll('main button:not([hidden]), main a, main label.guide-option,"
        " .kiosk-header a, .kiosk-header button:not([hidden])')]"
        ".filter(el => el.offsetParent !== null).map(el => el.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 44
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 1024
    axe_check(tablet)


def test_print_button_opens_the_print_dialog(tablet, site, kiosk):
    tablet.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    tablet.goto(site.url + KIOSK + "resultat/?" + ANSWERS)

    tablet.locator(".kiosk-header").get_by_role("button", name="Imprimer").click()

    assert tablet.evaluate("window.__printed") == 1
