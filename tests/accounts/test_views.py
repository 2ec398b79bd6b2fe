"""accounts/views.py: « Mon compte », the data download and the deletion of an account."""

import json

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.views import account_sections
from network import domain
from network.models import Coordination, Membership
from tests.accounts.factories import PASSWORD, VerifiedUserFactory, activate_totp, make_coordinator
from tests.factories import StructureFactory

ACCOUNT_URL = "/comptes/mon-compte/"
EXPORT_URL = "/comptes/mon-compte/donnees.json"
DELETE_URL = "/comptes/mon-compte/supprimer/"


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def links_of(response) -> dict[str, str]:
    html = BeautifulSoup(response.content, "html.parser")
    return {" ".join(a.get_text(" ").split()): a["href"] for a in html.select("main a")}


@pytest.fixture
def person(db):
    return VerifiedUserFactory(email="camille@exemple.fr", first_name="Camille", last_name="Martin")


# « Mon compte » ----------------------------------------------------------------------------------------


def test_urls_have_their_names():
    assert [reverse("accounts:account"), reverse("accounts:export"), reverse("accounts:delete")] == [
        ACCOUNT_URL,
        EXPORT_URL,
        DELETE_URL,
    ]


def test_account_page_requires_login(client, db):
    response = client.get(ACCOUNT_URL)

    assert response["Location"] == f"/comptes/login/?next={ACCOUNT_URL}"


def test_account_page_shows_name_addresses_and_links(client, person):
    client.force_login(person)

    response = client.get(ACCOUNT_URL)

    links = links_of(response)
    html = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert html.find("h1").get_text(strip=True) == "Mon compte"
    assert html.find("input", {"name": "first_name"})["value"] == "Camille"
    assert html.find("input", {"name": "last_name"})["value"] == "Martin"
    assert "camille@exemple.fr Principale Vérifiée" in text_of(response)
    assert links["Gérer mes adresses e-mail"] == "/comptes/email/"
    assert links["Changer de mot de passe"] == "/comptes/password/change/"
    assert links["Activer la double authentification"] == "/comptes/2fa/"
    assert links["Télécharger mes données"] == EXPORT_URL
    assert links["Supprimer mon compte"] == DELETE_URL


def test_account_page_shows_mfa_active(client, person):
    activate_totp(person)
    client.force_login(person)

    response = client.get(ACCOUNT_URL)

    assert "Double authentification Activée" in text_of(response)
    assert links_of(response)["Gérer la double authentification"] == "/comptes/2fa/"


def test_account_page_offers_set_password_without_one(client, person):
    person.set_unusable_password()
    person.save()
    client.force_login(person)

    response = client.get(ACCOUNT_URL)

    assert links_of(response)["Choisir un mot de passe"] == "/comptes/password/set/"


def test_account_page_saves_the_name(client, person):
    client.force_login(person)

    response = client.post(ACCOUNT_URL, {"first_name": "Dominique", "last_name": "Lefèvre"})

    person.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, ACCOUNT_URL)
    assert (person.first_name, person.last_name) == ("Dominique", "Lefèvre")
    assert [m.message for m in get_messages(response.wsgi_request)] == ["Votre nom est enregistré."]


def test_header_links_to_my_account_when_signed_in(client, person, home_page):
    client.force_login(person)

    nav = BeautifulSoup(client.get("/").content, "html.parser").find("nav", {"aria-label": "Menu principal"})

    assert [a.get_text(strip=True) for a in nav.find_all("a")][-1] == "Mon compte"
    assert nav.find("a", string="Mon compte")["href"] == ACCOUNT_URL


def test_header_offers_login_when_signed_out(client, home_page):
    nav = BeautifulSoup(client.get("/").content, "html.parser").find("nav", {"aria-label": "Menu principal"})

    assert [(a.get_text(strip=True), a["href"]) for a in nav.select(".site-nav__list--account a")] == [
        ("Se connecter", "/comptes/login/")
    ]


def test_account_sections_keep_existing_templates_only(settings):
    settings.MAILLAGE_ACCOUNT_SECTIONS = ["accounts/includes/breadcrumb.html", "absent/includes/block.html"]

    assert account_sections() == ["accounts/includes/breadcrumb.html"]


def test_account_page_includes_sections_with_request_and_user(client, person, settings, tmp_path):
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "account_block.html").write_text(
        '<section class="account-panel"><h2>Bloc de test</h2><p>{{ user.email }} sur {{ request.path }}</p>'
        "</section>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]},
    ]
    settings.MAILLAGE_ACCOUNT_SECTIONS = ["extra/account_block.html", "absent/includes/block.html"]
    client.force_login(person)

    response = client.get(ACCOUNT_URL)

    assert response.context["account_sections"] == ["extra/account_block.html"]
    assert "Bloc de test camille@exemple.fr sur /comptes/mon-compte/" in text_of(response)


# Data download -----------------------------------------------------------------------------------------


def test_export_downloads_a_json_file(client, person, settings):
    settings.MAILLAGE_ACCOUNT_EXPORTERS = []
    client.force_login(person)

    response = client.get(EXPORT_URL)

    data = json.loads(response.content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="maillage-mes-donnees.json"'
    assert "no-store" in response["Cache-Control"]
    assert sorted(data) == ["accounts", "format", "generated_at"]
    assert data["accounts"]["email_addresses"] == [
        {"email": "camille@exemple.fr", "verified": True, "primary": True}
    ]


def test_export_requires_login(client, db):
    response = client.get(EXPORT_URL)

    assert response["Location"] == f"/comptes/login/?next={EXPORT_URL}"


def test_export_refuses_post(client, person):
    client.force_login(person)

    assert client.post(EXPORT_URL).status_code == 405


# Deletion ----------------------------------------------------------------------------------------------


def test_delete_page_explains_what_goes(client, person):
    client.force_login(person)

    response = client.get(DELETE_URL)

    text = text_of(response)
    assert response.status_code == 200
    assert "La suppression est immédiate et définitive" in text
    assert "Ce qui est supprimé" in text
    assert "Pour confirmer, saisissez votre mot de passe." in text
    assert (
        BeautifulSoup(response.content, "html.parser").find("input", {"name": "password"})["type"]
        == "password"
    )


def test_delete_with_password_deletes_logs_out_and_goes_home(client, person):
    structure = StructureFactory()
    domain.add_member(structure=structure, user=person)
    client.force_login(person)

    response = client.post(DELETE_URL, {"password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert get_user_model().objects.filter(email="camille@exemple.fr").exists() is False
    assert EmailAddress.objects.filter(email="camille@exemple.fr").exists() is False
    assert Membership.objects.filter(structure=structure).exists() is False
    assert "_auth_user_id" not in client.session
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "Votre compte et vos données ont été supprimés. Au revoir !"
    ]


def test_delete_with_wrong_password_keeps_the_account(client, person):
    client.force_login(person)

    response = client.post(DELETE_URL, {"password": "pas-le-bon"})

    assert response.status_code == 200
    assert "Ce mot de passe n'est pas le bon." in text_of(response)
    assert get_user_model().objects.filter(pk=person.pk).exists() is True


def test_delete_without_password_asks_for_the_email(client, person):
    person.set_unusable_password()
    person.save()
    client.force_login(person)

    page = client.get(DELETE_URL)
    wrong = client.post(DELETE_URL, {"email": "autre@exemple.fr"})
    right = client.post(DELETE_URL, {"email": "Camille@Exemple.fr"})

    form_inputs = [
        i["name"] for i in BeautifulSoup(page.content, "html.parser").select("form.account-form input")
    ]
    assert form_inputs == ["csrfmiddlewaretoken", "email"]
    assert "Ce n'est pas l'adresse de votre compte (camille@exemple.fr)." in text_of(wrong)
    assert (right.status_code, right["Location"]) == (302, "/")
    assert get_user_model().objects.filter(pk=person.pk).exists() is False


def test_last_superuser_is_told_why_and_cannot_delete(client, db):
    admin = VerifiedUserFactory(is_superuser=True, is_staff=True)
    activate_totp(admin)
    client.force_login(admin)

    page = client.get(DELETE_URL)
    attempt = client.post(DELETE_URL, {"password": PASSWORD})

    assert "Vous êtes la seule personne qui administre Maillage" in text_of(page)
    assert BeautifulSoup(page.content, "html.parser").find("input", {"name": "password"}) is None
    assert attempt.status_code == 200
    assert get_user_model().objects.filter(pk=admin.pk).exists() is True


def test_superuser_may_leave_when_another_remains(client, db):
    admin, other = VerifiedUserFactory(is_superuser=True), VerifiedUserFactory(is_superuser=True)
    activate_totp(admin)
    client.force_login(admin)

    response = client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert list(get_user_model().objects.filter(is_superuser=True)) == [other]


def test_deleting_a_coordinator_removes_the_coordination(client, db):
    coordinator = make_coordinator()
    activate_totp(coordinator)
    client.force_login(coordinator)

    client.post(DELETE_URL, {"password": PASSWORD})

    assert Coordination.objects.exists() is False


def test_delete_password_attempts_are_rate_limited(client, person, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reauthenticate": "2/m/user"}
    client.force_login(person)

    for _attempt in range(2):
        client.post(DELETE_URL, {"password": "pas-le-bon"})
    blocked = client.post(DELETE_URL, {"password": PASSWORD})

    assert "Trop de tentatives. Réessayez dans quelques minutes." in text_of(blocked)
    assert get_user_model().objects.filter(pk=person.pk).exists() is True


# « Accès réservé »: where the Wagtail admin sends whoever it refuses -------------------------------------


def test_admin_refused_to_a_signed_in_member_gives_a_reserved_access_page(client, person):
    client.force_login(person)

    response = client.get("/admin/pages/", follow=True)

    assert response.redirect_chain == [("/comptes/acces-reserve/?next=/admin/pages/", 302)]
    assert response.status_code == 403
    assert "Accès réservé L'administration de Maillage est réservée" in text_of(response)
    links = links_of(response)
    assert links["Aller à mon espace professionnel"] == "/pro/"
    assert 'action="/comptes/logout/"' in response.text


def test_admin_sends_a_visitor_not_signed_in_to_the_login_page_then_back(client, db):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain == [
        ("/comptes/acces-reserve/?next=/admin/", 302),
        ("/comptes/login/?next=/admin/", 302),
    ]
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/admin/pages/", "/admin/pages/"), ("https://ailleurs.example/", "/admin/"), ("", "/admin/")],
)
def test_reserved_access_page_lets_an_editor_through(client, person, next_url, expected):
    structure = StructureFactory()
    domain.add_member(structure=structure, user=person)
    client.force_login(person)

    response = client.get("/comptes/acces-reserve/", {"next": next_url})

    assert (response.status_code, response["Location"]) == (302, expected)
