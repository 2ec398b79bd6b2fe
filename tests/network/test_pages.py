"""Tests of the public bassin and structure pages, their JSON-LD and the template helpers they use."""

import json
import re
from datetime import datetime

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from network.enums import (
    DispositifProgramme,
    Frais,
    Itinerance,
    ModaliteAcces,
    ModaliteAccompagnement,
    PriseEnCharge,
    Public,
    RegionalLabel,
    Service,
    StructureStatus,
)
from network.horaires import PARIS, parse_opening_hours
from network.jsonld import dumps_for_script, opening_hours_specification
from network.models import StructurePhoto
from network.templatetags.network_tags import hour_ranges, number_fr, phone_fr
from tests.factories import BassinFactory, StructureFactory, add_listed_structures

MONDAY_10_30 = datetime(2025, 3, 10, 10, 30, tzinfo=PARIS)
SUNDAY_NOON = datetime(2025, 3, 16, 12, 0, tzinfo=PARIS)


def headings(html: str, level: int) -> list[str]:
    """The text of every <hN> of the page, tags inside removed."""
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", text).split()) for text in found]


def jsonld_of(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    return json.loads(match.group(1))


# ---- helpers ----


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+33248123456", "02 48 12 34 56"),
        ("+33612345678", "06 12 34 56 78"),
        ("+590590123456", "+590590123456"),
        ("", ""),
    ],
)
def test_phone_fr_reads_national_numbers_in_pairs(stored, shown):
    assert phone_fr(stored) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(169917, "169\u00a0917"), (58, "58"), (1234567, "1\u00a0234\u00a0567"), (None, "")],
)
def test_number_fr_groups_thousands_with_no_break_spaces(value, shown):
    assert number_fr(value) == shown


def test_hour_ranges_puts_each_range_on_its_own_and_keeps_times_whole():
    assert hour_ranges("9 h – 12 h, 13 h 30 – 17 h") == [
        "9\u00a0h – 12\u00a0h",
        "13\u00a0h\u00a030 – 17\u00a0h",
    ]


def test_opening_hours_specification_groups_days_sharing_a_range():
    hours = parse_opening_hours("Mo-Fr 09:00-12:00; Sa 09:00-12:00,14:00-24:00")

    assert opening_hours_specification(hours) == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [
                "https://schema.org/Monday",
                "https://schema.org/Tuesday",
                "https://schema.org/Wednesday",
                "https://schema.org/Thursday",
                "https://schema.org/Friday",
                "https://schema.org/Saturday",
            ],
            "opens": "09:00",
            "closes": "12:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": ["https://schema.org/Saturday"],
            "opens": "14:00",
            "closes": "23:59",
        },
    ]


def test_opening_hours_specification_is_empty_when_hours_are_unknown():
    assert opening_hours_specification(parse_opening_hours("")) == []


def test_dumps_for_script_escapes_what_could_end_the_script_element():
    text = dumps_for_script({"name": "</script><b>A & B</b>"})

    assert text == '{"name": "\\u003C/script\\u003E\\u003Cb\\u003EA \\u0026 B\\u003C/b\\u003E"}'
    assert json.loads(text) == {"name": "</script><b>A & B</b>"}


# ---- bassin page ----


@pytest.fixture
def bourges(db):
    return BassinFactory(
        title="Bassin de Bourges",
        slug="bourges",
        departements=["Cher"],
        area_km2=2113,
        communes_count=58,
        population=169917,
        density_per_km2=80,
        introduction="<p>Le bassin de la préfecture du Cher.</p>",
    )


def test_bassin_page_shows_key_figures_the_french_way(client, bourges):
    response = client.get(bourges.url)

    assert response.status_code == 200
    text = response.text
    assert "<dd>Cher (18)</dd>" in text
    assert "<dd>169\u00a0917 habitants</dd>" in text
    assert "<dd>58 communes</dd>" in text
    assert "<dd>2\u00a0113 km²</dd>" in text
    assert "<dd>80 habitants par km²</dd>" in text
    assert "Le bassin de la préfecture du Cher." in text


def test_bassin_page_hides_unknown_figures(client, db):
    bassin = BassinFactory(title="Bassin sans chiffres", population=None, area_km2=None)

    response = client.get(bassin.url)

    assert "habitants" not in response.text
    assert "key-figures" not in response.text


def test_bassin_page_lists_only_its_own_structures(client, bourges):
    StructureFactory(bassin=bourges, title="Médiathèque de Bourges")
    StructureFactory(bassin=bourges, title="Centre social du Val d'Auron")
    StructureFactory(title="Lieu d'un autre bassin")

    response = client.get(bourges.url)

    assert [structure.title for structure in response.context["structures"]] == [
        "Centre social du Val d'Auron",
        "Médiathèque de Bourges",
    ]
    assert headings(response.text, 1) == ["Bassin de Bourges"]
    assert "2 lieux dans ce bassin" in headings(response.text, 2)


def test_bassin_page_rows_show_services_and_open_badge(client, bourges, time_machine):
    time_machine.move_to(MONDAY_10_30, tick=False)
    StructureFactory(
        bassin=bourges,
        title="Médiathèque de Bourges",
        services=[Service.DEMARCHES],
        horaires="Mo-Fr 09:00-12:00",
    )
    StructureFactory(bassin=bourges, title="Lieu fermé le lundi", horaires="Sa 09:00-12:00")
    StructureFactory(bassin=bourges, title="Lieu sans horaires")

    text = client.get(bourges.url).text

    assert '<li class="tag">Aide aux démarches administratives</li>' in text
    assert text.count("Ouvert maintenant</span>") == 1
    assert text.count("Fermé</span>") == 1


def test_bassin_page_links_to_the_directory_filtered_on_it(client, bourges):
    response = client.get(bourges.url)

    assert 'href="/structures/?bassin=bourges"' in response.text


def test_bassin_page_map_has_its_structures(client, bourges):
    structure = StructureFactory(
        bassin=bourges, title="Médiathèque de Bourges", latitude=47.08, longitude=2.39
    )
    StructureFactory(bassin=bourges, title="Lieu sans coordonnées", latitude=None, longitude=None)

    response = client.get(bourges.url)

    assert response.context["map_markers"] == [
        {
            "id": structure.pk,
            "name": "Médiathèque de Bourges",
            "url": structure.url,
            "commune": "Bourges",
            "lat": 47.08,
            "lon": 2.39,
        }
    ]
    assert 'aria-label="Carte des lieux du bassin de Bourges"' in response.text


@pytest.mark.parametrize("structure_count", [10, 200])
def test_bassin_page_query_count_does_not_grow_with_structures(
    client, db, django_assert_num_queries, structure_count
):
    bassin = BassinFactory()
    add_listed_structures(
        [bassin],
        structure_count,
        lambda index: {
            "services": [Service.DEMARCHES, Service.LOISIRS],
            "typologie": ["BIB"],
            "horaires": "Mo-Fr 09:00-18:00" if index % 2 else "",
        },
    )
    client.get(bassin.url)  # warms the site and content type caches

    # Wagtail serving: site, home, bassin route, bassin row, ancestors and their view restrictions (6);
    # then the page's own: view restrictions for `.public()`, the structures (2); the "Prochains ateliers"
    # block: the bound (`first_for_listing`), then the sessions joined to their atelier and structure (2).
    with django_assert_num_queries(10):
        response = client.get(bassin.url)

    assert len(response.context["structures"]) == structure_count


# ---- structure page ----


@pytest.fixture
def complete_structure(bourges):
    """A structure with every section filled in, as the field study's best-documented places are."""
    structure = StructureFactory(
        bassin=bourges,
        title="Bus numérique du Cher",
        slug="bus-numerique",
        typologie=["ENM"],
        commune="Vierzon",
        adresse="Place de la Mairie",
        complement_adresse="Devant l'entrée",
        code_postal="18100",
        latitude=47.222,
        longitude=2.068,
        presentation_resume="Le bus numérique vient dans votre commune.",
        presentation_detail="Premier paragraphe.\n\nSecond paragraphe.",
        horaires="Mo-Fr 09:00-12:00,14:00-17:30; PH off",
        services=[Service.DEMARCHES, Service.OUTILS_QUOTIDIEN],
        publics_specifiquement_adresses=[Public.SENIORS],
        prise_en_charge_specifique=[PriseEnCharge.SURDITE],
        frais_a_charge=[Frais.GRATUIT],
        modalites_acces=[ModaliteAcces.TELEPHONER],
        modalites_accompagnement=[ModaliteAccompagnement.INDIVIDUEL],
        itinerance=[Itinerance.ITINERANT],
        dispositif_programmes_nationaux=[DispositifProgramme.AIDANTS_CONNECT],
        labels_regionaux=[RegionalLabel.WEBOCENTRE],
        formations_labels=["Formé à « Mon Espace Santé »"],
        telephone=["02 48 12 34 56"],
        courriels=["bus@exemple.fr"],
        site_web=["https://bus.exemple.fr/"],
        prise_rdv="https://rdv.exemple.fr/bus",
        fiche_acces_libre="https://acceslibre.beta.gouv.fr/app/bus/",
        computers=None,
        laptops=6,
        tablets=0,
        has_printer=True,
        has_free_wifi=None,
        stops=[
            {"commune": "Graçay", "latitude": 47.143, "longitude": 1.848, "schedule_note": "le 1er mardi"},
            {"commune": "Massay", "schedule_note": "sur rendez-vous"},
        ],
    )
    image = Image.objects.create(title="Le bus", file=get_test_image_file())
    StructurePhoto.objects.create(
        page=structure, image=image, caption="Le bus garé devant la mairie", sort_order=0
    )
    return structure


def test_structure_page_renders_every_section(client, complete_structure):
    response = client.get(complete_structure.url)

    assert response.status_code == 200
    assert headings(response.text, 1) == ["Bus numérique du Cher"]
    assert headings(response.text, 2) == [
        "Horaires",
        "Contact",
        "Présentation",
        "Ce que vous pouvez faire ici",
        "Pour qui",
        "Comment en profiter",
        "Où le trouver",
        "Accessibilité du lieu",
        "Équipement sur place",
        "Labels et dispositifs",
        "Photos",
    ]
    assert "<p>Premier paragraphe.</p>\n\n<p>Second paragraphe.</p>" in response.text


def test_structure_page_breadcrumb_leads_back_to_its_bassin(client, complete_structure):
    text = client.get(complete_structure.url).text

    assert '<li><a href="/bourges/">Bassin de Bourges</a></li>' in text
    assert 'aria-current="page">Bus numérique du Cher</a>' in text


def test_structure_page_writes_contacts_as_links(client, complete_structure):
    text = client.get(complete_structure.url).text

    assert '<a href="tel:+33248123456">02 48 12 34 56</a>' in text
    assert '<a href="mailto:bus@exemple.fr">bus@exemple.fr</a>' in text
    assert '<a href="https://bus.exemple.fr/">bus.exemple.fr/</a>' in text
    assert 'href="https://rdv.exemple.fr/bus">Prendre rendez-vous en ligne</a>' in text
    assert 'href="https://acceslibre.beta.gouv.fr/app/bus/"' in text


def test_structure_page_shows_hours_as_a_table(client, complete_structure):
    text = client.get(complete_structure.url).text

    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', text)
    assert [(days, re.sub(r"<[^>]+>", "|", hours).strip("|")) for days, hours in rows] == [
        ("Du lundi au vendredi", "9\u00a0h – 12\u00a0h||14\u00a0h – 17\u00a0h\u00a030"),
        ("Samedi et dimanche", "Fermé"),
    ]
    assert "Fermé les jours fériés." in text


@pytest.mark.parametrize(
    ("moment", "badge"), [(MONDAY_10_30, "Ouvert maintenant"), (SUNDAY_NOON, "Fermé en ce moment")]
)
def test_structure_page_open_badge_follows_paris_time(
    client, complete_structure, time_machine, moment, badge
):
    time_machine.move_to(moment, tick=False)

    text = client.get(complete_structure.url).text

    assert re.findall(r'<span class="badge badge--\w+">.*?</span> ([^<]+)</span>', text) == [badge]


def test_structure_page_without_hours_says_they_are_unknown(client, bourges):
    structure = StructureFactory(bassin=bourges, horaires="")

    text = client.get(structure.url).text

    assert "Horaires non renseignés</span>" in text
    assert "Ouvert maintenant" not in text


@pytest.mark.parametrize(
    ("status", "notice"),
    [(StructureStatus.PROJECT, "En projet"), (StructureStatus.CLOSED, "Fermée")],
)
def test_structure_page_says_when_a_place_is_not_active(client, bourges, status, notice):
    structure = StructureFactory(bassin=bourges, status=status, horaires="Mo-Su 00:00-24:00")

    text = client.get(structure.url).text

    assert 'class="notice' in text and f"<strong>{notice}</strong>" in text
    assert "Ouvert maintenant" not in text


def test_structure_page_lists_only_known_equipment(client, complete_structure):
    text = client.get(complete_structure.url).text

    equipment = text.split('id="equipement"')[1].split("</section>")[0]
    assert re.findall(r"<li>(.*?)</li>", equipment) == [
        "6 ordinateurs portables",
        "Pas de tablette",
        "Imprimante en accès public",
    ]


def test_structure_page_photos_use_their_caption_as_alt(client, complete_structure):
    text = client.get(complete_structure.url).text

    assert re.search(r'<img alt="Le bus garé devant la mairie"[^>]*>', text)


def test_structure_page_map_has_the_place_and_its_located_stops(client, complete_structure):
    response = client.get(complete_structure.url)

    assert [(marker["name"], marker["lat"]) for marker in response.context["map_markers"]] == [
        ("Bus numérique du Cher", 47.222),
        ("Bus numérique du Cher – Graçay", 47.143),
    ]
    assert "<strong>Massay</strong> — sur rendez-vous" in response.text


def test_structure_page_jsonld_describes_the_place(client, complete_structure, settings):
    """Its addresses are on the site's public address, whatever host the request came on."""
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"
    data = jsonld_of(client.get(complete_structure.url).text)

    assert data["@type"] == "LocalBusiness"
    assert data["name"] == "Bus numérique du Cher"
    assert data["url"] == "https://maillage.example.org/bourges/bus-numerique/"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 47.222, "longitude": 2.068}
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Place de la Mairie, Devant l'entrée",
        "postalCode": "18100",
        "addressLocality": "Vierzon",
        "addressCountry": "FR",
    }
    assert (data["telephone"], data["email"]) == ("+33248123456", "bus@exemple.fr")
    assert [(spec["opens"], spec["closes"]) for spec in data["openingHoursSpecification"]] == [
        ("09:00", "12:00"),
        ("14:00", "17:30"),
    ]


def test_structure_page_jsonld_cannot_be_broken_out_of_by_the_title(client, bourges):
    title = "Lieu </script><script>alert('x')</script> & Cie"
    structure = StructureFactory(bassin=bourges, title=title, presentation_resume="<b>gras</b>")

    text = client.get(structure.url).text

    assert "<script>alert" not in text
    data = jsonld_of(text)
    assert (data["name"], data["description"]) == (title, "<b>gras</b>")


def test_partner_page_is_an_organization_without_map_or_visit_advice(client, bourges):
    partner = StructureFactory(bassin=bourges, title="RésoPluce", receives_public=False)

    response = client.get(partner.url)

    assert jsonld_of(response.text)["@type"] == "Organization"
    assert response.context["map_markers"] == []
    assert "Réseau / partenaire : contactez-le si vous êtes professionnel·le." in response.text
    assert "avant de venir" not in response.text


def test_structure_page_shows_its_waiting_list(client, bourges):
    structure = StructureFactory(bassin=bourges, waiting_list="Pour les formations CARSAT.")

    text = client.get(structure.url).text

    assert "<strong>Liste d'attente</strong> — Pour les formations CARSAT." in text
