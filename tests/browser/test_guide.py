"""The guided path `/aide/` in a real browser: done with the keyboard only, « Autour de moi », the printed
slip on one page, axe-core on every screen, and nothing wider than a 360 px phone."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from network.enums import ModaliteAcces, Service
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

pytestmark = pytest.mark.browser

ANSWERS = "besoin=demarches&pres=Issoudun&critere=gratuit"
SCREENS = ["/aide/", f"/aide/lieu/?{ANSWERS}", f"/aide/criteres/?{ANSWERS}", f"/aide/resultat/?{ANSWERS}"]


@pytest.fixture
def territory(site):
    bassin = BassinFactory(title="Bassin d'Issoudun", slug="issoudun", main_commune="Issoudun")
    places = []
    for index, commune in enumerate(["Issoudun", "Vatan", "Reuilly", "Diou", "Ségry"]):
        places.append(
            StructureFactory(
                bassin=bassin,
                title=f"France services de {commune}",
                slug=f"france-services-{index}",
                commune=commune,
                code_postal="36100",
                adresse=f"{index + 1} place de la Mairie",
                latitude=46.948 + index * 0.03,
                longitude=1.993,
                services=[Service.DEMARCHES, Service.OUTILS_QUOTIDIEN],
                frais_a_charge=["Gratuit"],
                modalites_acces=[ModaliteAcces.SE_PRESENTER, ModaliteAcces.TELEPHONER],
                telephone=["+33254000000"],
                horaires="Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
                presentation_resume="Un lieu pour faire ses démarches en ligne avec quelqu'un.",
            )
        )
    for place in places[:3]:
        for offset in (2, 9):
            AtelierFactory(
                structure=place,
                title=f"Démarches en ligne pas à pas à {place.commune}",
                themes=[Service.DEMARCHES],
                start_date=timezone.localdate() + timedelta(days=offset),
                start_time=time(10, 0),
                end_time=time(12, 0),
            )
    return places


def _tab_to(page, text: str, *, limit: int = 60):
    """Press Tab until the focused element's text or label contains `text`; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const el = document.activeElement;"
            " const label = el.labels && el.labels.length ? el.labels[0].textContent : '';"
            " return [el.textContent, label, el.getAttribute('aria-label') || ''].join(' ')"
            ".replace(/\\s+/g, ' '); })()"
        )
        if text in focused:
            return
    pytest.fail(f"« {text} » jamais atteint au clavier")


def _focus_is_visible(page) -> bool:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    outline_style, outline_width, box_shadow = style
    return (outline_style != "none" and outline_width != "0px") or box_shadow != "none"


def test_the_whole_path_with_the_keyboard_only(page, site, territory, axe_check):
    page.goto(site.url + "/aide/")

    _tab_to(page, "Faire une démarche en ligne")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/aide/lieu/?besoin=demarches")

    _tab_to(page, "Votre commune")
    page.keyboard.type("Issoudun")
    page.keyboard.press("Enter")
    page.wait_for_url("**/aide/criteres/?*pres=Issoudun*")

    _tab_to(page, "Gratuit")
    assert _focus_is_visible(page)
    page.keyboard.press("Space")
    _tab_to(page, "Voir les lieux")
    page.keyboard.press("Enter")
    page.wait_for_url("**/aide/resultat/?*critere=gratuit*")

    assert (
        page.locator(".guide-place__title").first.inner_text().strip().endswith("France services de Issoudun")
    )
    assert page.get_by_text("Pourquoi ce lieu :").count() == 5
    _tab_to(page, "Modifier votre besoin")
    assert _focus_is_visible(page)
    axe_check(page)


def test_around_me_sends_the_browser_position(page, site, territory):
    page.context.grant_permissions(["geolocation"], origin=site.url)
    page.context.set_geolocation({"latitude": 46.95, "longitude": 1.99})
    page.goto(site.url + "/aide/lieu/?besoin=demarches")

    page.get_by_role("button", name="Autour de moi").click()
    page.wait_for_url("**/aide/criteres/?*lat=46.95*")

    assert "lon=1.99" in page.url


def test_without_javascript_around_me_is_absent_and_the_path_works(browser, site, territory):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(site.url + "/aide/lieu/?besoin=demarches")
        assert page.get_by_role("button", name="Autour de moi").count() == 0
        page.get_by_label("Votre commune").fill("Issoudun")
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_url("**/aide/criteres/*")
        page.get_by_role("button", name="Voir les lieux").click()
        page.wait_for_url("**/aide/resultat/*")
        assert page.locator(".guide-place").count() == 5
    finally:
        context.close()


def test_the_slip_prints_on_one_page_without_the_site_chrome(page, site, territory):
    page.goto(site.url + f"/aide/resultat/?{ANSWERS}")
    page.emulate_media(media="print")

    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".guide-share__actions").is_visible()
    assert page.locator(".guide-place >> visible=true").count() == 3
    assert page.locator(".qr-code").is_visible()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1


@pytest.mark.parametrize("path", SCREENS)
def test_every_screen_fits_a_phone_and_passes_axe(page, site, territory, axe_check, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site.url + path)

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)


def test_a_structure_page_fits_a_phone(page, site, territory):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site.url + territory[0].url)

    assert page.locator("h1").inner_text().strip() == "France services de Issoudun"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
