"""Admin wiring of federation: the « Instances suivies » section, and mirrored pages kept read-only.

A bassin or structure copied from another instance is edited at its source only: the next sync would undo
any local change. Structures' editors and coordinators never get rights on it (`network.permissions`); these
hooks also stop administrators, whose page rights are otherwise unlimited, and keep anyone from adding a
page under a mirrored one.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from .models import Peer
from .permissions import PeerPermissionPolicy, is_mirrored
from .viewsets import peer_viewset

register_permission_policy(Peer, PeerPermissionPolicy(Peer))


@hooks.register("register_admin_viewset")
def register_peer_viewset():
    return peer_viewset


def _refuse(request, page):
    messages.error(
        request,
        _(
            "« %(title)s » vient d'une autre instance Maillage (%(origin)s) : elle se modifie là-bas, "
            "et la copie ici suit automatiquement."
        )
        % {"title": page.title, "origin": page.specific_deferred.origin},
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)


@hooks.register("before_edit_page")
def refuse_editing_mirrored_page(request, page):
    if is_mirrored(page):
        return _refuse(request, page)


@hooks.register("before_delete_page")
def refuse_deleting_mirrored_page(request, page):
    if is_mirrored(page):
        return _refuse(request, page)


@hooks.register("before_unpublish_page")
def refuse_unpublishing_mirrored_page(request, page):
    if is_mirrored(page):
        return _refuse(request, page)


@hooks.register("before_move_page")
def refuse_moving_mirrored_page(request, page, destination):
    if is_mirrored(page):
        return _refuse(request, page)


@hooks.register("before_copy_page")
def refuse_copying_mirrored_page(request, page):
    if is_mirrored(page):
        return _refuse(request, page)


@hooks.register("before_create_page")
def refuse_children_of_mirrored_page(request, parent_page, page_class):
    if is_mirrored(parent_page):
        return _refuse(request, parent_page)


@hooks.register("before_bulk_action")
def refuse_bulk_actions_on_mirrored_pages(request, action_type, objects, action_class_instance):
    for page in objects:
        if isinstance(page, Page) and is_mirrored(page):
            return _refuse(request, page)
