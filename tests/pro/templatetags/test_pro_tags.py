"""The network's block of « Mon compte » (`pro/includes/account_block.html`)."""

from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from pro.templatetags.pro_tags import pro_account_summary
from tests.factories import UserFactory


def render_block(user) -> BeautifulSoup:
    request = RequestFactory().get("/comptes/mon-compte/")
    request.user = user
    html = render_to_string("pro/includes/account_block.html", {"request": request, "user": user})
    return BeautifulSoup(html, "html.parser")


def test_account_block_member_lists_structures_and_pro_links(territory):
    block = render_block(territory["member"])

    text = " ".join(block.get_text().split())
    links = [a["href"] for a in block.select("a")]
    assert "Médiathèque de Bourges — Médiateur·rice" in text
    assert reverse("pro:home") in links and reverse("pro:profile") in links


def test_account_block_lists_pending_requests(territory):
    asker = UserFactory()
    domain.request_membership(user=asker, structure=territory["pij"], role=MemberRole.BENEVOLE)

    block = render_block(asker)

    text = " ".join(block.get_text().split())
    assert "Demandes en attente de réponse" in text and "PIJ de Vierzon — Bénévole, depuis le" in text
    assert reverse("pro:home") not in [a["href"] for a in block.select("a")]
    assert reverse("network:directory") in [a["href"] for a in block.select("a")]


def test_account_summary_anonymous_is_empty(db):
    assert pro_account_summary(AnonymousUser()) == {
        "memberships": [],
        "pending_requests": [],
        "is_member": False,
    }
