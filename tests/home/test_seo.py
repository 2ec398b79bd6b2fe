"""What search engines read: each public page's meta description, `sitemap.xml` and `robots.txt`."""

import html
import re
from datetime import time
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from events.models import Atelier
from network.enums import Service
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, add_listed_structures
from tests.programmes.factories import CycleFactory

BASE = "https://maillage.example.org"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE


def meta_descriptions(text: str) -> list[str]:
    return [
        html.unescape(value) for value in re.findall(r'<meta name="description" content="([^"]*)">', text)
    ]


def sitemap_entries(text: str) -> dict[str, str | None]:
    """Location → lastmod of each `<url>` of the sitemap."""
    root = ElementTree.fromstring(text)
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for url in root.findall("s:url", SITEMAP_NS)
    }


# ---- Meta description ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/structures/", "/agenda/"])
def test_fixed_pages_have_one_french_meta_description(client, home_page, path):
    descriptions = meta_descriptions(client.get(path).text)

    assert len(descriptions) == 1
    assert "Centre-Val de Loire" in descriptions[0]
    assert 0 < len(descriptions[0]) <= 160


def test_structure_meta_description_says_what_it_offers_and_where(client, home_page):
    structure = StructureFactory(
        title="Médiathèque Albert-Camus",
        commune="Issoudun",
        code_postal="36100",
        services=[Service.DEMARCHES, Service.OUTILS_QUOTIDIEN],
    )

    [description] = meta_descriptions(client.get(structure.url).text)

    assert description.startswith(
        "Médiathèque Albert-Camus, à Issoudun (36100) : aide aux démarches administratives, "
        "maîtrise des outils numériques du quotidien."
    )
    assert len(description) <= 160


def test_structure_meta_description_is_bounded_and_escaped(client, home_page):
    structure = StructureFactory(
        title='Espace « <b>Numérique</b> » & "Cie"',
        commune="Bourges",
        presentation_resume="Un très long résumé. " * 12,
    )

    text = client.get(structure.url).text
    [description] = meta_descriptions(text)

    assert (
        '<meta name="description" content="Espace « &lt;b&gt;Numérique&lt;/b&gt; » &amp; &quot;Cie&quot;'
        in text
    )
    assert description.startswith('Espace « <b>Numérique</b> » & "Cie", à Bourges : un lieu pour être aidé')
    assert len(description) == 160
    assert description.endswith("…")


def test_network_meta_description_says_it_does_not_receive_the_public(client, home_page):
    structure = StructureFactory(title="Réseau des EPN", commune="Tours", receives_public=False)

    [description] = meta_descriptions(client.get(structure.url).text)

    assert description.startswith("Réseau des EPN, Tours : réseau ou partenaire de la médiation numérique.")


def test_search_description_wins_over_the_written_one(client, home_page):
    structure = StructureFactory(commune="Bourges")
    structure.search_description = "Le lieu numérique de Bourges, ouvert à tous."
    structure.save_revision().publish()

    assert meta_descriptions(client.get(structure.url).text) == [
        "Le lieu numérique de Bourges, ouvert à tous."
    ]


def test_bassin_meta_description_counts_places_and_communes(client, home_page):
    bassin = BassinFactory(title="Bassin de vie d'Issoudun")
    for commune in ("Issoudun", "Issoudun", "Reuilly"):
        StructureFactory(bassin=bassin, commune=commune)
    StructureFactory(bassin=bassin, commune="Vatan", receives_public=False)

    assert meta_descriptions(client.get(bassin.url).text) == [
        "Bassin de vie d'Issoudun : 3 lieux de médiation numérique dans 2 communes, "
        "leurs horaires et leurs ateliers."
    ]


def test_atelier_meta_description_says_when_where_and_for_whom(client, home_page):
    structure = StructureFactory(title="Médiathèque Albert-Camus", commune="Issoudun")
    atelier = AtelierFactory(
        structure=structure,
        title="Mon smartphone",
        publics=["Seniors"],
        start_time=time(14),
        end_time=time(16),
    )

    [description] = meta_descriptions(client.get(atelier.get_absolute_url()).text)

    assert description.startswith(
        f"Atelier {atelier.describe_schedule()}, à Issoudun (Médiathèque Albert-Camus)"
    )
    assert ", pour seniors. Gratuit." in description
    assert len(description) <= 160


def test_atelier_meta_description_of_an_imported_series_does_not_say_imported(client, home_page):
    structure = StructureFactory(title="EPN", commune="Vierzon")
    atelier = AtelierFactory(structure=structure, rrule="FREQ=DAILY;COUNT=3", publics=[])

    [description] = meta_descriptions(client.get(atelier.get_absolute_url()).text)

    assert description.startswith("Atelier en plusieurs séances, à Vierzon (EPN), pour tous. Gratuit.")


def test_cycle_meta_description_gives_its_dates(client, home_page):
    cycle = CycleFactory(title="Human Tech Days 2027", slug="human-tech-days-2027")

    [description] = meta_descriptions(client.get(cycle.url).text)

    assert description.startswith(f"Human Tech Days 2027, {cycle.dates_label()}, en Centre-Val de Loire.")
    assert len(description) <= 160


# ---- sitemap.xml -----------------------------------------------------------------------------------------


def test_sitemap_lists_pages_ateliers_and_lists_on_the_public_address(client, home_page):
    bassin = BassinFactory(slug="issoudun")
    place = StructureFactory(bassin=bassin, slug="mediatheque")
    network = StructureFactory(bassin=bassin, slug="reseau", receives_public=False)
    atelier = AtelierFactory(structure=place)
    AtelierFactory(structure=place, visibility="pro")
    CycleFactory(title="Human Tech Days 2027", slug="human-tech-days-2027")
    place.refresh_from_db()

    response = client.get("/sitemap.xml", HTTP_HOST="interne.local")
    entries = sitemap_entries(response.text)

    assert response.status_code == 200
    assert sorted(entries) == sorted(
        [
            f"{BASE}/",
            f"{BASE}/issoudun/",
            f"{BASE}/issoudun/mediatheque/",
            f"{BASE}/issoudun/reseau/",
            f"{BASE}/human-tech-days-2027/",
            f"{BASE}/structures/",
            f"{BASE}/agenda/",
            f"{BASE}/ateliers/{atelier.pk}/",
        ]
    )
    assert (
        entries[f"{BASE}/issoudun/mediatheque/"]
        == timezone.localtime(place.last_published_at).date().isoformat()
    )
    assert (
        entries[f"{BASE}/ateliers/{atelier.pk}/"] == timezone.localtime(atelier.updated_at).date().isoformat()
    )
    assert entries[f"{BASE}/human-tech-days-2027/"] is not None
    assert entries[f"{BASE}/agenda/"] is None
    assert network.live


def test_sitemap_leaves_out_drafts_and_ateliers_of_unpublished_structures(client, home_page):
    place = StructureFactory(slug="brouillon")
    atelier = AtelierFactory(structure=place)
    place.unpublish()

    entries = sitemap_entries(client.get("/sitemap.xml").text)

    assert f"{BASE}{place.url_path}" not in entries
    assert not any(url.endswith("/brouillon/") for url in entries)
    assert f"{BASE}/ateliers/{atelier.pk}/" not in entries


def sitemap_queries(client, django_assert_num_queries, count: int, expected: int):
    with django_assert_num_queries(expected):
        response = client.get("/sitemap.xml")
    assert len(sitemap_entries(response.text)) == count


@pytest.mark.parametrize("size", [2, 12])
def test_sitemap_query_count_does_not_grow_with_the_pages(client, home_page, django_assert_num_queries, size):
    bassins = [BassinFactory(), BassinFactory()]
    structures = add_listed_structures(bassins, size)
    Atelier.objects.bulk_create(
        [
            Atelier(
                structure=structure,
                title="Atelier",
                start_date=timezone.localdate(),
                start_time=time(14),
                end_time=time(16),
                uid=f"seo-{structure.pk}@test",
            )
            for structure in structures
        ]
    )
    client.get("/sitemap.xml")  # the site's root paths are cached on the first request, as in production

    # The default site, view restrictions, a count and the ids of the pages, one query per page type (home,
    # bassin, structure), then a count and the rows of the ateliers: nine, whatever the number of pages.
    sitemap_queries(client, django_assert_num_queries, count=1 + 2 + 2 * size + 2, expected=9)


# ---- robots.txt ------------------------------------------------------------------------------------------


def test_robots_txt_points_to_the_sitemap_and_keeps_members_spaces_out(client, db):
    response = client.get("/robots.txt", HTTP_HOST="interne.local")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == (
        "User-agent: *\n"
        "Disallow: /pro/\n"
        "Disallow: /admin/\n"
        "Disallow: /comptes/\n"
        "\n"
        f"Sitemap: {BASE}/sitemap.xml\n"
    )
