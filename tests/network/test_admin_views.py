"""The members screens of the admin (`network.admin_views`): members, invitations, requests to join,
« Mes structures », at the HTTP level, for editors, coordinators and the people refused."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from network.models import Invitation, Membership, StructurePage
from tests.factories import StructureFactory, UserFactory
from tests.network.admin_forms import (
    edit_url,
    members_url,
    message_texts,
    publish_edit,
)

# Members -----------------------------------------------------------------------------------------------


def test_members_view_lists_members_and_pending_invitations(client, editor, eager_tasks):
    structure = editor.structure
    mediator = UserFactory(first_name="Alex", last_name="Durand")
    domain.add_member(structure=structure, user=mediator, role=MemberRole.MEDIATEUR)
    domain.invite_member(structure=structure, email="nouvelle@exemple.fr", invited_by=editor)
    client.force_login(editor)

    response = client.get(members_url(structure))

    html = response.content.decode()
    assert response.status_code == 200
    assert [m.user for m in response.context["memberships"]] == sorted(
        [editor, mediator], key=lambda user: user.last_name
    )
    assert [i.email for i in response.context["invitations"]] == ["nouvelle@exemple.fr"]
    assert "Alex Durand" in html
    assert "Médiateur·rice" in html
    assert "Inviter une personne" in html


def test_members_view_editor_of_other_structure_gets_403(client, editor):
    other = StructureFactory()
    client.force_login(editor)

    response = client.get(members_url(other))

    assert response.status_code == 403
    assert "Vous ne gérez pas les membres" in response.content.decode()


def test_invite_for_other_structure_gets_403_and_sends_nothing(client, editor, eager_tasks):
    other = StructureFactory()
    client.force_login(editor)

    response = client.post(members_url(other), {"email": "x@exemple.fr", "role": MemberRole.EDITOR})

    assert response.status_code == 403
    assert (Invitation.objects.count(), len(mail.outbox)) == (0, 0)


def test_members_view_coordinator_of_other_bassin_gets_403(client, coordinator):
    outside = StructureFactory()
    client.force_login(coordinator)

    response = client.get(members_url(outside))

    assert response.status_code == 403


def test_members_view_coordinator_of_bassin_is_allowed(client, coordinator):
    inside = StructureFactory(bassin=coordinator.bassin)
    client.force_login(coordinator)

    response = client.get(members_url(inside))

    assert response.status_code == 200


def test_members_view_mediator_is_sent_to_reserved_access(client, db):
    structure, mediator = StructureFactory(), UserFactory()
    domain.add_member(structure=structure, user=mediator, role=MemberRole.MEDIATEUR)
    client.force_login(mediator)

    response = client.get(members_url(structure))

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/acces-reserve/")  # « Accès réservé », 403


def test_invite_sends_one_email_with_working_link(
    client, editor, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(editor.structure), {"email": "Nouvelle@Exemple.fr", "role": MemberRole.EDITOR}
        )

    invitation = Invitation.objects.get()
    link = reverse("network:accept_invitation", kwargs={"token": invitation.token})
    client.logout()
    landing = client.get(link)
    assert (response.status_code, response["Location"]) == (302, members_url(editor.structure))
    assert message_texts(response) == ["Invitation envoyée à nouvelle@exemple.fr."]
    assert [message.to for message in mail.outbox] == [["nouvelle@exemple.fr"]]
    assert f"http://127.0.0.1:8000{link}" in mail.outbox[0].body
    assert landing.status_code == 200
    assert (invitation.email, invitation.invited_by) == ("nouvelle@exemple.fr", editor)


def test_invite_existing_member_shows_error(client, editor):
    client.force_login(editor)

    response = client.post(members_url(editor.structure), {"email": editor.email, "role": MemberRole.EDITOR})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Cette personne est déjà membre de la structure."]
    assert Invitation.objects.count() == 0


def test_remove_member_asks_for_confirmation(client, editor):
    colleague = UserFactory()
    membership = domain.add_member(structure=editor.structure, user=colleague)
    client.force_login(editor)
    url = reverse(
        "network_admin:remove_member",
        kwargs={"structure_id": editor.structure.pk, "membership_id": membership.pk},
    )

    response = client.get(url)

    assert response.status_code == 200
    assert "Oui, retirer" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_remove_member_revokes_edit_rights_over_http(client, editor):
    colleague = UserFactory()
    membership = domain.add_member(structure=editor.structure, user=colleague)
    client.force_login(editor)
    url = reverse(
        "network_admin:remove_member",
        kwargs={"structure_id": editor.structure.pk, "membership_id": membership.pk},
    )

    response = client.post(url)
    client.force_login(colleague)
    edit_attempt = client.get(edit_url(editor.structure))

    assert (response.status_code, response["Location"]) == (302, members_url(editor.structure))
    assert Membership.objects.filter(pk=membership.pk).exists() is False
    assert edit_attempt.status_code == 302
    assert edit_attempt["Location"].startswith("/comptes/acces-reserve/")


def test_remove_member_of_other_structure_gets_403(client, editor):
    other = StructureFactory()
    stranger = UserFactory()
    membership = domain.add_member(structure=other, user=stranger)
    client.force_login(editor)
    url = reverse(
        "network_admin:remove_member", kwargs={"structure_id": other.pk, "membership_id": membership.pk}
    )

    response = client.post(url)

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists() is True


def test_remove_member_through_own_structure_url_cannot_reach_other_structure(client, editor):
    other = StructureFactory()
    membership = domain.add_member(structure=other, user=UserFactory())
    client.force_login(editor)
    url = reverse(
        "network_admin:remove_member",
        kwargs={"structure_id": editor.structure.pk, "membership_id": membership.pk},
    )

    response = client.post(url)

    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists() is True


def test_revoke_invitation_stops_link(client, editor):
    invitation = Invitation.objects.create(structure=editor.structure, email="a@exemple.fr")
    client.force_login(editor)
    url = reverse(
        "network_admin:revoke_invitation",
        kwargs={"structure_id": editor.structure.pk, "invitation_id": invitation.pk},
    )

    response = client.post(url)
    client.logout()
    landing = client.get(reverse("network:accept_invitation", kwargs={"token": invitation.token}))

    invitation.refresh_from_db()
    assert response.status_code == 302
    assert invitation.revoked_at is not None
    assert landing.status_code == 410


def test_revoke_invitation_by_get_is_refused(client, editor):
    invitation = Invitation.objects.create(structure=editor.structure, email="a@exemple.fr")
    client.force_login(editor)
    url = reverse(
        "network_admin:revoke_invitation",
        kwargs={"structure_id": editor.structure.pk, "invitation_id": invitation.pk},
    )

    response = client.get(url)

    invitation.refresh_from_db()
    assert response.status_code == 405
    assert invitation.revoked_at is None


def test_resend_invitation_sends_new_link_and_revokes_old(
    client, editor, eager_tasks, django_capture_on_commit_callbacks
):
    old = Invitation.objects.create(
        structure=editor.structure, email="a@exemple.fr", role=MemberRole.RESPONSABLE
    )
    client.force_login(editor)
    url = reverse(
        "network_admin:resend_invitation",
        kwargs={"structure_id": editor.structure.pk, "invitation_id": old.pk},
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    old.refresh_from_db()
    new = Invitation.objects.exclude(pk=old.pk).get()
    assert old.revoked_at is not None
    assert (new.email, new.role, new.is_pending) == ("a@exemple.fr", MemberRole.RESPONSABLE, True)
    assert len(mail.outbox) == 1
    assert new.token in mail.outbox[0].body


def test_my_structures_lists_manageable_structures_with_counts(client, coordinator, eager_tasks):
    first = StructureFactory(bassin=coordinator.bassin, title="A — Médiathèque")
    StructureFactory(bassin=coordinator.bassin, title="B — EPN")
    StructureFactory(title="Ailleurs")
    domain.add_member(structure=first, user=UserFactory())
    domain.add_member(structure=first, user=UserFactory(), role=MemberRole.BENEVOLE)
    domain.invite_member(structure=first, email="c@exemple.fr", invited_by=coordinator)
    client.force_login(coordinator)

    response = client.get(reverse("network_admin:structures"))

    rows = [
        (s.title, s.bassin_title, s.member_count, s.pending_count) for s in response.context["structures"]
    ]
    assert rows == [
        ("A — Médiathèque", coordinator.bassin.title, 2, 1),
        ("B — EPN", coordinator.bassin.title, 0, 0),
    ]


def test_my_structures_for_editor_lists_own_structure_counting_all_members(client, editor):
    domain.add_member(structure=editor.structure, user=UserFactory())
    client.force_login(editor)

    response = client.get(reverse("network_admin:structures"))

    assert [(s.pk, s.member_count) for s in response.context["structures"]] == [(editor.structure.pk, 2)]


def test_my_structures_query_count_does_not_grow_with_structures(client, coordinator):
    client.force_login(coordinator)
    url = reverse("network_admin:structures")

    def queries_for_listing(structure_count):
        for _index in range(structure_count):
            structure = StructureFactory(bassin=coordinator.bassin)
            domain.add_member(structure=structure, user=UserFactory())
        client.get(url)  # warm per-process caches (content types, site root paths)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), len(response.context["structures"])

    small = queries_for_listing(2)
    large = queries_for_listing(10)

    assert (small[1], large[1]) == (2, 12)
    assert small[0] == large[0]


def test_menu_shows_my_structures_to_editor(client, editor):
    client.force_login(editor)

    response = client.get(ADMIN_HOME)

    assert reverse("network_admin:structures") in response.content.decode()


def test_menu_hides_my_structures_from_superuser_without_structures(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get(ADMIN_HOME)

    assert reverse("network_admin:structures") not in response.content.decode()


def test_edit_page_header_has_members_button_for_manager(client, editor):
    client.force_login(editor)

    response = client.get(edit_url(editor.structure))

    assert members_url(editor.structure) in response.content.decode()


def test_explorer_listing_has_members_button_for_coordinator(client, coordinator):
    inside = StructureFactory(bassin=coordinator.bassin)
    client.force_login(coordinator)

    response = client.get(reverse("wagtailadmin_explore", args=[coordinator.bassin.pk]))

    assert members_url(inside) in response.content.decode()


ADMIN_HOME = "/admin/"


# Members in every role, requests to join, internal fields ------------------------------------------------


def test_invite_form_offers_every_role(client, editor):
    client.force_login(editor)

    response = client.get(members_url(editor.structure))

    options = BeautifulSoup(response.content, "html.parser").select("select[name=role] option")
    assert [option["value"] for option in options] == [
        MemberRole.EDITOR,
        MemberRole.RESPONSABLE,
        MemberRole.MEDIATEUR,
        MemberRole.BENEVOLE,
        MemberRole.SERVICE_CIVIQUE,
    ]


def test_invited_volunteer_joins_with_proposing_rights_and_enters_pro_area(
    client, editor, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(members_url(editor.structure), {"email": "civique@exemple.fr", "role": "service_civique"})
    invitation = Invitation.objects.get()
    volunteer = UserFactory(email="civique@exemple.fr")
    client.force_login(volunteer)

    accepted = client.post(reverse("network:accept_invitation", kwargs={"token": invitation.token}))

    assert Membership.objects.get(user=volunteer).role == MemberRole.SERVICE_CIVIQUE
    assert accepted["Location"] == reverse("pro:home")
    assert client.get(reverse("pro:home")).status_code == 200
    # A volunteer opens the page editor to propose changes, never to publish them (see test_volunteers.py).
    assert client.get(edit_url(editor.structure)).status_code == 200
    assert editor.structure.permissions_for_user(volunteer).can_publish() is False
    assert "espace professionnel" in mail.outbox[0].body


@pytest.fixture
def join_request(editor):
    asker = UserFactory(first_name="Noé", last_name="Petit", email="noe@exemple.fr")
    return domain.request_membership(
        user=asker, structure=editor.structure, role=MemberRole.MEDIATEUR, message="Je suis là le jeudi."
    )


def request_action_url(request, action) -> str:
    return reverse(
        f"network_admin:{action}_request",
        kwargs={"structure_id": request.structure_id, "request_id": request.pk},
    )


def test_members_view_lists_pending_requests(client, editor, join_request):
    client.force_login(editor)

    response = client.get(members_url(editor.structure))

    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())
    assert response.context["requests"] == [join_request]
    assert "Demandes pour rejoindre la structure" in text
    assert "Je suis là le jeudi." in text


def test_admin_accept_request_makes_member(client, editor, join_request):
    client.force_login(editor)

    response = client.post(request_action_url(join_request, "accept"))

    assert (response.status_code, response["Location"]) == (302, members_url(editor.structure))
    assert message_texts(response) == [f"Noé Petit fait maintenant partie de « {editor.structure.title} »."]
    assert Membership.objects.get(user=join_request.user).role == MemberRole.MEDIATEUR


def test_admin_refuse_request_records_refusal(client, editor, join_request):
    client.force_login(editor)

    client.post(request_action_url(join_request, "refuse"), {"reason": "Inconnu·e de l'équipe."})

    join_request.refresh_from_db()
    assert (join_request.status, join_request.reason) == ("refusee", "Inconnu·e de l'équipe.")


def test_admin_accept_request_of_other_structure_gets_403(client, join_request):
    other_editor = UserFactory()
    domain.add_member(structure=StructureFactory(), user=other_editor)
    client.force_login(other_editor)

    response = client.post(request_action_url(join_request, "accept"))

    assert response.status_code == 403
    assert Membership.objects.filter(user=join_request.user).count() == 0


def test_admin_request_action_get_is_not_allowed(client, editor, join_request):
    client.force_login(editor)

    assert client.get(request_action_url(join_request, "accept")).status_code == 405


def test_edit_form_has_internal_tab_and_editor_saves_internal_fields(client, editor):
    client.force_login(editor)
    html = client.get(edit_url(editor.structure)).content.decode()

    response = publish_edit(
        client,
        editor.structure,
        referral_contact="Appeler Sophie au 02 48 00 00 00, le matin.",
        intake_capacity="Deux rendez-vous CAF par semaine.",
    )

    saved = StructurePage.objects.get(pk=editor.structure.pk)
    assert "Réseau (interne)" in html
    assert 'name="referral_contact"' in html and 'name="intake_capacity"' in html
    assert response.status_code == 302
    assert (saved.referral_contact, saved.intake_capacity) == (
        "Appeler Sophie au 02 48 00 00 00, le matin.",
        "Deux rendez-vous CAF par semaine.",
    )
