"""`network.export.user_data`: what the network holds about a person, for their data download."""

import json

from network import domain
from network.enums import MemberRole
from network.export import user_data
from network.models import MemberProfile
from tests.factories import StructureFactory, UserFactory


def test_user_data_of_person_without_anything(db):
    assert user_data(UserFactory()) == {
        "profile": None,
        "memberships": [],
        "coordinations": [],
        "membership_requests": [],
        "invitations_sent": [],
        "invitations_accepted": [],
    }


def test_user_data_has_profile_memberships_requests_and_invitations(db):
    structure = StructureFactory(title="EPN de Vierzon", slug="epn-vierzon")
    other = StructureFactory(title="MELI", slug="meli")
    person = UserFactory(email="lou@exemple.fr")
    MemberProfile.objects.create(user=person, job_title="Médiatrice", visibility="reseau")
    domain.add_member(structure=structure, user=person, role=MemberRole.RESPONSABLE)
    domain.add_coordinator(bassin=structure.get_parent().specific, user=person)
    editor = UserFactory()
    domain.add_member(structure=other, user=editor)
    request = domain.request_membership(
        user=person, structure=other, role=MemberRole.BENEVOLE, message="Bonjour"
    )
    domain.refuse_request(request=request, by=editor, reason="Complet")
    domain.invite_member(
        structure=structure, email="ami@exemple.fr", invited_by=person, role=MemberRole.MEDIATEUR
    )
    invitation = domain.invite_member(structure=other, email="lou@exemple.fr", invited_by=editor)
    domain.accept_invitation(invitation=invitation, user=person)

    data = user_data(person)

    json.dumps(data)  # ready for the download as it is
    assert (data["profile"]["job_title"], data["profile"]["visibility"]) == (
        "Médiatrice",
        "Tout le réseau (toute la région)",
    )
    assert [(m["structure"]["slug"], m["role"]) for m in data["memberships"]] == [
        ("epn-vierzon", "Responsable"),
        ("meli", "Éditeur·rice de la fiche"),
    ]
    assert [c["bassin"] for c in data["coordinations"]] == [structure.get_parent().title]
    assert [
        (r["structure"]["slug"], r["status"], r["message"], r["reason"]) for r in data["membership_requests"]
    ] == [("meli", "Refusée", "Bonjour", "Complet")]
    assert [(i["email"], i["role"]) for i in data["invitations_sent"]] == [
        ("ami@exemple.fr", "Médiateur·rice")
    ]
    assert [i["structure"]["slug"] for i in data["invitations_accepted"]] == ["meli"]
    assert "token" not in json.dumps(data)
