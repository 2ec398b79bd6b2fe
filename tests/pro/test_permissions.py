"""Who enters `/pro/`: members in any role, coordinators and superusers; anonymous visitors log in first;
other signed-in people get a page that explains how to join."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from tests.factories import UserFactory

from .factories import make_coordinator, make_member

PRO_PAGES = ["pro:home", "pro:directory", "pro:structures", "pro:agenda", "pro:requests", "pro:profile"]


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


@pytest.mark.parametrize("name", PRO_PAGES)
def test_pro_page_anonymous_redirects_to_login(client, db, name):
    url = reverse(name)

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/comptes/login/?next={url}")


@pytest.mark.parametrize("name", PRO_PAGES)
def test_pro_page_non_member_gets_explanation(client, territory, name):
    client.force_login(UserFactory())

    response = client.get(reverse(name))

    text = text_of(response)
    assert response.status_code == 403
    assert "Espace réservé aux membres du réseau" in text
    assert "Rejoindre cette structure" in text
    assert reverse("network:directory") in response.content.decode()


def test_pro_home_non_member_sees_own_pending_request(client, territory):
    asker = UserFactory()
    domain.request_membership(user=asker, structure=territory["pij"], role=MemberRole.BENEVOLE)
    client.force_login(asker)

    response = client.get(reverse("pro:home"))

    assert response.status_code == 403
    assert "Votre demande attend une réponse : « PIJ de Vierzon »" in text_of(response)


@pytest.mark.parametrize("role", list(MemberRole))
def test_pro_home_member_in_any_role_enters(client, territory, role):
    client.force_login(make_member(territory["pij"], role=role))

    response = client.get(reverse("pro:home"))

    assert response.status_code == 200
    assert "PIJ de Vierzon" in text_of(response)


def test_pro_home_coordinator_without_structure_enters(client, territory):
    client.force_login(make_coordinator(territory["vierzon"]))

    response = client.get(reverse("pro:home"))

    assert response.status_code == 200
    assert "vous en assurez la coordination" in text_of(response)


def test_pro_home_superuser_enters(client, territory):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(reverse("pro:home")).status_code == 200


def test_pro_home_inactive_member_is_refused(client, territory):
    member = territory["member"]
    client.force_login(member)
    member.is_active = False
    member.save()

    response = client.get(reverse("pro:home"))

    assert response.status_code != 200


def test_pro_home_after_last_membership_removed_is_closed(client, territory):
    member = territory["member"]
    client.force_login(member)
    domain.remove_member(structure=territory["mediatheque"], user=member)

    assert client.get(reverse("pro:home")).status_code == 403


def test_pro_pages_are_never_cached(client, territory):
    client.force_login(territory["member"])

    response = client.get(reverse("pro:directory"))

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
