"""Wagtail admin wiring of the network app.

- A structure or bassin created in the admin gets its group, collection and rights exactly as
  `domain.create_structure` gives them (through `network.permissions`, the one place that grants); copying
  one is refused, since the copy would share the original's group.
- "Mes structures" (menu) and "Membres" (page header and listing buttons) lead to the members screens.
- Superusers name bassin coordinators through a viewset that goes through `network.domain`.
"""

from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.permissions import register_permission_policy

from . import admin_views
from .freshness import CONFIRM_LOG_ACTION
from .models import BassinPage, Coordination, StructurePage
from .permissions import (
    CoordinationPermissionPolicy,
    ensure_structure_collection,
    grant_bassin_permissions,
    grant_structure_permissions,
    manageable_structures,
)

register_permission_policy(Coordination, CoordinationPermissionPolicy(Coordination))


@hooks.register("after_create_page")
def grant_rights_to_new_page(request, page):
    if isinstance(page, StructurePage):
        grant_structure_permissions(page)
    elif isinstance(page, BassinPage):
        grant_bassin_permissions(page)


@hooks.register("before_edit_page")
def give_imported_structure_its_collection(request, page):
    """An imported structure gets its image collection when first edited (`ensure_structure_collection`),
    so that the photos chosen or uploaded in its form go to a collection of its own."""
    if isinstance(page, StructurePage) and not page.origin:  # a mirrored copy is refused by federation
        ensure_structure_collection(page)


@hooks.register("before_copy_page")
def refuse_copying_network_pages(request, page):
    """A copy (or alias) would share the original's editors group and collection, and skip the slug check."""
    if page.specific_class in (StructurePage, BassinPage):
        messages.error(
            request,
            _(
                "Une structure ou un bassin ne se copie pas : ajoutez plutôt une nouvelle page, "
                "elle recevra ses propres droits et sa propre médiathèque d'images."
            ),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)


def _manageable_structure_ids(user) -> frozenset[int]:
    """Ids of the structures the user manages, computed once per request (listings ask for every row)."""
    if not hasattr(user, "_maillage_manageable_ids"):
        ids = manageable_structures(user).values_list("pk", flat=True) if user.is_authenticated else []
        user._maillage_manageable_ids = frozenset(ids)
    return user._maillage_manageable_ids


class MembersButton(PageMenuItem):
    label = _("Membres")
    icon_name = "group"

    @property
    def url(self):
        return reverse("network_admin:members", kwargs={"structure_id": self.page.pk})

    def is_shown(self, user):
        return self.page.specific_class is StructurePage and self.page.pk in _manageable_structure_ids(user)


@hooks.register("register_page_header_buttons")
def members_header_button(page, user, view_name, next_url=None):
    yield MembersButton(page=page, priority=12)


@hooks.register("register_page_listing_more_buttons")
def members_listing_button(page, user, next_url=None):
    yield MembersButton(page=page, priority=3)


class MyStructuresMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(_manageable_structure_ids(request.user))


@hooks.register("register_admin_menu_item")
def register_my_structures_menu_item():
    return MyStructuresMenuItem(
        _("Mes structures"),
        reverse("network_admin:structures"),
        name="mes-structures",
        icon_name="group",
        order=150,
    )


@hooks.register("register_log_actions")
def register_freshness_log_action(actions):
    actions.register_action(CONFIRM_LOG_ACTION, _("Confirmée à jour"), _("Fiche confirmée à jour"))


@hooks.register("register_admin_urls")
def register_network_admin_urls():
    urls = [
        path("", admin_views.MyStructuresView.as_view(), name="structures"),
        path("adresses/", admin_views.AddressLookupView.as_view(), name="address_lookup"),
        path(
            "<int:structure_id>/toujours-a-jour/",
            admin_views.ConfirmUpToDateView.as_view(),
            name="confirm_up_to_date",
        ),
        path("<int:structure_id>/membres/", admin_views.MembersView.as_view(), name="members"),
        path(
            "<int:structure_id>/membres/<int:membership_id>/retirer/",
            admin_views.RemoveMemberView.as_view(),
            name="remove_member",
        ),
        path(
            "<int:structure_id>/invitations/<int:invitation_id>/annuler/",
            admin_views.RevokeInvitationView.as_view(),
            name="revoke_invitation",
        ),
        path(
            "<int:structure_id>/invitations/<int:invitation_id>/renvoyer/",
            admin_views.ResendInvitationView.as_view(),
            name="resend_invitation",
        ),
        path(
            "<int:structure_id>/demandes/<int:request_id>/accepter/",
            admin_views.AcceptRequestView.as_view(),
            name="accept_request",
        ),
        path(
            "<int:structure_id>/demandes/<int:request_id>/refuser/",
            admin_views.RefuseRequestView.as_view(),
            name="refuse_request",
        ),
    ]
    return [path("structures/", include((urls, "network_admin"), namespace="network_admin"))]


@hooks.register("register_admin_viewset")
def register_coordination_viewset():
    return admin_views.coordination_viewset
