"""Finding a workshop in the agenda: filter by theme and « le soir », open it, add it to one's calendar; on a
360 × 640 phone: the first session on the first screen, nothing wider than the screen (the three views and a
structure's page), « près de … » by commune and by « Autour de moi », axe-clean."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from events import enums
from events.views.agenda import week_code
from network.enums import Service
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def agenda(site):
    bassin = BassinFactory(title="Bassin de vie de Vierzon", slug="vierzon", main_commune="Vierzon")
    structure = StructureFactory(
        bassin=bassin,
        title="Médiathèque Paul-Éluard",
        slug="mediatheque-paul-eluard",
        commune="Vierzon",
        adresse="2 rue de la Gare",
        latitude=47.222,
        longitude=2.068,
    )
    day = timezone.localdate() + timedelta(days=3)
    evening = AtelierFactory(
        structure=structure,
        title="Démarches en ligne après le travail",
        themes=[Service.DEMARCHES],
        start_date=day,
        start_time=time(18, 30),
        end_time=time(20, 0),
        capacity=10,
        rrule="FREQ=WEEKLY;BYDAY=" + ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()],
    )
    AtelierFactory(
        structure=structure, title="Démarches le matin", themes=[Service.DEMARCHES], start_date=day
    )
    AtelierFactory(
        structure=structure,
        title="Tablette le soir",
        start_date=day,
        start_time=time(19, 0),
        end_time=time(20, 30),
    )
    AtelierFactory(
        structure=structure,
        title="Réunion des médiateurs",
        themes=[Service.DEMARCHES],
        start_date=day,
        start_time=time(18, 30),
        end_time=time(20, 0),
        visibility=enums.Visibility.PROFESSIONALS,
    )
    return evening


def _session_titles(page) -> list[str]:
    return [title.strip() for title in page.locator(".session__title").all_inner_texts()]


def test_agenda_filter_by_theme_and_evening_then_open_and_add_to_calendar(page, site, agenda, axe_check):
    page.goto(site.url + "/agenda/")
    assert "Réunion des médiateurs" not in page.content()
    axe_check(page)

    page.get_by_label(str(Service.DEMARCHES.label), exact=True).check()
    page.get_by_label("Le soir (après 18 h)").check()
    page.get_by_role("button", name="Afficher les ateliers").click()
    page.wait_for_url("**soir=on*")

    assert set(_session_titles(page)) == {"Démarches en ligne après le travail"}
    assert page.get_by_label("Le soir (après 18 h)").is_checked()
    assert page.locator(".session__time").first.inner_text() == "18 h 30 – 20 h"
    axe_check(page)

    page.get_by_role("link", name="Mois", exact=True).click()
    page.wait_for_url("**vue=mois*")
    assert "soir=on" in page.url
    assert page.locator("table.month-grid caption").count() == 1
    axe_check(page)
    page.go_back()
    page.wait_for_url("**soir=on*")

    page.get_by_role("link", name="Démarches en ligne après le travail").first.click()
    page.wait_for_url(f"**/ateliers/{agenda.pk}/")
    assert page.locator("h1").inner_text().strip() == "Démarches en ligne après le travail"
    assert page.get_by_text("18 h 30 à 20 h").count() >= 1
    axe_check(page)

    link = page.get_by_role("link", name="Ajouter à mon agenda (fichier .ics)")
    href = link.get_attribute("href")
    assert href == f"/ateliers/{agenda.pk}.ics"
    response = page.request.get(site.url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "Démarches en ligne après le travail" in response.text()


def test_week_view_folds_a_busy_day_into_a_link_reached_by_keyboard(page, site, agenda, axe_check, settings):
    settings.MAILLAGE_AGENDA_DAY_LIMIT = 1
    day = agenda.start_date

    page.goto(f"{site.url}/agenda/?vue=semaine&du={day.isoformat()}")
    link = page.get_by_role("link", name="Voir les 2 autres séances du")
    assert link.count() == 1
    axe_check(page)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**au={day.isoformat()}*")

    assert _session_titles(page) == [
        "Démarches le matin",
        "Démarches en ligne après le travail",
        "Tablette le soir",
    ]
    axe_check(page)


@pytest.mark.parametrize("view", ["", "?vue=semaine", "?vue=mois"])
def test_agenda_fits_a_phone_with_results_first(page, site, agenda, axe_check, view):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{site.url}/agenda/{view}")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The filters are folded behind « Filtrer »; the search box comes first.
    assert page.locator("[data-filters]").get_attribute("open") is None
    assert page.get_by_label("Rechercher un atelier").is_visible()
    assert page.locator("text=Démarches en ligne après le travail >> visible=true").count() >= 1
    axe_check(page)


def test_agenda_search_then_remove_the_filter_on_a_phone(page, site, agenda, axe_check):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site.url + "/agenda/")

    page.get_by_label("Rechercher un atelier").fill("MATINS")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**q=MATINS*")
    assert set(_session_titles(page)) == {"Démarches le matin"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)

    page.get_by_role("link", name="Retirer le filtre Recherche : « MATINS »").click()
    page.wait_for_url(site.url + "/agenda/")
    assert set(_session_titles(page)) == {
        "Démarches le matin",
        "Démarches en ligne après le travail",
        "Tablette le soir",
    }

    page.get_by_role("link", name="Cette semaine").click()
    page.wait_for_url("**du=*")
    assert page.get_by_role("link", name="Cette semaine").get_attribute("aria-current") == "true"
    axe_check(page)


# ---- a 360 × 640 phone ----

PHONE = {"width": 360, "height": 640}


def _bottom(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"]


def test_the_first_session_is_on_the_first_screen_of_a_phone(page, site, agenda, axe_check):
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/agenda/")

    header = page.locator(".site-header").bounding_box()
    first_title = page.locator(".session__title >> visible=true").first
    # Measured: header 289 px and first session at 1,262 px before; header ~100 px, title ~600 px after.
    assert header["height"] <= 120
    assert _bottom(first_title) <= PHONE["height"]
    assert page.locator("[data-filters]").get_attribute("open") is None
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)

    # With a filter chosen, its summary line takes room: the first session still starts on the first screen.
    page.goto(site.url + "/agenda/?pres=Vierzon")
    first_session = page.locator(".session >> visible=true").first.bounding_box()
    assert first_session["y"] + 40 <= PHONE["height"]


@pytest.mark.parametrize(("view", "next_label"), [("semaine", "Semaine suivante"), ("mois", "Mois suivant")])
def test_week_and_month_start_their_first_session_on_the_first_screen_of_a_phone(
    page, site, agenda, axe_check, view, next_label
):
    """Measured on the demo: the week's first session started at 641 px and the month's at 689 px, under
    « précédente / suivante » on two lines each, the week's empty days and the month list's title; on a
    phone, those links now come after the period only (before it too on a wide screen), the empty days are
    left out, as in the month, and the title is only read out."""
    period = week_code(agenda.start_date) if view == "semaine" else f"{agenda.start_date:%Y-%m}"
    page.set_viewport_size(PHONE)
    page.goto(f"{site.url}/agenda/?vue={view}&{view}={period}")

    first_session = page.locator(".session >> visible=true").first.bounding_box()
    following = page.get_by_role("link", name=next_label)

    assert first_session["y"] + 40 <= PHONE["height"]
    assert following.count() == 1  # the one before the period is not shown on a phone
    assert following.locator(".period-nav__short").inner_text() in ("Suivante", "Suivant")
    assert following.locator(".period-nav__label").bounding_box()["width"] <= 1  # read out, not shown
    assert following.bounding_box()["y"] > first_session["y"]
    axe_check(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.get_by_role("link", name=next_label).count() == 2
    assert page.get_by_role("link", name=next_label).first.inner_text().strip() == next_label


@pytest.mark.parametrize("view", ["liste", "semaine", "mois"])
def test_no_sideways_scrolling_at_360_px_in_each_view(page, site, agenda, axe_check, view):
    page.set_viewport_size(PHONE)
    page.goto(f"{site.url}/agenda/?vue={view}&du={agenda.start_date.isoformat()}")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator(".session__title >> visible=true").count() >= 1
    axe_check(page)


def test_no_sideways_scrolling_at_360_px_on_a_structure_page(page, site, agenda, axe_check):
    page.set_viewport_size(PHONE)
    page.goto(site.url + agenda.structure.url)

    assert page.locator("h1").inner_text().strip() == "Médiathèque Paul-Éluard"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)


def test_near_a_commune_typed_in_the_filters_on_a_phone(page, site, agenda, axe_check):
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/agenda/")

    page.locator(".filters__summary").click()
    page.get_by_label("Près de (commune)").fill("vierzon")
    page.get_by_label("Dans un rayon de").select_option("10")
    page.get_by_role("button", name="Afficher les ateliers").click()
    page.wait_for_url("**pres=vierzon*")

    assert page.locator(".session__distance").first.inner_text() == "à moins d'1 km"
    assert page.get_by_text("Près de Vierzon (10 km)").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)

    page.get_by_role("link", name="Retirer le filtre Près de Vierzon (10 km)").click()
    page.wait_for_url(site.url + "/agenda/")
    assert page.locator(".session__distance").count() == 0


def test_around_me_uses_the_browser_position(page, site, agenda, axe_check):
    page.context.grant_permissions(["geolocation"])
    # Bourges, 30 km from Vierzon: nothing within 10 km, the Vierzon ateliers within 40 km.
    page.context.set_geolocation({"latitude": 47.081, "longitude": 2.3988})
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/agenda/?rayon=40")

    page.locator(".filters__summary").click()
    page.get_by_role("button", name="Autour de moi").click()
    page.wait_for_url("**lat=47.081*")

    assert "lon=2.399" in page.url
    assert page.locator(".session__distance").first.inner_text() == "à 30 km"
    assert page.get_by_text("Autour de votre position (40 km)").count() == 1
    axe_check(page)


def test_without_javascript_the_around_me_button_stays_hidden(browser, site, agenda):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(site.url) else route.abort()
    )
    try:
        page = context.new_page()
        page.goto(site.url + "/agenda/?pres=Vierzon")
        assert page.get_by_role("button", name="Autour de moi").count() == 0
        assert page.locator(".session__distance").first.inner_text() == "à moins d'1 km"
    finally:
        context.close()
