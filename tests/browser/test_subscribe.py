"""« S'abonner » in a browser: from a bassin's agenda to its subscribe page, copy the address, axe-clean."""

import pytest

from tests.factories import BassinFactory

pytestmark = pytest.mark.browser


def test_subscribe_page_from_a_bassin_agenda(page, site, axe_check, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"
    BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun", main_commune="Issoudun")

    page.goto(site.url + "/bassins/issoudun/agenda/")
    page.get_by_role("link", name="S'abonner", exact=True).click()
    page.wait_for_url("**/bassins/issoudun/agenda/s-abonner/")

    assert page.locator("h1").inner_text().strip() == "S'abonner aux ateliers du bassin d'Issoudun"
    address = page.get_by_label("Adresse à coller dans votre application d'agenda")
    assert address.input_value() == "https://maillage.example.org/bassins/issoudun/agenda.ics"
    assert page.get_by_role("link", name="Ouvrir dans l'agenda de cet appareil").get_attribute("href") == (
        "webcal://maillage.example.org/bassins/issoudun/agenda.ics"
    )
    google = page.get_by_role("link", name="Ajouter à Google Agenda (site externe)").get_attribute("href")
    assert (
        google
        == "https://calendar.google.com/calendar/r?cid=webcal://maillage.example.org/bassins/issoudun/agenda.ics"
    )
    # The copy button is there only with JavaScript; it copies the address and says so.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page.get_by_role("button", name="Copier l'adresse").click()
    page.get_by_role("status").filter(has_text="Adresse copiée.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == address.input_value()
    axe_check(page)
