"""Volunteers (bénévoles, service civique): they edit a structure's page but only submit it to the
structure's moderation workflow, which the structure's editors approve (`network.permissions`)."""

import pytest
from django.urls import reverse
from wagtail.models import TaskState, Workflow, WorkflowPage

from network import domain
from network.enums import MemberRole
from network.models import BassinPage, StructureApprovalTask, StructurePage
from outbox.models import Message, MessageStatus
from tests.factories import StructureFactory, UserFactory
from tests.network.admin_forms import edit_url, form_values


@pytest.fixture
def volunteer(editor):
    user = UserFactory()
    domain.add_member(structure=editor.structure, user=user, role=MemberRole.SERVICE_CIVIQUE)
    user.structure = editor.structure
    return user


def _post_edit(client, page, action, **changes):
    data = form_values(client.get(edit_url(page)).content.decode())
    data.update({name: [value] for name, value in changes.items()})
    data[action] = [action]
    return client.post(edit_url(page), data)


def test_volunteer_joins_the_structures_volunteers_group(volunteer):
    structure = StructurePage.objects.get(pk=volunteer.structure.pk)

    assert list(volunteer.groups.values_list("name", flat=True)) == [
        f"Bénévoles (service civique) · {structure.title} ({structure.slug})"
    ]
    assert structure.volunteers_group.name.startswith("Bénévoles (service civique)")


def test_volunteer_may_edit_but_not_publish(volunteer):
    permissions = volunteer.structure.permissions_for_user(volunteer)

    assert (permissions.can_edit(), permissions.can_publish(), permissions.can_submit_for_moderation()) == (
        True,
        False,
        True,
    )


def test_structures_share_one_review_workflow_with_one_structure_task(editor):
    other = StructureFactory()
    workflows = {WorkflowPage.objects.get(page=page).workflow for page in (editor.structure, other)}

    (workflow,) = workflows
    assert [task.specific_class for task in workflow.tasks] == [StructureApprovalTask]


def test_granting_again_keeps_one_workflow(editor):
    from network.permissions import grant_structure_permissions

    grant_structure_permissions(editor.structure)

    assert (
        WorkflowPage.objects.filter(page=editor.structure).count(),
        Workflow.objects.filter(name="Relecture des propositions des bénévoles").count(),
    ) == (1, 1)


def test_volunteer_publish_attempt_publishes_nothing(client, volunteer):
    client.force_login(volunteer)

    _post_edit(client, volunteer.structure, "action-publish", title="Titre du bénévole")

    assert StructurePage.objects.get(pk=volunteer.structure.pk).title != "Titre du bénévole"


def test_moderation_panel_lists_proposal_for_own_editor_only(client, volunteer, editor):
    client.force_login(volunteer)
    _post_edit(client, volunteer.structure, "action-submit", title="Titre proposé")
    stranger = UserFactory()
    domain.add_member(structure=StructureFactory(), user=stranger, role=MemberRole.EDITOR)
    task = StructureApprovalTask.objects.get()

    assert (
        task.get_task_states_user_can_moderate(editor).count(),
        task.get_task_states_user_can_moderate(stranger).count(),
    ) == (1, 0)


def test_volunteer_submits_and_editor_approves(client, volunteer, editor):
    client.force_login(volunteer)
    _post_edit(client, volunteer.structure, "action-submit", title="Titre proposé")
    structure = StructurePage.objects.get(pk=volunteer.structure.pk)
    task_state = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS)

    live_title_before = structure.title
    client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[structure.pk, "approve", task_state.pk])
    )

    assert live_title_before != "Titre proposé"
    assert response.status_code == 302
    assert StructurePage.objects.get(pk=structure.pk).title == "Titre proposé"


def test_editor_of_another_structure_cannot_approve(client, volunteer):
    client.force_login(volunteer)
    _post_edit(client, volunteer.structure, "action-submit", title="Titre proposé")
    task_state = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS)
    stranger = UserFactory()
    domain.add_member(structure=StructureFactory(), user=stranger, role=MemberRole.EDITOR)

    client.force_login(stranger)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[volunteer.structure.pk, "approve", task_state.pk])
    )

    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's « permission denied »
    assert StructurePage.objects.get(pk=volunteer.structure.pk).title != "Titre proposé"
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS


def test_grant_rights_command_gives_existing_structures_their_volunteers_group(editor):
    from io import StringIO

    from django.core.management import call_command

    StructurePage.objects.filter(pk=editor.structure.pk).update(volunteers_group=None)
    WorkflowPage.objects.filter(page=editor.structure).delete()

    output = StringIO()
    call_command("grant_rights", stdout=output)

    structure = StructurePage.objects.get(pk=editor.structure.pk)
    assert (
        structure.volunteers_group.name
        == f"Bénévoles (service civique) · {structure.title} ({structure.slug})"
    )
    assert WorkflowPage.objects.filter(page=structure).count() == 1
    assert output.getvalue() == f"Bassins à jour : {BassinPage.objects.count()}. Structures à jour : 1.\n"


def test_proposal_is_e_mailed_to_the_structures_editors_then_taken_back_once_decided(
    client, volunteer, editor
):
    """Nothing is published until an editor approves: they hear of the proposal by e-mail, not by chance."""
    client.force_login(volunteer)
    _post_edit(client, volunteer.structure, "action-submit", title="Titre proposé")
    task_state = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS)

    [message] = Message.objects.filter(reason="structure_proposal")
    assert message.email == editor.email
    assert message.subject == (
        f"Une modification de la fiche « {volunteer.structure.title} » attend votre validation"
    )
    assert reverse("wagtailadmin_pages:edit", args=[volunteer.structure.pk]) in message.body_text
    assert volunteer.email not in [row.email for row in Message.objects.all()]

    client.force_login(editor)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[volunteer.structure.pk, "approve", task_state.pk])
    )

    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
