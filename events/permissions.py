"""Who may edit which atelier: rights follow the owning structure, never Django's model permissions.

A structure's editors manage its ateliers, a bassin's coordinators those of every structure of the bassin,
superusers all of them (`network.permissions.can_manage_structure`). Nobody holds `events.*_atelier`
permissions, so `AtelierPermissionPolicy` grants the model-level actions (menu item, "add" button) to anyone
who manages at least one structure, and checks every instance against its structure. Views also scope their
querysets with `manageable_ateliers`, so that another structure's atelier is simply not found (404).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import ModelPermissionPolicy

from network.enums import EDITING_ROLES
from network.permissions import can_manage_structure, manageable_structures

from .models import Atelier

ACTIONS = frozenset({"add", "change", "delete", "view"})


def manageable_structure_ids(user) -> frozenset[int]:
    """Ids of the structures whose ateliers the user manages, computed once per request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, "_maillage_atelier_structure_ids"):
        ids = manageable_structures(user).values_list("pk", flat=True)
        user._maillage_atelier_structure_ids = frozenset(ids)
    return user._maillage_atelier_structure_ids


def manageable_ateliers(user):
    """The ateliers the user may see and change in the admin."""
    if not user.is_authenticated or not user.is_active:
        return Atelier.objects.none()
    if user.is_superuser:
        return Atelier.objects.filter(origin="")
    return Atelier.objects.filter(origin="", structure_id__in=manageable_structure_ids(user))


def can_manage_atelier(user, atelier: Atelier) -> bool:
    """Mirrored ateliers (federation) sit on mirrored structures only, which nobody manages here."""
    return user.is_active and can_manage_structure(user, atelier.structure)


class AtelierPermissionPolicy(ModelPermissionPolicy):
    """Structure-based rights on `Atelier` for Wagtail's generic views and menu."""

    def user_has_permission(self, user, action):
        if action not in ACTIONS or not user.is_authenticated or not user.is_active:
            return False
        return user.is_superuser or bool(manageable_structure_ids(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in ACTIONS and can_manage_atelier(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return bool(ACTIONS & set(actions)) and can_manage_atelier(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not ACTIONS & set(actions):
            return Atelier.objects.none()
        return manageable_ateliers(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not ACTIONS & set(actions):
            return users.none()
        return users.filter(
            Q(is_superuser=True) | Q(memberships__role__in=EDITING_ROLES) | Q(coordinations__isnull=False)
        ).distinct()

    def users_with_any_permission_for_instance(self, actions, instance):
        return get_user_model().objects.filter(
            pk__in=[
                user.pk
                for user in self.users_with_any_permission(actions)
                if can_manage_structure(user, instance.structure)
            ]
        )
