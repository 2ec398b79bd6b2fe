"""Who may follow instances: the site's administrators (superusers) only.

Following an instance brings its content into this site's map, directory and agenda: a regional decision,
not a structure's or a bassin's. No Django model permission is involved, so nothing is offered in the group
editor.
"""

from wagtail.permission_policies.base import ModelPermissionPolicy

ACTIONS = frozenset({"add", "change", "delete", "view"})


class PeerPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser and action in ACTIONS

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


def is_mirrored(page) -> bool:
    """A page copied from another instance (`origin` set): read-only here, for everyone."""
    return bool(getattr(page.specific_deferred, "origin", ""))
