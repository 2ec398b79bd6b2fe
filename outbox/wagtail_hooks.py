"""The « Courriels » screen: every e-mail Maillage sent or will send, for the site's administrators.

Read-only (a list with filters, a detail page), plus « Renvoyer » on a failed e-mail. Rows come from the
workflows only; see `outbox.permissions` for who sees them.
"""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import register_permission_policy

from .models import Message
from .permissions import OutboxPermissionPolicy
from .views import ResendView

register_permission_policy(Message, OutboxPermissionPolicy(Message))

NAME = "outbox"


def resend_url(message: Message) -> str:
    return reverse(f"{NAME}:resend", args=[message.pk])


class MessageIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.can_resend:
            buttons.append(MenuItem(_("Renvoyer"), url=resend_url(instance), icon_name="repeat", priority=15))
        return buttons


class MessageInspectView(InspectView):
    @cached_property
    def header_buttons(self):
        if not self.object.can_resend:
            return []
        return [HeaderButton(_("Renvoyer"), url=resend_url(self.object), icon_name="repeat")]


class MessageViewSet(ModelViewSet):
    """The outbox: what was sent, what waits for a retry, what failed for good."""

    model = Message
    icon = "mail"
    menu_label = _("Courriels")
    menu_order = 920
    add_to_settings_menu = True
    index_view_class = MessageIndexView
    inspect_view_class = MessageInspectView
    inspect_view_enabled = True
    list_display = ["subject", "email", "reason", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "reason"]
    search_fields = ["subject", "email", "key"]
    form_fields = ["status"]  # never offered: the policy grants no "change"
    inspect_view_fields = [
        "subject",
        "email",
        "user",
        "reason",
        "topic",
        "key",
        "status",
        "attempts",
        "max_attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "expires_at",
        "sent_at",
        "body_text",
    ]

    def get_urlpatterns(self):
        resend = ResendView.as_view(
            index_url_name=self.get_url_name("index"), inspect_url_name=self.get_url_name("inspect")
        )
        return [*super().get_urlpatterns(), path("resend/<int:pk>/", resend, name="resend")]


message_viewset = MessageViewSet(NAME)


@hooks.register("register_admin_viewset")
def register_message_viewset():
    return message_viewset
