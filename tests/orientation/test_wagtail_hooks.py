"""« Lexique des besoins » in the Wagtail admin: administrators and coordinators edit it, nobody else."""

import pytest
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from orientation.index import get_index
from orientation.models import Need
from tests.factories import BassinFactory, StructureFactory, UserFactory

INDEX_URL = reverse("lexique:index")


@pytest.fixture
def coordinator(db):
    user = UserFactory()
    domain.add_coordinator(bassin=BassinFactory(), user=user)
    return user


@pytest.fixture
def editor(db):
    user = UserFactory()
    domain.add_member(structure=StructureFactory(), user=user, role=MemberRole.EDITOR)
    return user


def test_a_coordinator_lists_and_edits_a_need(client, coordinator):
    need = Need.objects.get(slug="carte-grise")
    client.force_login(coordinator)

    assert "Carte grise, permis, carte d&#x27;identité (ANTS)" in client.get(INDEX_URL).text
    data = {
        "label": need.label,
        "short_label": need.short_label,
        "slug": need.slug,
        "pictogram": need.pictogram,
        "keywords": need.keywords + "\nvignette crit'air",
        "services": need.services,
        "sort_order": need.sort_order,
    }
    response = client.post(reverse("lexique:edit", args=[need.pk]), data)

    assert response.status_code == 302
    assert Need.objects.get(pk=need.pk).keyword_list()[-1] == "vignette crit'air"


def test_an_edited_need_is_read_by_the_next_search(client, coordinator):
    get_index()
    need = Need.objects.get(slug="carte-grise")
    need.keywords += "\nvignette"
    need.save()

    assert ("vignette",) in get_index().need("carte-grise").phrases


def test_a_superuser_adds_a_need(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    data = {
        "label": "Mon compte Ameli",
        "slug": "compte-ameli",
        "pictogram": "sante",
        "keywords": "ameli",
        "sort_order": 5,
    }
    response = client.post(reverse("lexique:add"), data)

    assert response.status_code == 302
    assert Need.objects.get(slug="compte-ameli").label == "Mon compte Ameli"


@pytest.mark.parametrize("url_name", ["lexique:index", "lexique:add"])
def test_a_structure_editor_cannot_edit_the_lexicon(client, editor, url_name):
    client.force_login(editor)

    response = client.get(reverse(url_name))

    assert response.status_code in (302, 403)
    assert "Lexique des besoins" not in client.get("/admin/").text


def test_the_seeded_lexicon_covers_the_needs_of_the_issue(db):
    keywords = " ".join(need.keywords for need in Need.objects.all()).casefold()
    for word in [
        "caf",
        "impôts",
        "carte grise",
        "ants",
        "ameli",
        "france travail",
        "retraite",
        "permis",
        "chèque énergie",
        "téléphone",
        "tablette",
        "ordinateur",
        "e-mail",
        "cv",
        "arnaque",
        "données personnelles",
        "enfant",
        "photo",
        "pas cher",
        "imprimer",
        "scanner",
        "wifi",
    ]:
        assert word in keywords, word
    assert [need.slug for need in Need.objects.for_guide()][:3] == ["demarches", "telephone", "tablette"]
