"""An editor logs in, sees on the admin home what their page lacks, fixes the missing hours with the
day-by-day editor and finds the address through the (fake) Base Adresse Nationale, then drags the marker
and publishes; axe checks the home and the form."""

import pytest

from network import domain
from network.models import StructurePage
from tests.browser.test_atelier_admin import log_in
from tests.factories import BassinFactory, StructureFactory, UserFactory, verify_email
from tests.fixtures.ban import SEARCH_PATH, ban_route
from tests.fixtures.http_server import serve

pytestmark = pytest.mark.browser


@pytest.fixture
def fake_ban(settings):
    with serve({SEARCH_PATH: ban_route()}) as server:
        settings.MAILLAGE_ADDRESS_LOOKUP = True
        settings.MAILLAGE_ADDRESS_API_URL = server.url(SEARCH_PATH)
        yield server


@pytest.fixture
def editor_setup(site):
    bassin = BassinFactory(title="Bassin de vie de Vierzon", slug="vierzon")
    own = StructureFactory(
        bassin=bassin,
        title="Espace numérique du Port",
        slug="espace-du-port",
        commune="Vierzon",
        adresse="",
        code_postal="",
        code_insee="",
        horaires="",
        latitude=None,
        longitude=None,
    )
    editor = verify_email(UserFactory(email="ines@exemple.fr"))
    domain.add_member(structure=own, user=editor)
    return {"own": own}


def add_range(day, start, end):
    """« + une plage » from the keyboard; the new range's first field gets the focus."""
    day.get_by_role("button", name="+ une plage").press("Enter")
    day.locator("[data-range]").last.locator("[data-start]").fill(start)
    day.locator("[data-range]").last.locator("[data-end]").fill(end)


def test_editor_enters_hours_and_finds_the_address(page, site, editor_setup, fake_ban, axe_check):
    own = editor_setup["own"]
    log_in(page, site, "ines@exemple.fr")
    page.goto(f"{site.url}/admin/")
    page.get_by_text("Pas d'horaires d'ouverture").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Modifier la fiche").click()
    page.wait_for_url(f"**/admin/pages/{own.pk}/edit/")

    expert = page.locator("#id_horaires")
    assert page.get_by_role("group", name="Mardi").is_visible()
    assert expert.is_hidden()  # the disclosure is closed once the grid works
    tuesday = page.get_by_role("group", name="Mardi")
    add_range(tuesday, "09:00", "12:00")
    add_range(tuesday, "14:00", "17:30")
    thursday = page.get_by_role("group", name="Jeudi")
    add_range(thursday, "14:00", "18:00")
    add_range(thursday, "08:00", "09:00")
    thursday.get_by_role("button", name="Retirer cette plage (jeudi)").last.click()
    page.get_by_label("Fermé les jours fériés").check()
    page.get_by_text("Saisie experte (format OpenStreetMap)").click()
    assert expert.input_value() == "Tu 09:00-12:00,14:00-17:30; Th 14:00-18:00; PH off"

    page.locator("#id_adresse").fill("8 boulevard du Port")
    page.get_by_role("button", name="Chercher l’adresse").click()
    page.get_by_text("2 adresses trouvées : choisissez la bonne.").wait_for()
    axe_check(page)
    page.get_by_role("button", name="8 Boulevard du Port 18100 Vierzon").click()
    assert [page.locator(f"#id_{name}").input_value() for name in ("adresse", "code_postal", "commune")] == [
        "8 Boulevard du Port",
        "18100",
        "Vierzon",
    ]
    assert [
        page.locator(f"#id_{name}").input_value() for name in ("code_insee", "latitude", "longitude")
    ] == [
        "18279",
        "47.221600",
        "2.068000",
    ]
    marker = page.locator(".leaflet-marker-icon")
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] - 2 - 30, steps=5)
    page.mouse.up()
    dragged = (
        float(page.locator("#id_latitude").input_value()),
        float(page.locator("#id_longitude").input_value()),
    )
    assert dragged[0] > 47.2216 and dragged[1] > 2.068  # north-east of the address found

    page.locator("[data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url("**/admin/pages/**")

    saved = StructurePage.objects.get(pk=own.pk)
    assert (saved.horaires, saved.commune, saved.code_insee, saved.code_postal) == (
        "Tu 09:00-12:00,14:00-17:30; Th 14:00-18:00; PH off",
        "Vierzon",
        "18279",
        "18100",
    )
    assert (round(saved.latitude, 6), round(saved.longitude, 6)) == dragged
    assert fake_ban.requests[0]["path"].startswith("/search/?q=8+boulevard+du+Port+Vierzon")
    # The browser asked only Maillage (Wagtail's own avatars aside): never the address base itself.
    assert [url for url in page.blocked_requests if "gravatar.com" not in url] == []


def test_lookup_says_when_the_address_service_fails(page, site, editor_setup, fake_ban):
    fake_ban.routes[SEARCH_PATH] = lambda handler: handler.reply(503, b"maintenance")
    log_in(page, site, "ines@exemple.fr")
    page.goto(f"{site.url}/admin/pages/{editor_setup['own'].pk}/edit/")

    page.locator("#id_adresse").fill("8 boulevard du Port")
    page.locator("#id_adresse").press("Enter")

    page.get_by_text(
        "Le service d’adresses ne répond pas : saisissez la commune et les coordonnées à la main."
    ).wait_for()
    assert page.locator("#id_latitude").input_value() == ""


def test_grid_reads_stored_hours_and_invalid_expert_text_is_kept(page, site, editor_setup):
    own = editor_setup["own"]
    own.horaires = "Mo-Fr 09:00-12:00,14:00-17:30; PH off"
    own.save_revision().publish()
    log_in(page, site, "ines@exemple.fr")
    page.goto(f"{site.url}/admin/pages/{own.pk}/edit/")

    friday = page.get_by_role("group", name="Vendredi")
    assert [friday.locator("[data-start]").nth(i).input_value() for i in range(2)] == ["09:00", "14:00"]
    page.get_by_label("Fermé les jours fériés").uncheck()
    page.get_by_label("Fermé les jours fériés").check()
    page.get_by_text("Saisie experte (format OpenStreetMap)").click()
    expert = page.locator("#id_horaires")
    assert expert.input_value() == "Mo-Fr 09:00-12:00,14:00-17:30; PH off"

    expert.fill("Lundi 9h-12h")
    page.get_by_text("La saisie experte a été modifiée").wait_for()
    assert friday.locator("[data-start]").first.is_disabled()
    page.locator("[data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Publier").click()

    page.get_by_text("Horaires non reconnus : « Lundi 9h-12h »").first.wait_for()
    assert page.locator("#id_horaires").input_value() == "Lundi 9h-12h"
    assert page.get_by_text("Ces horaires ne peuvent pas s’afficher jour par jour").is_visible()
    assert StructurePage.objects.get(pk=own.pk).horaires == "Mo-Fr 09:00-12:00,14:00-17:30; PH off"
