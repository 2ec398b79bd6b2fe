"""`/pro/demandes/`: who sees which requests to join, and who may accept or refuse them."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from network.models import Membership, MembershipRequestStatus
from tests.factories import StructureFactory, UserFactory
from tests.pro.factories import make_coordinator, make_member


@pytest.fixture
def pending(territory):
    asker = UserFactory(first_name="Noé", last_name="Petit", email="noe@exemple.fr")
    return domain.request_membership(
        user=asker,
        structure=territory["mediatheque"],
        role=MemberRole.SERVICE_CIVIQUE,
        message="Arrivé en mars.",
    )


@pytest.fixture
def responsable(territory):
    return make_member(territory["mediatheque"], role=MemberRole.RESPONSABLE)


def accept_url(request) -> str:
    return reverse("pro:accept_request", kwargs={"pk": request.pk})


def refuse_url(request) -> str:
    return reverse("pro:refuse_request", kwargs={"pk": request.pk})


def test_requests_lists_what_i_may_decide(client, territory, pending, responsable):
    domain.request_membership(user=UserFactory(), structure=territory["pij"], role=MemberRole.BENEVOLE)
    client.force_login(responsable)

    response = client.get(reverse("pro:requests"))

    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())
    assert response.context["pending"] == [pending]
    assert "Noé Petit → Médiathèque de Bourges" in text
    assert "Volontaire en service civique" in text and "Arrivé en mars." in text
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_requests_mediator_sees_none(client, territory, pending):
    client.force_login(territory["member"])

    response = client.get(reverse("pro:requests"))

    assert response.context["pending"] == []
    assert "Aucune demande n'attend votre réponse." in response.content.decode()


@pytest.mark.parametrize("decider", ["responsable", "editor", "coordinator", "superuser"])
def test_accept_by_each_kind_of_decider(
    client, territory, pending, decider, eager_tasks, django_capture_on_commit_callbacks
):
    structure = territory["mediatheque"]
    user = {
        "responsable": lambda: make_member(structure, role=MemberRole.RESPONSABLE),
        "editor": lambda: make_member(structure, role=MemberRole.EDITOR),
        "coordinator": lambda: make_coordinator(territory["bourges"]),
        "superuser": lambda: UserFactory(is_superuser=True),
    }[decider]()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(accept_url(pending))

    pending.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, reverse("pro:requests"))
    assert pending.status == MembershipRequestStatus.ACCEPTED
    assert Membership.objects.get(user=pending.user, structure=structure).role == MemberRole.SERVICE_CIVIQUE
    assert [message.to for message in mail.outbox if "Bienvenue" in message.subject] == [["noe@exemple.fr"]]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Noé Petit fait maintenant partie de « Médiathèque de Bourges ». Un e-mail l'en informe."
    ]


@pytest.mark.parametrize("who", ["mediator", "editor_elsewhere", "coordinator_elsewhere"])
@pytest.mark.parametrize("action", [accept_url, refuse_url])
def test_decision_by_someone_without_the_right_is_403(client, territory, pending, who, action):
    user = {
        "mediator": lambda: territory["member"],
        "editor_elsewhere": lambda: make_member(territory["pij"], role=MemberRole.EDITOR),
        "coordinator_elsewhere": lambda: make_coordinator(territory["vierzon"]),
    }[who]()
    client.force_login(user)

    response = client.post(action(pending))

    pending.refresh_from_db()
    assert response.status_code == 403
    assert (pending.status, Membership.objects.filter(user=pending.user).count()) == ("attente", 0)


def test_decision_by_signed_in_non_member_is_403(client, pending):
    client.force_login(UserFactory())

    assert client.post(accept_url(pending)).status_code == 403


def test_decision_anonymous_is_sent_to_login(client, pending):
    response = client.post(accept_url(pending))

    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


def test_decision_needs_post(client, pending, responsable):
    client.force_login(responsable)

    assert client.get(accept_url(pending)).status_code == 405


def test_decision_needs_csrf_token(pending, responsable):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(responsable)

    assert strict.post(accept_url(pending)).status_code == 403
    pending.refresh_from_db()
    assert pending.status == MembershipRequestStatus.PENDING


def test_refuse_with_reason_emails_it(
    client, pending, responsable, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(responsable)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(refuse_url(pending), {"reason": "Nous ne vous avons pas trouvé dans l'équipe."})

    pending.refresh_from_db()
    (message,) = mail.outbox[-1:]
    assert (pending.status, pending.reason) == ("refusee", "Nous ne vous avons pas trouvé dans l'équipe.")
    assert "Nous ne vous avons pas trouvé dans l'équipe." in message.body


def test_decision_on_already_decided_request_says_so(client, pending, responsable):
    domain.refuse_request(request=pending, by=responsable)
    client.force_login(responsable)

    response = client.post(accept_url(pending))

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Cette demande a déjà été traitée ou retirée."
    ]
    assert Membership.objects.filter(user=pending.user).count() == 0


def test_decision_on_unknown_request_is_404(client, responsable):
    client.force_login(responsable)

    assert client.post(reverse("pro:accept_request", kwargs={"pk": 999999})).status_code == 404


def test_request_of_structure_elsewhere_listed_for_its_coordinator_only(client, territory):
    other = StructureFactory(bassin=territory["vierzon"], slug="autre-vierzon")
    request = domain.request_membership(user=UserFactory(), structure=other, role=MemberRole.MEDIATEUR)
    client.force_login(make_coordinator(territory["vierzon"]))

    assert client.get(reverse("pro:requests")).context["pending"] == [request]
