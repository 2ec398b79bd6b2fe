"""A cycle's public programme in a browser: by day, filtered, by bassin, its map, sharing and its A4 version,
with axe-core on each page."""

from datetime import time, timedelta

import pytest

from programmes import domain
from tests.factories import BassinFactory, StructureFactory, UserFactory
from tests.programmes.factories import ContributionFactory, CycleFactory, editor_of

pytestmark = pytest.mark.browser


def _accept(cycle, structure, coordinator, **fields):
    editor = editor_of(structure)
    contribution = ContributionFactory(cycle=cycle, structure=structure, created_by=editor, **fields)
    domain.submit_contribution(contribution=contribution, by=editor)
    return domain.accept_contribution(contribution=contribution, by=coordinator)


@pytest.fixture
def programme(site):
    """A cycle on two bassins, three accepted contributions on two days, one still under review."""
    coordinator = UserFactory()
    bourges = BassinFactory(title="Bassin de Bourges", slug="bourges")
    vierzon = BassinFactory(title="Bassin de Vierzon", slug="vierzon", main_commune="Vierzon")
    mediatheque = StructureFactory(
        bassin=bourges,
        title="Médiathèque de Bourges",
        commune="Bourges",
        adresse="1 boulevard Lamarck",
        latitude=47.08,
        longitude=2.39,
    )
    espace = StructureFactory(
        bassin=vierzon,
        title="Espace numérique de Vierzon",
        commune="Vierzon",
        adresse="2 rue de la Gare",
        latitude=47.22,
        longitude=2.07,
    )
    cycle = CycleFactory(
        title="Human Tech Days",
        slug="human-tech-days",
        edition="2027",
        theme="Le numérique qui relie",
        coordinators=[coordinator],
        bassins=[bourges, vierzon],
    )
    first, second = (cycle.start_date + timedelta(days=n) for n in (0, 1))
    _accept(cycle, mediatheque, coordinator, title="Tablette pour débuter", dates=[first.isoformat()])
    _accept(
        cycle,
        espace,
        coordinator,
        title="Démarches en ligne",
        dates=[first.isoformat()],
        start_time=time(9, 30),
        end_time=time(11, 30),
        registration="telephone",
        registration_details="02 48 00 00 00",
    )
    _accept(cycle, espace, coordinator, title="Jeux vidéo en famille", dates=[second.isoformat()])
    under_review = ContributionFactory(cycle=cycle, structure=espace, title="Encore à l'étude")
    domain.submit_contribution(contribution=under_review, by=editor_of(espace))
    return cycle


def _titles(page) -> list[str]:
    return [title.strip() for title in page.locator(".programme-sessions .session__title").all_inner_texts()]


def test_programme_by_day_filtered_by_bassin_then_printed(page, site, programme, axe_check):
    page.goto(site.url + programme.url)

    assert page.locator("h1").inner_text().strip() == "Human Tech Days 2027"
    assert _titles(page) == ["Démarches en ligne", "Tablette pour débuter", "Jeux vidéo en famille"]
    assert "Encore à l'étude" not in page.content()
    map_container = page.locator("[data-map]")
    map_container.and_(page.locator("[data-marker-count]")).wait_for()
    assert map_container.get_attribute("data-marker-count") == "2"
    axe_check(page)

    page.get_by_label("Bassin de Vierzon", exact=True).check()
    page.get_by_role("button", name="Afficher les séances").click()
    page.wait_for_url("**bassin=vierzon*")
    assert _titles(page) == ["Démarches en ligne", "Jeux vidéo en famille"]
    assert page.locator("#resultats").inner_text().strip() == "2 séances avec ces filtres"
    subscribe = page.get_by_role("link", name="S'abonner", exact=True).get_attribute("href")
    assert subscribe == "/human-tech-days/s-abonner/?bassin=vierzon"
    axe_check(page)

    page.get_by_role("link", name="Version imprimable (A4)").click()
    page.wait_for_url("**/human-tech-days/imprimer/?bassin=vierzon")
    assert page.get_by_role("button", name="Imprimer").is_visible()
    assert [text.strip() for text in page.locator(".print-sheet .session__title").all_inner_texts()] == [
        "Démarches en ligne",
        "Jeux vidéo en famille",
    ]
    assert page.get_by_text("Par téléphone : 02 48 00 00 00").count() == 1
    axe_check(page)

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".print-actions").is_visible()
    assert page.locator(".print-sheet h1").is_visible()


def test_programme_by_bassin_copy_link_and_back_from_an_atelier(page, site, programme, axe_check):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page.goto(site.url + programme.url)

    page.get_by_role("link", name="Par bassin de vie").click()
    page.wait_for_url("**vue=bassins*")

    headings = [text.strip() for text in page.locator(".programme-group h3").all_inner_texts()]
    assert headings == ["Bassin de Bourges (1 séance)", "Bassin de Vierzon (2 séances)"]
    axe_check(page)

    page.get_by_role("button", name="Copier le lien").click()
    page.get_by_role("status").filter(has_text="Lien copié.").wait_for()
    address = page.get_by_label("Adresse de cette page").input_value()
    assert address.endswith("/human-tech-days/?vue=bassins")
    assert page.evaluate("navigator.clipboard.readText()") == address

    page.get_by_role("link", name="Démarches en ligne").first.click()
    page.wait_for_url("**/ateliers/*/")
    page.get_by_text("Dans le cadre de :").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Human Tech Days 2027").click()
    page.wait_for_url(f"**{programme.url}")
