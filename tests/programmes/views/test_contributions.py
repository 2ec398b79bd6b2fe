"""The structure side of a cycle under /pro/programmes/: propose, edit, follow, and the steps both sides take.

A contribution someone may not see answers 404 on every page and action, so that no structure learns what
another proposes.
"""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.enums import MemberRole
from programmes import domain
from programmes.enums import ContributionState, EventKind
from programmes.models import Contribution
from tests.factories import StructureFactory, UserFactory
from tests.pro.factories import make_member

from ..factories import ContributionFactory, CycleFactory, bassin_of, coordinator_of, editor_of
from .proposals import close_call, form_data

pytestmark = pytest.mark.django_db
S = ContributionState


@pytest.fixture
def host():
    return StructureFactory(title="Médiathèque de Bourges")


@pytest.fixture
def editor(host):
    return editor_of(host)


@pytest.fixture
def reviewer():
    """A coordinator of the cycle, who works in a structure elsewhere (so enters the professional area) but
    does not manage the host: she reviews, she does not act for the structure."""
    return make_member(StructureFactory(), role=MemberRole.MEDIATEUR, first_name="Claire", last_name="Martin")


@pytest.fixture
def cycle(host, reviewer):
    return CycleFactory(
        title="Human Tech Days 2027", slug="htd-2027", bassins=[bassin_of(host)], coordinators=[reviewer]
    )


@pytest.fixture
def contribution(cycle, host, editor):
    return ContributionFactory(cycle=cycle, structure=host, created_by=editor, title="Découvrir sa tablette")


@pytest.fixture
def submitted(contribution, editor):
    return domain.submit_contribution(contribution=contribution, by=editor)


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def url(name, **kwargs) -> str:
    return reverse(f"programmes:{name}", kwargs=kwargs)


# Access -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "method"),
    [
        ("cycles", {}, "get"),
        ("cycle", {"slug": "htd-2027"}, "get"),
        ("propose", {"slug": "htd-2027"}, "get"),
        ("contribution", {"pk": 1}, "get"),
        ("edit", {"pk": 1}, "get"),
        ("step", {"pk": 1, "step": "submit"}, "post"),
        ("comment", {"pk": 1}, "post"),
    ],
)
def test_anonymous_is_sent_to_login(client, cycle, name, kwargs, method):
    address = url(name, **kwargs)

    response = getattr(client, method)(address)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [("contribution", "get"), ("edit", "get"), ("edit", "post"), ("step", "post"), ("comment", "post")],
)
def test_editor_of_another_structure_gets_404_everywhere(client, submitted, name, method):
    stranger = editor_of(StructureFactory(bassin=bassin_of(submitted.structure)))
    client.force_login(stranger)
    kwargs = {"pk": submitted.pk, "step": "withdraw"} if name == "step" else {"pk": submitted.pk}

    response = getattr(client, method)(url(name, **kwargs), {"message": "Coucou"})

    submitted.refresh_from_db()
    assert response.status_code == 404
    assert (submitted.state, submitted.events.count()) == (S.SUBMITTED, 1)


# The cycles and a cycle's space -------------------------------------------------------------------------


def test_cycles_offer_to_propose_and_count_my_contributions(client, cycle, contribution, editor):
    client.force_login(editor)

    response = client.get(url("cycles"))

    text = text_of(response)
    assert response.status_code == 200
    assert "Human Tech Days 2027" in text and "Appel à contributions ouvert" in text
    assert "1 contribution" in text
    assert url("propose", slug=cycle.slug) in response.content.decode()


def test_cycles_do_not_offer_to_propose_to_a_mere_member(client, cycle, host):
    member = make_member(host, role=MemberRole.MEDIATEUR)
    client.force_login(member)

    response = client.get(url("cycles"))

    assert response.status_code == 200
    assert url("propose", slug=cycle.slug) not in response.content.decode()


def test_cycle_space_lists_hosted_and_co_organised_contributions_only(
    client, cycle, contribution, editor, host
):
    partner = StructureFactory(bassin=bassin_of(host), title="Centre social")
    co_organised = ContributionFactory(cycle=cycle, structure=partner, title="Jeux en réseau")
    co_organised.co_organisers.add(host)
    ContributionFactory(cycle=cycle, structure=partner, title="Secret d'une autre structure")
    client.force_login(editor)

    response = client.get(url("cycle", slug=cycle.slug))

    text = text_of(response)
    assert [item.title for item in response.context["contributions"]] == sorted(
        ["Découvrir sa tablette", "Jeux en réseau"]
    )
    assert "Secret d'une autre structure" not in text
    assert "(vous co-organisez)" in text and "Brouillon" in text


def test_unknown_cycle_is_404(client, editor):
    client.force_login(editor)

    assert client.get(url("cycle", slug="inconnu")).status_code == 404


# Proposing ----------------------------------------------------------------------------------------------


def test_propose_saves_a_draft(client, cycle, editor, host):
    client.force_login(editor)

    response = client.post(url("propose", slug=cycle.slug), form_data(cycle, save="1"))

    contribution = Contribution.objects.get()
    assert (response.status_code, response["Location"]) == (302, contribution.get_absolute_url())
    assert (contribution.state, contribution.structure, contribution.created_by) == (S.DRAFT, host, editor)
    assert messages_of(response)[0].startswith("Le brouillon est enregistré.")


def test_propose_and_send_at_once(client, cycle, editor):
    client.force_login(editor)

    response = client.post(url("propose", slug=cycle.slug), form_data(cycle, submit="1"))

    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert contribution.state == S.SUBMITTED
    assert list(contribution.events.values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.SUBMITTED,
    ]


def test_propose_shows_errors_and_saves_nothing(client, cycle, editor):
    client.force_login(editor)

    response = client.post(url("propose", slug=cycle.slug), form_data(cycle, end_time="13:00", submit="1"))

    assert response.status_code == 200
    assert "L'heure de fin doit être après l'heure de début." in text_of(response)
    assert Contribution.objects.count() == 0


def test_propose_form_has_a_labelled_input_for_every_field(client, cycle, editor):
    client.force_login(editor)

    response = client.get(url("propose", slug=cycle.slug))

    soup = BeautifulSoup(response.content, "html.parser")
    inputs = soup.select("form input:not([type=hidden]), form textarea, form select")
    labelled = {label["for"] for label in soup.select("label[for]")}
    assert response.status_code == 200
    assert [field["id"] for field in inputs if field["id"] not in labelled] == []
    assert [button.get_text(strip=True) for button in soup.select("form button[type=submit]")][-2:] == [
        "Enregistrer le brouillon",
        "Envoyer la proposition",
    ]


def test_propose_when_the_call_is_closed_explains_and_goes_back(client, cycle, editor):
    close_call(cycle)
    client.force_login(editor)

    response = client.post(url("propose", slug=cycle.slug), form_data(cycle, submit="1"))

    assert (response.status_code, response["Location"]) == (302, url("cycle", slug=cycle.slug))
    assert messages_of(response)[0].startswith("L'appel à contributions n'est pas ouvert")
    assert Contribution.objects.count() == 0


def test_propose_by_someone_who_manages_no_structure_of_the_territory_is_403(client, cycle):
    outsider = editor_of(StructureFactory())
    client.force_login(outsider)

    response = client.get(url("propose", slug=cycle.slug))

    assert response.status_code == 403
    assert "Seules les personnes qui gèrent une structure du territoire" in text_of(response)


# Editing ------------------------------------------------------------------------------------------------


def test_edit_before_the_call_closes(client, contribution, editor):
    client.force_login(editor)

    response = client.post(
        url("edit", pk=contribution.pk), form_data(contribution.cycle, title="Nouveau titre", save="1")
    )

    contribution.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, contribution.get_absolute_url())
    assert contribution.title == "Nouveau titre"
    assert contribution.events.get(kind=EventKind.EDITED).changed_fields[0] == "title"
    assert messages_of(response) == ["Les modifications sont enregistrées."]


def test_edit_refused_after_the_call_closes(client, submitted, editor):
    close_call(submitted.cycle)
    client.force_login(editor)

    response = client.post(
        url("edit", pk=submitted.pk), form_data(submitted.cycle, title="Trop tard", save="1")
    )

    submitted.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, submitted.get_absolute_url())
    assert submitted.title == "Découvrir sa tablette"
    assert messages_of(response)[0].startswith("Cette contribution ne peut plus être modifiée")


def test_edit_after_close_when_changes_requested_then_send_again(client, submitted, editor, reviewer):
    domain.request_changes(contribution=submitted, by=reviewer, message="Précisez le public.")
    close_call(submitted.cycle)
    client.force_login(editor)

    page = client.get(url("edit", pk=submitted.pk))
    response = client.post(
        url("edit", pk=submitted.pk),
        form_data(submitted.cycle, publics=["Familles et/ou enfants"], submit="1"),
    )

    submitted.refresh_from_db()
    assert "Enregistrer et renvoyer" in text_of(page)
    assert response.status_code == 302
    assert (submitted.state, submitted.publics) == (S.SUBMITTED, ["Familles et/ou enfants"])
    assert list(submitted.events.values_list("kind", flat=True))[-2:] == [
        EventKind.EDITED,
        EventKind.SUBMITTED,
    ]


def test_edit_by_a_reviewer_is_403(client, submitted, reviewer):
    client.force_login(reviewer)

    response = client.get(url("edit", pk=submitted.pk))

    assert response.status_code == 403


# Steps --------------------------------------------------------------------------------------------------


def test_structure_submits_its_draft_from_its_page(client, contribution, editor):
    client.force_login(editor)

    response = client.post(url("step", pk=contribution.pk, step="submit"))

    contribution.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, contribution.get_absolute_url())
    assert contribution.state == S.SUBMITTED


def test_reviewer_requests_changes_with_a_message(client, submitted, reviewer):
    client.force_login(reviewer)

    response = client.post(
        url("step", pk=submitted.pk, step="request_changes"), {"message": "Ajoutez un horaire du soir."}
    )

    submitted.refresh_from_db()
    assert response.status_code == 302
    assert submitted.state == S.CHANGES_REQUESTED
    assert submitted.events.last().message == "Ajoutez un horaire du soir."
    assert messages_of(response) == ["La demande de modifications est envoyée à la structure."]


def test_request_changes_without_a_message_shows_the_error(client, submitted, reviewer):
    client.force_login(reviewer)

    response = client.post(url("step", pk=submitted.pk, step="request_changes"), {"message": ""})

    submitted.refresh_from_db()
    assert response.status_code == 200
    assert "Dites à la structure ce qu'elle doit modifier." in text_of(response)
    assert submitted.state == S.SUBMITTED


def test_reviewer_accepts_and_the_page_links_the_atelier(client, submitted, reviewer, editor):
    client.force_login(reviewer)
    client.post(url("step", pk=submitted.pk, step="accept"))
    client.force_login(editor)

    response = client.get(url("contribution", pk=submitted.pk))

    submitted.refresh_from_db()
    assert submitted.state == S.ACCEPTED
    assert submitted.atelier.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize("step", ["accept", "request_changes", "decline"])
def test_structure_cannot_take_a_reviewers_step(client, submitted, editor, step):
    client.force_login(editor)

    response = client.post(url("step", pk=submitted.pk, step=step), {"message": "Moi-même"})

    submitted.refresh_from_db()
    assert response.status_code == 403
    assert submitted.state == S.SUBMITTED


def test_reviewer_cannot_withdraw_for_the_structure(client, submitted, reviewer):
    client.force_login(reviewer)

    response = client.post(url("step", pk=submitted.pk, step="withdraw"))

    assert response.status_code == 403


def test_reviewer_of_another_bassin_gets_404(client, submitted):
    client.force_login(coordinator_of(bassin_of(StructureFactory())))

    response = client.post(url("step", pk=submitted.pk, step="accept"))

    assert response.status_code == 404


def test_step_the_state_forbids_goes_back_with_the_reason(client, submitted, editor):
    client.force_login(editor)

    response = client.post(url("step", pk=submitted.pk, step="submit"))

    assert (response.status_code, response["Location"]) == (302, submitted.get_absolute_url())
    assert messages_of(response) == ["Une contribution « proposée » ne peut pas être proposée."]


def test_unknown_step_is_404_and_get_is_refused(client, submitted, editor):
    client.force_login(editor)

    assert client.post(url("step", pk=submitted.pk, step="publish")).status_code == 404
    assert client.get(url("step", pk=submitted.pk, step="withdraw")).status_code == 405


def test_step_returns_to_a_local_next_page_only(client, submitted, reviewer):
    client.force_login(reviewer)

    local = client.post(url("step", pk=submitted.pk, step="accept"), {"next": "/pro/programmes/?page=2"})
    foreign = client.post(url("step", pk=submitted.pk, step="decline"), {"next": "https://exemple.org/"})

    assert local["Location"] == "/pro/programmes/?page=2"
    assert foreign["Location"] == submitted.get_absolute_url()


# Thread -------------------------------------------------------------------------------------------------


def test_structure_comments_and_the_thread_shows_it(client, submitted, editor):
    client.force_login(editor)

    response = client.post(url("comment", pk=submitted.pk), {"message": "Nous aurons 10 tablettes."})
    page = client.get(url("contribution", pk=submitted.pk))

    assert (response.status_code, response["Location"]) == (302, f"{submitted.get_absolute_url()}#fil")
    assert submitted.events.last().kind == EventKind.COMMENT
    assert "Nous aurons 10 tablettes." in text_of(page)


def test_comment_on_a_draft_is_refused(client, contribution, editor):
    client.force_login(editor)

    response = client.post(url("comment", pk=contribution.pk), {"message": "Trop tôt"})

    assert response.status_code == 403
    assert not contribution.events.filter(kind=EventKind.COMMENT).exists()


def test_empty_comment_shows_the_error(client, submitted, editor):
    client.force_login(editor)

    response = client.post(url("comment", pk=submitted.pk), {"message": ""})

    assert response.status_code == 200
    assert "Le message est vide." in text_of(response)


def test_co_organiser_sees_and_comments_but_cannot_act(client, submitted, host):
    partner = StructureFactory(bassin=bassin_of(host))
    submitted.co_organisers.add(partner)
    partner_editor = editor_of(partner)
    client.force_login(partner_editor)

    page = client.get(url("contribution", pk=submitted.pk))
    comment = client.post(url("comment", pk=submitted.pk), {"message": "Nous venons avec 2 bénévoles."})

    assert page.status_code == 200
    assert page.context["steps"] == [] and page.context["can_edit"] is False
    assert comment.status_code == 302


# The contribution's page --------------------------------------------------------------------------------


def test_detail_shows_state_history_and_changed_fields_in_french(client, contribution, editor):
    domain.update_contribution(
        contribution=contribution, by=editor, data={"title": "Tablette pas à pas", "capacity": 6}
    )
    client.force_login(editor)

    response = client.get(url("contribution", pk=contribution.pk))

    text = text_of(response)
    assert "État : Brouillon" in text
    assert "Champs modifiés : titre, nombre de places" in text
    assert [step["name"] for step in response.context["steps"]] == ["submit", "withdraw"]


def test_detail_hides_reviewers_scores_from_the_structure(client, submitted, editor, reviewer):
    domain.score_contribution(contribution=submitted, by=reviewer, value=4)
    client.force_login(editor)

    response = client.get(url("contribution", pk=submitted.pk))

    assert EventKind.SCORED not in [event.kind for event in response.context["events"]]


def test_detail_query_count_is_the_same_with_1_or_5_events(client, contribution, editor):
    client.force_login(editor)
    address = url("contribution", pk=contribution.pk)
    domain.update_contribution(contribution=contribution, by=editor, data={"capacity": 12})
    client.get(address)  # the session and the site are cached by the first request

    with CaptureQueriesContext(connection) as one_event:
        client.get(address)
    for number in range(4):
        colleague = editor_of(contribution.structure, UserFactory(first_name=f"Collègue {number}"))
        domain.update_contribution(contribution=contribution, by=colleague, data={"capacity": number + 1})
    with CaptureQueriesContext(connection) as five_events:
        response = client.get(address)

    assert len(response.context["events"]) == 5
    assert len(five_events) == len(one_event)
