"""Wagtail admin wiring of the programmes.

Cycles themselves are pages (created under the home page, in the page explorer). Contributions are proposed
and reviewed in the professional area (/pro/programmes/), where structures and coordinators already work; the
admin menu links there. Their e-mails are in the outbox's « Courriels » screen (`outbox`).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from network.permissions import manageable_structures


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
