"""The moderation task of the structures' pages: volunteers submit, the structure's own people approve."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from .structure import StructurePage


def _structure_ids(user) -> frozenset[int]:
    if not hasattr(user, "_maillage_review_structure_ids"):
        user._maillage_review_structure_ids = frozenset(
            StructurePage.objects.managed_by(user).values_list("pk", flat=True)
        )
    return user._maillage_review_structure_ids


class StructureApprovalTask(Task):
    """Approved by those who may publish the structure's page: its editors, its bassin's coordinators and
    superusers (`network.permissions.manageable_structures`).

    Wagtail's `GroupApprovalTask` lets any member of its groups approve any page it moderates: one task for
    every structure would let one structure's editors publish another's, and one task per structure would
    cost the dashboard a query per structure of the territory. This task asks the page's own rights instead,
    in one query per request.
    """

    def _may_approve(self, obj, user) -> bool:
        return user.is_active and (user.is_superuser or obj.pk in _structure_ids(user))

    def user_can_access_editor(self, obj, user):
        return self._may_approve(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_approve(obj, user)

    def user_can_lock(self, obj, user):
        return self._may_approve(obj, user)

    def get_actions(self, obj, user):
        if not self._may_approve(obj, user):
            return []
        return [
            ("reject", _("Demander des modifications"), True),
            ("approve", _("Publier"), False),
            ("approve", _("Publier avec un commentaire"), True),
        ]

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        return states.filter(workflow_state__object_id__in=[str(pk) for pk in _structure_ids(user)])

    @classmethod
    def get_description(cls):
        return _("Les éditeurs de la structure et les coordinateurs de son bassin valident la proposition.")

    class Meta:
        verbose_name = _("validation par la structure")
        verbose_name_plural = _("validations par la structure")
