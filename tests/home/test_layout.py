"""Tests of the page frame shared by every public page (templates/base.html) and of the error pages."""

import re

from django.contrib.auth.models import Group
from django.template.loader import render_to_string

from tests.factories import UserFactory


def test_layout_is_french_with_skip_link_and_main_landmark(client, home_page):
    text = client.get("/structures/").text

    assert '<html lang="fr">' in text
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in text
    assert '<main id="contenu"' in text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert "<title>Annuaire des lieux – Maillage</title>" in text


def test_layout_marks_the_current_section_in_the_menu(client, home_page):
    text = client.get("/structures/").text

    assert re.findall(r'<a href="([^"]+)" aria-current="page">', text) == ["/structures/"]


def test_layout_offers_login_to_anonymous_visitors(client, home_page):
    text = client.get("/").text

    assert '<a href="/comptes/login/">Se connecter</a>' in text
    assert "Se déconnecter" not in text
    assert "Administration" not in text


def test_layout_logout_is_a_post_form(client, home_page):
    client.force_login(UserFactory())

    text = client.get("/").text

    assert re.search(
        r'<form class="site-nav__logout" method="post" action="/comptes/logout/">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken"',
        text,
    )
    assert "Se connecter</a>" not in text


def test_layout_shows_administration_to_members_of_a_group_only(client, home_page):
    member, outsider = UserFactory(), UserFactory()
    member.groups.add(Group.objects.create(name="Éditeurs de test"))

    client.force_login(outsider)
    outsider_text = client.get("/").text
    client.force_login(member)
    member_text = client.get("/").text

    assert '<a href="/admin/">Administration</a>' not in outsider_text
    assert '<a href="/admin/">Administration</a>' in member_text


def test_not_found_page_is_in_french_with_ways_out(client, home_page):
    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.text
    assert '<a href="/structures/">chercher un lieu dans l\'annuaire</a>' in response.text


def test_server_error_page_renders_without_request_or_context():
    text = render_to_string("500.html")

    assert '<html lang="fr">' in text
    assert "<h1>Le site rencontre un problème</h1>" in text
