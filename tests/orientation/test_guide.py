"""The guided path `/aide/`: each screen, the answers carried from screen to screen, the whole path without
JavaScript, the result (why, open when, how to go, ateliers, QR code), bad parameters, query counts."""

from datetime import datetime, time, timedelta
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.enums import ModaliteAcces, Service
from network.horaires import PARIS
from orientation.guide import GuideFlow, carried_params, how_to_go
from orientation.models import Need
from orientation.search import HelpQuery
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, add_listed_structures

from .html_forms import forms_of

pytestmark = pytest.mark.django_db

GUIDE = "/aide/"
WHERE = "/aide/lieu/"
MATTERS = "/aide/criteres/"
RESULT = "/aide/resultat/"


@pytest.fixture
def issoudun():
    """A bassin with a place for démarches in Issoudun and a tablet atelier there, and one far away."""
    bassin = BassinFactory(title="Bassin d'Issoudun", slug="issoudun", main_commune="Issoudun")
    place = StructureFactory(
        bassin=bassin,
        title="France services d'Issoudun",
        slug="france-services-issoudun",
        commune="Issoudun",
        code_postal="36100",
        adresse="1 place de la Mairie",
        latitude=46.948,
        longitude=1.993,
        services=[Service.DEMARCHES, Service.OUTILS_QUOTIDIEN],
        frais_a_charge=["Gratuit"],
        modalites_acces=[ModaliteAcces.SE_PRESENTER, ModaliteAcces.TELEPHONER],
        telephone=["+33254000000"],
        horaires="Mo-Fr 09:00-12:00,14:00-17:00",
    )
    far = StructureFactory(
        bassin=BassinFactory(title="Bassin de Tours", slug="tours", main_commune="Tours"),
        title="Espace numérique de Tours",
        slug="espace-tours",
        commune="Tours",
        latitude=47.39,
        longitude=0.69,
        services=[Service.DEMARCHES],
    )
    atelier = AtelierFactory(
        structure=place,
        title="Premiers pas sur la tablette",
        themes=[Service.OUTILS_QUOTIDIEN],
        start_date=datetime.now(PARIS).date() + timedelta(days=3),
        start_time=time(14, 0),
        end_time=time(16, 0),
    )
    AtelierFactory(
        structure=place,
        title="Démarches en ligne pas à pas",
        themes=[Service.DEMARCHES],
        start_date=datetime.now(PARIS).date() + timedelta(days=2),
        start_time=time(10, 0),
        end_time=time(12, 0),
    )
    return {"bassin": bassin, "place": place, "far": far, "atelier": atelier}


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


# Guide logic ---------------------------------------------------------------------------------------------


def test_each_screen_carries_the_answers_of_the_others():
    query = HelpQuery.from_params(
        {"besoin": ["demarches"], "q": "carte grise", "pres": "Issoudun", "critere": ["gratuit"]}
    )

    assert {key for key, _value in carried_params(query, "need")} == {"pres", "critere"}
    assert {key for key, _value in carried_params(query, "where")} == {"besoin", "q", "critere"}
    assert {key for key, _value in carried_params(query, "matters")} == {"besoin", "q", "pres"}


def test_public_flow_urls_and_restriction():
    flow = GuideFlow()
    query = HelpQuery.from_params({"besoin": ["demarches"], "pres": "Issoudun"})

    assert flow.url("need") == GUIDE
    assert flow.url("result") == RESULT
    assert _params(flow.url("where", query)) == [("besoin", "demarches"), ("pres", "Issoudun")]
    assert flow.restrict(query) is query
    assert flow.layout == "base.html"


def test_how_to_go_says_what_the_place_declares():
    place = StructureFactory.build(
        modalites_acces=[ModaliteAcces.SE_PRESENTER, ModaliteAcces.RDV_EN_LIGNE],
        prise_rdv="https://rdv.example.org/lieu",
        telephone=["+33254000000"],
    )

    assert [(way.kind, way.href) for way in how_to_go(place)] == [
        ("visit", ""),
        ("online", "https://rdv.example.org/lieu"),
    ]
    # On a kiosk, nothing leaves the path: the online booking is said, not linked.
    assert [(way.kind, way.href) for way in how_to_go(place, kiosk=True)] == [("visit", ""), ("online", "")]


def test_how_to_go_without_declared_ways_says_to_call_first_when_there_is_a_phone():
    with_phone = StructureFactory.build(modalites_acces=[], telephone=["+33254000000"])
    without = StructureFactory.build(modalites_acces=[], telephone=[])

    assert [way.label for way in how_to_go(with_phone)] == ["Appelez avant de venir."]
    assert [way.label for way in how_to_go(without)] == ["Venez aux heures d'ouverture."]


# Screens -------------------------------------------------------------------------------------------------


def test_step_one_offers_the_guide_needs_as_large_buttons(client):
    response = client.get(GUIDE)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Étape 1 sur 3" in content
    buttons_form, words_form = forms_of(response)
    assert buttons_form.action == WHERE
    assert [button["value"] for button in buttons_form.buttons] == list(
        Need.objects.for_guide().values_list("slug", flat=True)
    )
    assert {button["name"] for button in buttons_form.buttons} == {"besoin"}
    assert words_form.action == WHERE
    assert [field["name"] for field in words_form.inputs] == ["q"]
    assert 'class="guide__back"' not in content  # nothing before the first step


def test_step_one_keeps_later_answers_when_coming_back_to_change_the_need(client):
    response = client.get(GUIDE, {"besoin": "demarches", "pres": "Issoudun", "critere": "gratuit"})

    buttons_form = forms_of(response)[0]
    assert buttons_form.hidden == [("pres", "Issoudun"), ("critere", "gratuit")]
    assert "guide-choice--chosen" in response.content.decode()


def test_step_two_asks_the_commune_and_offers_around_me_only_with_javascript(client):
    response = client.get(WHERE, {"besoin": "demarches"})

    content = response.content.decode()
    assert "Étape 2 sur 3" in content
    commune_form, around_form = forms_of(response)
    assert commune_form.action == MATTERS
    assert commune_form.hidden == [("besoin", "demarches")]
    assert [field["name"] for field in commune_form.inputs] == ["pres"]
    # « Autour de moi » needs the browser's position: the form is hidden until js/near-me.js shows it.
    assert "hidden" in around_form.attrs
    assert [name for name, _value in around_form.hidden] == ["besoin", "lat", "lon"]
    assert f'href="{GUIDE}?besoin=demarches"' in content  # « Retour » keeps the answers


def test_step_three_shows_constraints_and_who_as_checkboxes(client):
    response = client.get(MATTERS, {"besoin": "demarches", "pres": "Issoudun", "critere": "soir"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Étape 3 sur 3" in content
    form = forms_of(response)[0]
    assert form.action == RESULT
    assert form.hidden == [("besoin", "demarches"), ("pres", "Issoudun")]
    boxes = [(field["name"], field["value"], "checked" in field) for field in form.inputs]
    assert ("critere", "soir", True) in boxes
    assert ("critere", "gratuit", False) in boxes
    assert ("critere", "sans-deplacement", False) in boxes
    assert ("public", "senior", False) in boxes
    assert f'href="{WHERE}?besoin=demarches&amp;pres=Issoudun&amp;critere=soir"' in content


def test_an_unknown_commune_is_asked_again_with_what_was_typed(client):
    response = client.get(MATTERS, {"besoin": "demarches", "pres": "Zzyzx-sur-Loire"})

    content = response.content.decode()
    assert "Étape 2 sur 3" in content
    assert "Nous ne connaissons pas la commune « Zzyzx-sur-Loire »" in content
    assert 'value="Zzyzx-sur-Loire"' in content


def test_the_whole_path_works_without_javascript(client, issoudun):
    """Only what a browser without JavaScript does: click a button, type in a field, tick a box."""
    step_one = client.get(GUIDE)
    buttons_form = forms_of(step_one)[0]
    demarches = next(button for button in buttons_form.buttons if button["value"] == "demarches")

    step_two = client.get(buttons_form.action, buttons_form.submission(button=demarches))
    commune_form = forms_of(step_two)[0]
    step_three = client.get(commune_form.action, commune_form.submission(fill={"pres": "Issoudun"}))
    matters_form = forms_of(step_three)[0]
    result = client.get(matters_form.action, matters_form.submission(check={("critere", "gratuit")}))

    assert result.status_code == 200
    assert result.request["PATH_INFO"] == RESULT
    places = [place.structure.title for place in result.context["results"].places]
    assert places[0] == "France services d'Issoudun"
    assert result.context["query"].constraints == frozenset({"gratuit"})
    assert result.context["query"].near.label == "Issoudun"


# Result --------------------------------------------------------------------------------------------------


def test_result_says_why_when_it_opens_how_to_go_and_the_next_ateliers(client, issoudun):
    response = client.get(RESULT, {"besoin": "demarches", "pres": "Issoudun"})

    content = unescape(response.content.decode())
    first = response.context["results"].places[0]
    assert first.structure == issoudun["place"]
    assert "Pourquoi ce lieu :" in content
    for reason in first.reasons:
        assert reason in content
    assert "1 place de la Mairie" in content
    assert "Venez sans rendez-vous, aux heures d'ouverture." in content
    assert 'href="tel:+33254000000"' in content
    assert "Du lundi au vendredi" in content
    assert ("Ouvert maintenant" in content) != ("Fermé en ce moment" in content)
    assert 'href="{}"'.format(issoudun["place"].url) in content
    assert [occurrence.display_title for occurrence in first.next_sessions] == [
        "Démarches en ligne pas à pas"
    ]
    assert content.count("Démarches en ligne pas à pas") == 2  # under its place, and in the ateliers list
    assert "Les prochains ateliers pour vous" in content


def test_result_carries_a_qr_code_of_its_public_address(client, issoudun, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example.org"
    params = {"besoin": "demarches", "pres": "Issoudun", "critere": "gratuit"}

    response = client.get(RESULT, params)

    share_url = response.context["share_url"]
    assert share_url.startswith("https://maillage.example.org/aide/resultat/?")
    assert sorted(_params(share_url)) == sorted(HelpQuery.from_params(params).to_params())
    assert '<svg class="qr-code" role="img"' in response.content.decode()


def test_result_links_back_to_each_question_with_the_answers(client, issoudun):
    response = client.get(RESULT, {"besoin": "demarches", "pres": "Issoudun", "critere": "gratuit"})

    change = response.context["change_urls"]
    answers = {"besoin": "demarches", "pres": "Issoudun", "critere": "gratuit"}
    assert [
        (urlsplit(change[step]).path, dict(_params(change[step]))) for step in ("need", "where", "matters")
    ] == [
        (GUIDE, answers),
        (WHERE, answers),
        (MATTERS, answers),
    ]


def test_result_with_nothing_found_says_what_to_do(client):
    response = client.get(RESULT, {"q": "plongée sous-marine en apnée"})

    assert response.status_code == 200
    results = response.context["results"]
    assert results.is_empty()
    content = unescape(response.content.decode())
    assert "Nous n'avons pas trouvé de lieu pour cette demande" in content
    for advice in results.what_to_do():
        assert advice in content


# Bad input -----------------------------------------------------------------------------------------------

BAD_PARAMS = [
    {"lat": "abc", "lon": "1"},
    {"lat": "1e400", "lon": "nan"},
    {"lat": "95", "lon": "-200"},
    {"besoin": "<script>alert(1)</script>"},
    {"besoin": ["demarches"] * 50},
    {"critere": "n'importe-quoi", "public": "martien"},
    {"pres": "x" * 5000},
    {"q": "\x00\x01 carte grise"},
    {"q": "é" * 10000},
    {"pres": "%00", "critere": ""},
]


@pytest.mark.parametrize("path", [GUIDE, WHERE, MATTERS, RESULT])
@pytest.mark.parametrize("params", BAD_PARAMS)
def test_bad_parameters_never_make_an_error_page(client, path, params):
    response = client.get(path, params)

    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_post_is_refused(client):
    assert client.post(GUIDE).status_code == 405


# Query counts --------------------------------------------------------------------------------------------


def _result_queries(client, bassin, count) -> tuple[int, int]:
    structures = add_listed_structures(
        [bassin],
        count,
        lambda index: {
            "slug": f"lieu-{count}-{index}",
            "services": [Service.DEMARCHES],
            "horaires": "Mo-Fr 09:00-12:00",
            "telephone": ["+33254000000"],
        },
    )
    for structure in structures[:3]:
        AtelierFactory(structure=structure, themes=[Service.DEMARCHES])
    url = RESULT + "?" + urlencode({"besoin": "demarches", "pres": "Issoudun"})
    client.get(url)  # warms the site root paths and content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["results"].places)


def test_result_query_count_does_not_grow_with_places(client):
    bassin = BassinFactory(slug="grand-bassin", main_commune="Issoudun")
    few, few_places = _result_queries(client, bassin, 3)
    many, many_places = _result_queries(client, bassin, 30)

    assert (few_places, many_places) == (3, 5)
    assert few == many


def test_a_thin_result_offers_to_look_everywhere_and_the_agenda(client, issoudun):
    response = client.get(RESULT, {"besoin": "demarches", "pres": "Issoudun", "critere": "samedi"})

    assert response.context["wider_url"] == f"{RESULT}?besoin=demarches&critere=samedi"
    content = response.content.decode()
    assert f'href="{RESULT}?besoin=demarches&amp;critere=samedi"' in content
    assert 'href="/agenda/"' in content


def test_result_around_the_browser_position(client, issoudun):
    response = client.get(RESULT, {"besoin": "demarches", "lat": "46.95", "lon": "1.99"})

    content = unescape(response.content.decode())
    assert "Autour de vous" in content
    assert response.context["results"].places[0].structure == issoudun["place"]
    assert ("lat", "46.95000") in _params(response.context["share_url"])
