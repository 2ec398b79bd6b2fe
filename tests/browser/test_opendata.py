"""The `/donnees/` page in a real browser: a download link per bassin and format, no serious axe issue."""

import pytest

from tests.factories import BassinFactory, StructureFactory

pytestmark = pytest.mark.browser


def test_donnees_page_is_accessible_and_links_download(page, site, axe_check):
    bassin = BassinFactory(title="Vierzon", slug="vierzon")
    StructureFactory(bassin=bassin, title="Médiathèque de Vierzon")

    response = page.goto(site.url + "/donnees/", wait_until="load")

    assert response.status == 200
    assert page.locator("h1").inner_text() == "Données ouvertes"
    assert page.get_by_role("link", name="CSV – lieux, Vierzon").get_attribute("href") == (
        "/donnees/bassins/vierzon/lieux.csv"
    )
    axe_check(page)
    download = page.request.get(site.url + "/donnees/bassins/vierzon/lieux.csv")
    assert download.status == 200
    assert download.text().startswith("id,pivot,nom,commune,")
