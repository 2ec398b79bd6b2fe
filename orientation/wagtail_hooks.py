"""Wagtail admin wiring: « Lexique des besoins » (menu), for administrators and coordinators."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from .models import Need
from .permissions import NeedPermissionPolicy

register_permission_policy(Need, NeedPermissionPolicy(Need))


class NeedViewSet(ModelViewSet):
    """The needs people search for, with their words: edited here, read by every search at once."""

    model = Need
    icon = "help"
    menu_label = _("Lexique des besoins")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["label", "keywords"]
    search_backend_name = None
    list_display = ["label", "slug", "show_in_guide", "sort_order"]
    list_filter = ["show_in_guide"]
    list_per_page = 50

    def get_permissions_to_register(self):
        # Nothing to hand out in the group editor: the policy decides (`orientation.permissions`).
        return super().get_permissions_to_register().none()


need_viewset = NeedViewSet("lexique")


@hooks.register("register_admin_viewset")
def register_need_viewset():
    return need_viewset
