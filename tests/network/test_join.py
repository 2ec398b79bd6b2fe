"""« Rejoindre cette structure »: the button on the public page and the request form behind it."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from network.models import MembershipRequest, MembershipRequestStatus
from tests.factories import StructureFactory, UserFactory


@pytest.fixture
def structure(db):
    return StructureFactory(title="Médiathèque de Bourges", slug="mediatheque-bourges")


@pytest.fixture
def join_url(structure):
    return reverse("network:join_structure", kwargs={"slug": structure.slug})


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


# The public page's block ------------------------------------------------------------------------------


def test_structure_page_anonymous_has_no_join_block(client, structure):
    assert "Rejoindre cette structure" not in text_of(client.get(structure.url))


def test_structure_page_signed_in_non_member_has_join_button(client, structure, join_url):
    client.force_login(UserFactory())

    soup = BeautifulSoup(client.get(structure.url).content, "html.parser")

    link = soup.find("a", string="Rejoindre cette structure")
    assert link["href"] == join_url


def test_structure_page_member_is_pointed_to_pro_area(client, structure):
    member = UserFactory()
    domain.add_member(structure=structure, user=member, role=MemberRole.BENEVOLE)
    client.force_login(member)

    text = text_of(client.get(structure.url))

    assert "Rejoindre cette structure" not in text
    assert "Aller à l'espace professionnel" in text


def test_structure_page_with_pending_request_says_so(client, structure):
    asker = UserFactory()
    domain.request_membership(user=asker, structure=structure, role=MemberRole.MEDIATEUR)
    client.force_login(asker)

    text = text_of(client.get(structure.url))

    assert "Votre demande pour rejoindre ce lieu attend une réponse." in text


# The form ---------------------------------------------------------------------------------------------


def test_join_anonymous_goes_to_login(client, join_url):
    response = client.get(join_url)

    assert (response.status_code, response["Location"]) == (302, f"/comptes/login/?next={join_url}")


def test_join_form_offers_the_four_roles_in_a_fieldset(client, join_url):
    client.force_login(UserFactory())

    soup = BeautifulSoup(client.get(join_url).content, "html.parser")

    fieldset = soup.select_one("fieldset")
    assert fieldset.legend.get_text(" ", strip=True) == "Votre rôle dans cette structure (obligatoire)"
    assert [label.get_text() for label in fieldset.select("label")] == [
        "Médiateur·rice",
        "Bénévole",
        "Volontaire en service civique",
        "Responsable",
    ]
    assert soup.select_one("label[for=id_message]") is not None


def test_join_post_creates_request_and_emails_deciders(
    client, structure, join_url, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    editor = UserFactory(email="responsable@exemple.fr")
    domain.add_member(structure=structure, user=editor, role=MemberRole.RESPONSABLE)
    asker = UserFactory()
    client.force_login(asker)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url, {"role": "benevole", "message": "Le mercredi après-midi."})

    request = MembershipRequest.objects.get()
    assert (response.status_code, response["Location"]) == (302, join_url)
    assert (request.user, request.role, request.message) == (asker, "benevole", "Le mercredi après-midi.")
    assert [message.to for message in mail.outbox] == [["responsable@exemple.fr"]]
    assert "Votre demande du" in text_of(client.get(join_url))


def test_join_post_without_role_shows_error(client, join_url):
    client.force_login(UserFactory())

    response = client.post(join_url, {"message": "Bonjour"})

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert soup.select_one("fieldset")["aria-describedby"].strip() == "id_role_error"
    assert soup.find(id="id_role_error").get_text() == "Champ requis."
    assert MembershipRequest.objects.count() == 0


def test_join_post_editor_role_is_refused(client, join_url):
    client.force_login(UserFactory())

    client.post(join_url, {"role": MemberRole.EDITOR})

    assert MembershipRequest.objects.count() == 0


def test_join_post_twice_makes_one_request(client, join_url):
    client.force_login(UserFactory())

    client.post(join_url, {"role": "mediateur"})
    client.post(join_url, {"role": "benevole"})

    assert list(MembershipRequest.objects.values_list("role", flat=True)) == ["mediateur"]


def test_join_member_is_told_already_member(client, structure, join_url):
    member = UserFactory()
    domain.add_member(structure=structure, user=member, role=MemberRole.MEDIATEUR)
    client.force_login(member)

    response = client.post(join_url, {"role": "benevole"})

    assert "Vous faites déjà partie de cette structure." in text_of(response)
    assert MembershipRequest.objects.count() == 0


def test_join_unpublished_structure_is_404(client, db):
    draft = StructureFactory(slug="brouillon", publish=False)
    client.force_login(UserFactory())

    assert client.get(reverse("network:join_structure", kwargs={"slug": draft.slug})).status_code == 404


def test_withdraw_request(client, structure):
    asker = UserFactory()
    request = domain.request_membership(user=asker, structure=structure, role=MemberRole.MEDIATEUR)
    client.force_login(asker)

    response = client.post(reverse("network:withdraw_join_request", kwargs={"slug": structure.slug}))

    request.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, structure.url)
    assert request.status == MembershipRequestStatus.WITHDRAWN


def test_withdraw_someone_elses_request_is_404(client, structure):
    domain.request_membership(user=UserFactory(), structure=structure, role=MemberRole.MEDIATEUR)
    client.force_login(UserFactory())

    response = client.post(reverse("network:withdraw_join_request", kwargs={"slug": structure.slug}))

    assert response.status_code == 404
    assert MembershipRequest.objects.get().status == MembershipRequestStatus.PENDING
