"""Who may see the outbox: the site's administrators (superusers) only.

E-mails hold invitation links and personal messages: structure editors and coordinators never see them
here, each sees their own e-mails in their mailbox. Nobody writes or deletes a row by hand (rows come from
the workflows); an administrator may send a failed one again (« Renvoyer »), nothing else.
"""

from wagtail.permission_policies.base import ModelPermissionPolicy

ACTIONS = frozenset({"view", "resend"})


class OutboxPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser and action in ACTIONS

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)
