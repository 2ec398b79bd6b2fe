"""The invitation landing page and the allauth pages around it (sign up, log in, log out), in French."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from network import domain
from network.enums import MemberRole
from network.models import Invitation, Membership
from tests.factories import PASSWORD, StructureFactory, UserFactory, verify_email
from tests.outbox.factories import sent_emails

NEW_PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture
def structure(db):
    return StructureFactory(title="Médiathèque de Bourges")


@pytest.fixture
def coordinator(structure):
    user = UserFactory(first_name="Claire", last_name="Moreau")
    domain.add_coordinator(bassin=structure.get_parent().specific, user=user)
    return user


@pytest.fixture
def invitation(structure, coordinator):
    return domain.invite_member(structure=structure, email="invitee@exemple.fr", invited_by=coordinator)


def invitation_url(invitation) -> str:
    return reverse("network:accept_invitation", kwargs={"token": invitation.token})


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


# Unusable links ----------------------------------------------------------------------------------------


def test_invitation_unknown_token_is_404_with_explanation(client, db):
    response = client.get(reverse("network:accept_invitation", kwargs={"token": "pas-un-vrai-jeton"}))

    assert response.status_code == 404
    assert "Invitation introuvable" in text_of(response)


def test_invitation_expired_is_410_and_says_what_to_do(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(invitation_url(invitation))

    assert response.status_code == 410
    assert "Invitation expirée" in text_of(response)
    assert "Demandez à la personne qui vous a invité·e de vous en envoyer une nouvelle" in text_of(response)


def test_invitation_revoked_is_410(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    response = client.get(invitation_url(invitation))

    assert response.status_code == 410
    assert "Invitation annulée" in text_of(response)


def test_invitation_used_twice_second_fails(client, invitation):
    first, second = UserFactory(email="invitee@exemple.fr"), UserFactory(email="autre@exemple.fr")
    client.force_login(first)
    accepted = client.post(invitation_url(invitation))
    second.email = "invitee@exemple.fr"
    second.save()
    client.force_login(second)

    again = client.post(invitation_url(invitation))

    assert accepted.status_code == 302
    assert again.status_code == 410
    assert "Invitation déjà utilisée" in text_of(again)
    assert list(Membership.objects.values_list("user", flat=True)) == [first.pk]


def test_invitation_already_accepted_by_same_person_links_to_admin(client, invitation):
    person = UserFactory(email="invitee@exemple.fr")
    client.force_login(person)
    client.post(invitation_url(invitation))

    response = client.get(invitation_url(invitation))

    assert response.status_code == 410
    assert "Vous avez déjà accepté cette invitation" in text_of(response)


# Anonymous visitor -------------------------------------------------------------------------------------


def test_invitation_anonymous_offers_signup_prefilled_and_login(client, invitation):
    response = client.get(invitation_url(invitation))

    html = BeautifulSoup(response.content, "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in html.find_all("a")}
    assert response.status_code == 200
    assert "Claire Moreau vous invite à rejoindre cette structure" in text_of(response)
    assert links["Créer mon compte"] == (
        "/comptes/signup/?email=invitee%40exemple.fr&next=" + invitation_url(invitation).replace("/", "%2F")
    )
    assert links["J'ai déjà un compte"] == "/comptes/login/?next=" + invitation_url(invitation).replace(
        "/", "%2F"
    )


def test_signup_page_is_prefilled_with_invited_address(client, invitation):
    client.get(invitation_url(invitation))

    response = client.get(f"/comptes/signup/?email=invitee%40exemple.fr&next={invitation_url(invitation)}")

    email_input = BeautifulSoup(response.content, "html.parser").find("input", {"name": "email"})
    assert email_input["value"] == "invitee@exemple.fr"


def test_anonymous_signup_then_accept_makes_member_and_opens_admin(client, invitation, structure):
    client.get(invitation_url(invitation))
    signup = client.post(
        "/comptes/signup/",
        {
            "email": "invitee@exemple.fr",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": invitation_url(invitation),
        },
    )
    confirm_page = client.get(signup["Location"])

    accepted = client.post(invitation_url(invitation))

    person = Membership.objects.get(structure=structure).user
    assert (signup.status_code, signup["Location"]) == (302, invitation_url(invitation))
    assert "Accepter l'invitation" in text_of(confirm_page)
    assert (accepted.status_code, accepted["Location"]) == (
        302,
        reverse("wagtailadmin_pages:edit", args=[structure.pk]),
    )
    assert person.email == "invitee@exemple.fr"
    assert EmailAddress.objects.filter(user=person, email="invitee@exemple.fr", verified=True).exists()
    assert sent_emails() == []  # no "confirm your address" e-mail: the invitation link proved it
    assert client.get(accepted["Location"]).status_code == 200


def test_existing_account_logs_in_then_accepts(client, invitation, structure):
    person = verify_email(UserFactory(email="invitee@exemple.fr"))
    login = client.post(
        f"/comptes/login/?next={invitation_url(invitation)}",
        {"login": "invitee@exemple.fr", "password": PASSWORD, "next": invitation_url(invitation)},
    )

    accepted = client.post(invitation_url(invitation))

    assert (login.status_code, login["Location"]) == (302, invitation_url(invitation))
    assert accepted.status_code == 302
    assert Membership.objects.get(structure=structure).user == person


def test_accept_marks_unverified_address_verified(client, invitation):
    person = UserFactory(email="invitee@exemple.fr")
    EmailAddress.objects.create(user=person, email="invitee@exemple.fr", verified=False, primary=True)
    client.force_login(person)

    client.post(invitation_url(invitation))

    assert list(EmailAddress.objects.filter(user=person).values_list("email", "verified", "primary")) == [
        ("invitee@exemple.fr", True, True)
    ]


def test_accept_follows_success_message_into_admin(client, invitation, structure):
    client.force_login(UserFactory(email="invitee@exemple.fr"))

    response = client.post(invitation_url(invitation), follow=True)

    assert response.status_code == 200
    assert "Bienvenue ! Vous pouvez maintenant modifier la fiche de « Médiathèque de Bourges »." in (
        response.content.decode().replace("&#x27;", "'").replace("&laquo;", "«")
    )


def test_signed_in_invited_person_sees_confirm_button_and_get_changes_nothing(client, invitation):
    client.force_login(UserFactory(email="Invitee@Exemple.fr"))

    response = client.get(invitation_url(invitation))

    assert response.status_code == 200
    assert "Accepter l'invitation" in text_of(response)
    assert Membership.objects.count() == 0


def test_accept_non_editing_role_goes_to_pro_area(client, structure, coordinator, settings):
    invitation = domain.invite_member(
        structure=structure, email="benevole@exemple.fr", invited_by=coordinator, role=MemberRole.BENEVOLE
    )
    client.force_login(UserFactory(email="benevole@exemple.fr"))

    response = client.post(invitation_url(invitation))

    assert (response.status_code, response["Location"]) == (302, reverse("pro:home"))
    assert Membership.objects.get().role == MemberRole.BENEVOLE


# Wrong account -----------------------------------------------------------------------------------------


def test_signed_in_with_other_address_explains_and_offers_logout(client, invitation):
    client.force_login(UserFactory(email="quelquun@exemple.fr"))

    response = client.get(invitation_url(invitation))

    form = BeautifulSoup(response.content, "html.parser").select_one("main form")
    assert response.status_code == 200
    assert "Vous êtes connecté·e avec l'adresse quelquun@exemple.fr" in text_of(response)
    assert (form["action"], form.find("input", {"name": "next"})["value"]) == (
        reverse("account_logout"),
        invitation_url(invitation),
    )


def test_signed_in_with_other_address_post_accepts_nothing(client, invitation):
    client.force_login(UserFactory(email="quelquun@exemple.fr"))

    response = client.post(invitation_url(invitation))

    invitation.refresh_from_db()
    assert response.status_code == 200
    assert Membership.objects.count() == 0
    assert invitation.accepted_at is None


def test_logout_from_wrong_account_comes_back_to_invitation(client, invitation):
    client.force_login(UserFactory(email="quelquun@exemple.fr"))

    response = client.post(reverse("account_logout"), {"next": invitation_url(invitation)})
    landing = client.get(response["Location"])

    assert response["Location"] == invitation_url(invitation)
    assert "Créer mon compte" in text_of(landing)


# allauth pages in the site's look, in French -----------------------------------------------------------


def test_login_page_is_in_french_inside_site_layout(client, db):
    response = client.get(reverse("account_login"))

    html = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert html.find("html")["lang"] == "fr"
    assert html.find("h1").get_text(strip=True) == "Se connecter"
    assert "Mot de passe oublié ?" in text_of(response)
    assert "base.html" in [template.name for template in response.templates]
    assert html.find("header", class_="site-header") is not None


def test_signup_page_is_in_french(client, db):
    response = client.get(reverse("account_signup"))

    assert BeautifulSoup(response.content, "html.parser").find("h1").get_text(strip=True) == "Créer un compte"


def test_logout_page_is_in_french(client, db):
    client.force_login(UserFactory())

    response = client.get(reverse("account_logout"))

    assert "Voulez-vous vraiment vous déconnecter ?" in text_of(response)


def test_password_reset_sends_french_email_with_working_link(client, db):
    person = UserFactory(email="oubli@exemple.fr")

    page = client.get(reverse("account_reset_password"))
    response = client.post(reverse("account_reset_password"), {"email": "oubli@exemple.fr"})

    link = re.search(r"https?://[^/\s]+(/comptes/password/reset/key/\S+)", sent_emails()[0].body).group(1)
    reset_page = client.get(link, follow=True)
    assert "Mot de passe oublié" in text_of(page)
    assert response.status_code == 302
    assert [message.to for message in sent_emails()] == [[person.email]]
    assert sent_emails()[0].subject == "[Maillage] Choisir un nouveau mot de passe"
    assert sent_emails()[0].body.startswith("Bonjour,\n\nQuelqu'un — vous, sans doute — a demandé")
    assert "L'équipe Maillage" in sent_emails()[0].body
    assert reset_page.status_code == 200
    assert "Nouveau mot de passe (confirmation)" in text_of(reset_page)
