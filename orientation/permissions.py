"""Who edits the lexicon of needs: administrators (superusers) and bassin coordinators, nobody else.

The lexicon is the territory's shared vocabulary: coordinators hear the words of the public at their desks
and keep it up to date; a structure's editors and volunteers do not change what every search reads. No
Django permission widens this (the group editor has nothing to give), like `CoordinationPermissionPolicy`.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from network.models import Coordination

ACTIONS = frozenset({"add", "change", "delete", "view"})


def can_edit_lexicon(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or Coordination.objects.filter(user=user).exists()


class NeedPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action in ACTIONS and can_edit_lexicon(user)

    def user_has_any_permission(self, user, actions):
        return bool(ACTIONS & set(actions)) and can_edit_lexicon(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not ACTIONS & set(actions):
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(coordinations__isnull=False)).distinct()
