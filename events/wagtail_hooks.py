"""Wagtail admin wiring of the events app: the "Ateliers" section and its structure-based rights.

The permission policy is registered here, before the viewset, so that the viewset, its menu item and every
generic view use it (see `events.permissions`).
"""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Atelier
from .permissions import AtelierPermissionPolicy
from .viewsets import atelier_viewset

register_permission_policy(Atelier, AtelierPermissionPolicy(Atelier))


@hooks.register("register_admin_viewset")
def register_atelier_viewset():
    return atelier_viewset
