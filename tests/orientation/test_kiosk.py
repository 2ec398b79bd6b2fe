"""The kiosk `/borne/<bassin>/`: the guided path for one bassin, with no way off it (every href parsed)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from network.enums import ModaliteAcces, Service
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory

from .html_forms import attribute_values, forms_of

pytestmark = pytest.mark.django_db

KIOSK = "/borne/issoudun/"
ANSWERS = {"besoin": "demarches", "pres": "Issoudun", "critere": "gratuit"}


@pytest.fixture
def territory():
    bassin = BassinFactory(title="Bassin d'Issoudun", slug="issoudun", main_commune="Issoudun")
    place = StructureFactory(
        bassin=bassin,
        title="France services d'Issoudun",
        slug="france-services-issoudun",
        commune="Issoudun",
        latitude=46.948,
        longitude=1.993,
        services=[Service.DEMARCHES],
        frais_a_charge=["Gratuit"],
        modalites_acces=[ModaliteAcces.RDV_EN_LIGNE, ModaliteAcces.MAIL],
        prise_rdv="https://rdv.example.org/issoudun",
        courriels=["accueil@issoudun.example.org"],
        site_web=["https://www.issoudun.example.org"],
        telephone=["+33254000000"],
    )
    AtelierFactory(
        structure=place,
        title="Démarches en ligne pas à pas",
        themes=[Service.DEMARCHES],
        start_date=timezone.localdate() + timedelta(days=2),
        start_time=time(10, 0),
        end_time=time(12, 0),
    )
    # Closer to Issoudun than nothing, but in another bassin: never on this kiosk.
    other = StructureFactory(
        bassin=BassinFactory(title="Bassin de Vierzon", slug="vierzon", main_commune="Vierzon"),
        title="Médiathèque de Vierzon",
        slug="mediatheque-vierzon",
        commune="Vierzon",
        latitude=47.222,
        longitude=2.068,
        services=[Service.DEMARCHES],
        frais_a_charge=["Gratuit"],
    )
    return {"bassin": bassin, "place": place, "other": other}


def _screens(client):
    """Every screen of the kiosk path, with answers, as the kiosk shows them."""
    return {
        "need": client.get(KIOSK, ANSWERS),
        "where": client.get(KIOSK + "lieu/", ANSWERS),
        "where-unknown": client.get(KIOSK + "criteres/", ANSWERS | {"pres": "Zzyzx"}),
        "matters": client.get(KIOSK + "criteres/", ANSWERS),
        "result": client.get(KIOSK + "resultat/", ANSWERS),
        "empty-result": client.get(KIOSK + "resultat/", {"q": "plongée sous-marine"}),
    }


def test_every_screen_links_only_inside_the_kiosk(client, territory, settings):
    for name, response in _screens(client).items():
        assert response.status_code == 200, name
        for tag, href in attribute_values(response, "href"):
            if tag == "link":
                assert href.startswith(settings.STATIC_URL), (name, href)
            else:
                assert href.startswith(KIOSK), (name, tag, href)
        for _tag, action in attribute_values(response, "action"):
            assert action.startswith(KIOSK), (name, action)


def test_a_logged_in_staff_member_gets_no_admin_or_account_link_either(client, territory):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for name, response in _screens(client).items():
        content = response.content.decode()
        assert "/admin/" not in content, name
        assert "/comptes/" not in content, name
        assert "wagtail-userbar" not in content, name


def test_result_shows_only_the_bassin_s_places_and_no_outside_link(client, territory):
    response = client.get(KIOSK + "resultat/", ANSWERS)

    content = response.content.decode()
    assert [place.structure.title for place in response.context["results"].places] == [
        "France services d'Issoudun"
    ]
    assert "Médiathèque de Vierzon" not in content
    assert "Démarches en ligne pas à pas" in content
    assert "Prenez rendez-vous sur Internet." in content
    assert "https://rdv.example.org" not in content  # said, not linked: the QR code carries it to a phone
    assert "accueil@issoudun.example.org" in content  # written, not a mailto link


def test_the_qr_code_leads_to_the_public_result_not_to_the_kiosk(client, territory, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"

    response = client.get(KIOSK + "resultat/", ANSWERS)

    assert response.context["share_url"].startswith("https://maillage.example.org/aide/resultat/?")


def test_screens_are_the_guided_path_s_in_the_kiosk_frame(client, territory, settings):
    settings.MAILLAGE_KIOSK_IDLE_SECONDS = 42

    response = client.get(KIOSK)

    content = response.content.decode()
    assert 'data-idle-seconds="42"' in content
    assert f'data-start-url="{KIOSK}"' in content
    assert "Étape 1 sur 3" in content
    assert 'class="site-header"' not in content and 'class="site-footer"' not in content
    assert '<meta name="robots" content="noindex">' in content
    assert forms_of(response)[0].action == KIOSK + "lieu/"
    assert "data-print" not in content  # nothing to print before the result


def test_the_result_has_a_print_button_in_the_kiosk_header(client, territory):
    response = client.get(KIOSK + "resultat/", ANSWERS)

    header = response.content.decode().split('<main id="contenu"')[0]
    assert 'class="kiosk-button" data-print hidden' in header


def test_where_offers_the_bassin_s_main_commune_in_one_touch(client, territory):
    response = client.get(KIOSK + "lieu/", {"besoin": "demarches"})

    quick = [form for form in forms_of(response) if ("pres", "Issoudun") in form.hidden]
    assert len(quick) == 1
    assert quick[0].action == KIOSK + "criteres/"
    assert "Ici, à Issoudun" in response.content.decode()


@pytest.mark.parametrize("path", ["/borne/inconnu/", "/borne/inconnu/resultat/"])
def test_unknown_bassin_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_a_structure_slug_is_not_a_bassin(client, territory):
    assert client.get("/borne/france-services-issoudun/").status_code == 404


@pytest.mark.parametrize("params", [{"lat": "x", "lon": "y"}, {"besoin": "<b>"}, {"pres": "é" * 3000}])
def test_bad_parameters_never_make_an_error_page(client, territory, params):
    for path in (KIOSK, KIOSK + "lieu/", KIOSK + "criteres/", KIOSK + "resultat/"):
        assert client.get(path, params).status_code == 200
