"""Wagtail admin wiring of synchronised calendars: the « Calendriers synchronisés » section, its
structure-based rights, and the « Détacher du calendrier » button on the edit page of an imported atelier.

The permission policy is registered here, before the viewset, so that the viewset, its menu item and every
generic view use it (see `calendars.permissions`). The button comes through the ateliers' own extension point
(`register_atelier_header_buttons`, see `events.admin_views`): the ateliers' views stay untouched.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import register_permission_policy

from .domain import is_detachable
from .models import Feed
from .permissions import FeedPermissionPolicy
from .viewsets import feed_viewset

register_permission_policy(Feed, FeedPermissionPolicy(Feed))


@hooks.register("register_admin_viewset")
def register_feed_viewset():
    return feed_viewset


@hooks.register("register_atelier_header_buttons")
def detach_button(atelier, user):
    """Offered while a calendar keeps the atelier up to date (which makes it read-only here)."""
    if not is_detachable(atelier):
        return []
    return [
        HeaderButton(
            _("Détacher du calendrier"),
            url=reverse(feed_viewset.get_url_name("detach"), args=[atelier.pk]),
            icon_name="cut",
            priority=50,
        )
    ]
