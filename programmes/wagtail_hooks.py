"""Wagtail admin wiring of the programmes.

Cycles themselves are pages (created under the home page, in the page explorer). Contributions are proposed
and reviewed in the professional area (/pro/programmes/), where structures and coordinators already work; the
admin menu links there. Administrators get a read-only view of the e-mail outbox, to see what failed.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from network.permissions import manageable_structures

from .models import Notification


class ProgrammesMenuItem(MenuItem):
    """Shown to the people who take part in cycles: structure editors, coordinators, administrators."""

    def is_shown(self, request):
        user = request.user
        return user.is_superuser or manageable_structures(user).exists()


@hooks.register("register_admin_menu_item")
def register_programmes_menu_item():
    return ProgrammesMenuItem(
        _("Cycles : contributions"), reverse("programmes:cycles"), icon_name="date", order=170
    )


class OutboxPermissionPolicy(ModelPermissionPolicy):
    """Superusers only; nobody writes an e-mail here (rows come from the workflows), a failed one may be
    set back to "À envoyer" to be retried."""

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser and action in {"view", "change"}

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


class NotificationViewSet(ModelViewSet):
    """The outbox: what was sent, what waits for a retry, what failed for good."""

    model = Notification
    icon = "mail"
    menu_label = _("E-mails des cycles")
    menu_order = 920
    add_to_settings_menu = True
    inspect_view_enabled = True
    list_display = ["subject", "email", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "reason"]
    search_fields = ["subject", "email"]
    form_fields = ["status"]


register_permission_policy(Notification, OutboxPermissionPolicy(Notification))


notification_viewset = NotificationViewSet("programme_notifications")


@hooks.register("register_admin_viewset")
def register_notification_viewset():
    return notification_viewset
