"""`/pro/orienter/` (the search with every filter, pro-only ateliers too) and `/pro/orienter/envoi/`
(« envoyer à la personne »: e-mail through the outbox, SMS link, printable page), at the HTTP level."""

from datetime import time
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Occurrence
from network.models import BassinPage
from outbox.models import Message
from tests.factories import AtelierFactory, UserFactory, add_listed_structures
from tests.pro.factories import ProAtelierFactory

pytestmark = pytest.mark.django_db

OUTILS = "Maîtrise des outils numériques du quotidien"


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


@pytest.fixture
def offer(territory):
    pij = territory["pij"]
    pij.services = [OUTILS]
    pij.telephone = ["02 48 75 00 00"]
    pij.save_revision().publish()
    public = AtelierFactory(structure=pij, title="Smartphone pour débuter", themes=[OUTILS])
    pro_only = ProAtelierFactory(
        structure=pij, title="Smartphone : atelier sur orientation", themes=[OUTILS], start_time=time(10)
    )
    return {
        "pij": pij,
        "public": Occurrence.objects.get(atelier=public),
        "pro_only": Occurrence.objects.get(atelier=pro_only),
    }


@pytest.fixture
def member_client(client, territory):
    client.force_login(territory["member"])
    return client


# ---- who may use it ----


def test_anonymous_visitors_go_to_the_login_page(client, territory):
    for name in ("pro:orientation", "pro:referral"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/comptes/" in response["Location"]


def test_a_signed_in_person_who_is_not_a_member_is_refused(client, territory):
    client.force_login(UserFactory())

    assert client.get(reverse("pro:orientation")).status_code == 403
    assert client.post(reverse("pro:referral"), {"email": "a@exemple.fr"}).status_code == 403
    assert Message.objects.count() == 0


# ---- the search ----


def test_the_search_shows_every_filter_and_the_pro_only_ateliers(member_client, offer):
    response = member_client.get(reverse("pro:orientation"), {"q": "smartphone", "pres": "Vierzon"})

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    names = {field["name"] for field in soup.select("form[role=search] input")}
    assert {"q", "besoin", "pres", "lat", "lon", "critere", "public"} <= names
    sessions = [int(box["value"]) for box in soup.select("input[name=seance]")]
    assert offer["public"].pk in sessions
    assert offer["pro_only"].pk in sessions
    assert [int(box["value"]) for box in soup.select("input[name=lieu]")][0] == offer["pij"].pk
    assert "Réservé aux professionnels" in text_of(response)
    assert response.context["query"].include_pro is True


def test_the_search_without_words_asks_for_them(member_client, offer):
    response = member_client.get(reverse("pro:orientation"))

    assert response.status_code == 200
    assert response.context["results"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lon": "2"},
        {"besoin": "<script>", "critere": "x", "public": "y"},
        {"q": "x" * 5000},
        {"pres": "Atlantide", "q": "smartphone"},
    ],
)
def test_the_search_never_fails_on_odd_input(member_client, offer, params):
    assert member_client.get(reverse("pro:orientation"), params).status_code == 200


def _grow(count: int) -> None:
    structures = add_listed_structures(
        list(BassinPage.objects.all()),
        count,
        lambda index: {"slug": f"lieu-{count}-{index}", "services": [OUTILS], "commune": "Vierzon"},
    )
    for structure in structures:
        AtelierFactory(structure=structure, title="Smartphone débutant", themes=[OUTILS])


def test_the_search_query_count_does_not_grow_with_the_territory(member_client, territory):
    counts = []
    for size in (2, 12):
        _grow(size)
        params = {"q": "smartphone", "pres": "Vierzon", "critere": "gratuit"}
        member_client.get(reverse("pro:orientation"), params)  # warms the search index and the site
        with CaptureQueriesContext(connection) as queries:
            response = member_client.get(reverse("pro:orientation"), params)
        assert response.context["results"].places
        counts.append(len(queries))
    assert counts[0] == counts[1]


# ---- the hand-over page ----


def test_the_hand_over_page_lists_the_choice_with_an_sms_link_and_prints(member_client, offer, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example"
    params = {"lieu": [offer["pij"].pk], "seance": [offer["public"].pk], "q": "smartphone", "pres": "Vierzon"}

    response = member_client.get(reverse("pro:referral"), params)

    assert response.status_code == 200
    text = text_of(response)
    assert "PIJ de Vierzon" in text and "Smartphone pour débuter" in text
    soup = BeautifulSoup(response.content, "html.parser")
    sms = soup.select_one("a[href^='sms:']")["href"]
    assert sms.startswith("sms:?&body=")
    assert unquote(sms.split("body=", 1)[1]) == (
        "Maillage – pour être aidé avec le numérique : PIJ de Vierzon, Smartphone pour débuter. "
        "Adresses et horaires : https://maillage.example/recherche/?q=smartphone&pres=Vierzon"
    )
    assert soup.select_one("[data-print]") is not None
    # The e-mail form carries the choice and the search, and a one-time token.
    form = soup.select_one("form[method=post][action='/pro/orienter/envoi/']")
    assert {(field["name"], field["value"]) for field in form.select("input[type=hidden]")} >= {
        ("lieu", str(offer["pij"].pk)),
        ("seance", str(offer["public"].pk)),
        ("q", "smartphone"),
        ("pres", "Vierzon"),
    }
    assert len(form.select_one("input[name=jeton]")["value"]) >= 20


def _post(client, offer, **extra):
    data = {
        "lieu": [offer["pij"].pk],
        "seance": [offer["pro_only"].pk],
        "q": "smartphone",
        "email": "personne@exemple.fr",
        "jeton": "j" * 32,
        **extra,
    }
    return client.post(reverse("pro:referral"), data, follow=True)


def test_sending_by_email_queues_one_french_message_and_forgets_the_address(member_client, offer):
    response = _post(member_client, offer)

    message = Message.objects.get()
    assert message.email == "personne@exemple.fr"
    assert message.key == "pro-referral:" + "j" * 32
    assert "Smartphone : atelier sur orientation" in message.body_text
    assert "/recherche/?q=smartphone" in message.body_text
    assert "Le courriel part dans un instant" in text_of(response)
    # The address is not in the page nor in the address it came back to.
    assert "personne@exemple.fr" not in response.content.decode()
    assert "personne" not in response.redirect_chain[-1][0]


def test_the_same_form_sent_twice_sends_one_email(member_client, offer):
    _post(member_client, offer)
    response = _post(member_client, offer)

    assert Message.objects.count() == 1
    assert "Ce courriel est déjà parti" in text_of(response)


def test_sending_is_bounded_per_member_and_hour(member_client, offer, settings):
    settings.MAILLAGE_REFERRAL_EMAILS_PER_HOUR = 1
    _post(member_client, offer, jeton="a" * 32)
    response = _post(member_client, offer, jeton="b" * 32)

    assert Message.objects.count() == 1
    assert "Vous avez envoyé beaucoup de courriels en une heure" in text_of(response)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide."),
        ({"jeton": "court"}, "Le formulaire n'est plus valable"),
        ({"lieu": [], "seance": []}, "Choisissez au moins un lieu ou un atelier à envoyer."),
    ],
)
def test_nothing_is_sent_on_a_wrong_form(member_client, offer, extra, message):
    response = _post(member_client, offer, **extra)

    assert response.status_code == 200
    assert message in text_of(response)
    assert Message.objects.count() == 0
