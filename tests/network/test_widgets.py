"""Tests of network.widgets: the hours editor and the address lookup in the structure form.

The grid is what the browser script edits; these tests check that it shows the stored text faithfully,
that the text stays the one submitted value (with or without the script), and that a bad value comes back
with a French error and as typed.
"""

import pytest
from bs4 import BeautifulSoup

from network.horaires import format_opening_hours, parse_opening_hours
from network.models import StructurePage
from network.widgets import AddressLookupWidget, OpeningHoursWidget, opening_hours_grid
from tests.network.admin_forms import edit_url, form_values, publish_edit
from tests.network.hours_grid import DEMO_HOURS

DAY_NAMES = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]


def grid_to_text(grid: dict) -> str:
    """What static/network/opening-hours.js writes from the grid (ranges as typed, runs of equal days)."""
    codes = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    days = [
        ",".join(f"{start}-{'24:00' if end == '00:00' else end}" for start, end in d["ranges"])
        for d in grid["days"]
    ]
    rules, index = [], 0
    while index < 7:
        last = index
        while last + 1 < 7 and days[last + 1] == days[index]:
            last += 1
        if days[index]:
            selector = codes[index] if last == index else f"{codes[index]}-{codes[last]}"
            rules.append(f"{selector} {days[index]}")
        index = last + 1
    if grid["closed_on_public_holidays"]:
        rules.append("PH off")
    return "; ".join(rules)


@pytest.mark.parametrize("text", DEMO_HOURS)
def test_opening_hours_grid_round_trips_the_demo_texts(text):
    grid = opening_hours_grid(text)

    assert grid["readable"] is True
    assert grid_to_text(grid) == text


def test_opening_hours_grid_shows_days_ranges_and_holidays():
    grid = opening_hours_grid("Mo-Fr 09:00-12:00,14:00-17:30; Sa 10:00-24:00; PH off")

    assert [day["name"] for day in grid["days"]] == DAY_NAMES
    assert [day["ranges"] for day in grid["days"]] == [
        [("09:00", "12:00"), ("14:00", "17:30")],
    ] * 5 + [[("10:00", "00:00")], []]
    assert grid["closed_on_public_holidays"] is True


def test_opening_hours_grid_of_invalid_text_is_empty_and_unreadable():
    grid = opening_hours_grid("Mo-Fr 9h-12h")

    assert (grid["readable"], [day["ranges"] for day in grid["days"]]) == (False, [[]] * 7)


def test_opening_hours_grid_agrees_with_format_opening_hours():
    text = "Mo-We 08:30-12:00; Th 13:00-19:00; PH off"

    assert grid_to_text(opening_hours_grid(text)) == format_opening_hours(parse_opening_hours(text))


def test_opening_hours_widget_renders_fieldsets_labels_and_the_expert_field():
    html = OpeningHoursWidget().render("horaires", "Mo 09:00-12:00; PH off", attrs={"id": "id_horaires"})
    soup = BeautifulSoup(html, "html.parser")

    assert [legend.get_text(strip=True) for legend in soup.select("fieldset legend")] == DAY_NAMES
    assert soup.select_one("[data-horaires-editor]").has_attr("hidden")  # shown by the script only
    assert soup.select_one("details[data-horaires-expert]").has_attr("open")
    assert soup.select_one("details summary").get_text(strip=True) == "Saisie experte (format OpenStreetMap)"
    assert soup.select_one("textarea#id_horaires").get_text().strip() == "Mo 09:00-12:00; PH off"
    assert [field["name"] for field in soup.select("[name]")] == ["horaires"]
    monday = soup.select("fieldset")[0]
    assert [label.get_text(" ", strip=True) for label in monday.select("li label")] == [
        "De (lundi)",
        "à (lundi)",
    ]
    assert [field["value"] for field in monday.select("li input")] == ["09:00", "12:00"]
    assert soup.select("fieldset")[1].select_one("[data-closed]").get_text(strip=True) == "Fermé"
    assert " ".join(soup.select("[data-add-range]")[0].get_text().split()) == "+ une plage (lundi)"
    assert soup.select_one("[data-public-holidays]").has_attr("checked")


def test_address_widget_without_lookup_offers_only_the_map(settings):
    settings.MAILLAGE_ADDRESS_LOOKUP = False

    soup = BeautifulSoup(
        AddressLookupWidget().render("adresse", "1 rue", {"id": "id_adresse"}), "html.parser"
    )

    assert (soup.select_one("input#id_adresse")["value"], soup.select("[data-address-lookup]")) == (
        "1 rue",
        [],
    )
    assert soup.select_one("[data-address-map]")["data-input"] == "id_adresse"


def test_address_widget_with_lookup_offers_the_button(settings):
    settings.MAILLAGE_ADDRESS_LOOKUP = True

    soup = BeautifulSoup(AddressLookupWidget().render("adresse", "", {"id": "id_adresse"}), "html.parser")

    lookup = soup.select_one("[data-address-lookup]")
    assert (lookup["data-url"], lookup.select_one("button").get_text(strip=True)) == (
        "/admin/structures/adresses/",
        "Chercher l’adresse",
    )


# In the page editor ----------------------------------------------------------------------------------


def test_edit_form_has_the_hours_editor_and_address_lookup(client, editor, settings):
    settings.MAILLAGE_ADDRESS_LOOKUP = True
    client.force_login(editor)

    soup = BeautifulSoup(client.get(edit_url(editor.structure)).content, "html.parser")

    assert len(soup.select("[data-horaires-editor] fieldset")) == 7
    assert soup.select_one("[data-address-lookup]") is not None
    assert soup.select_one('script[src$="network/opening-hours.js"]') is not None
    assert soup.select_one('script[src$="network/address-lookup.js"]') is not None


def test_edit_form_without_script_saves_the_expert_text(client, editor):
    client.force_login(editor)

    publish_edit(client, editor.structure, horaires="Mo-Fr 09:00-12:00; PH off")

    structure = StructurePage.objects.get(pk=editor.structure.pk)
    assert (structure.horaires, structure.opening_hours.closed_on_public_holidays) == (
        "Mo-Fr 09:00-12:00; PH off",
        True,
    )


def test_edit_form_refuses_invalid_hours_in_french_and_keeps_them(client, editor):
    client.force_login(editor)
    before = StructurePage.objects.get(pk=editor.structure.pk).horaires

    response = publish_edit(client, editor.structure, horaires="Lundi 9h-12h", commune="Vierzon")

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert "Horaires non reconnus : « Lundi 9h-12h »" in soup.get_text()
    assert form_values(response.content.decode())["horaires"] == ["Lundi 9h-12h"]
    assert form_values(response.content.decode())["commune"] == ["Vierzon"]
    assert soup.select_one("[data-horaires-editor]")["data-readable"] == "false"
    assert StructurePage.objects.get(pk=editor.structure.pk).horaires == before
