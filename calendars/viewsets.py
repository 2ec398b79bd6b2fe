"""The "Calendriers synchronisés" admin section: its URLs, its menu item, and the "Détacher" button.

Rights follow structures, as for ateliers: the menu item shows to people who manage at least one structure,
and every view scopes feeds with `manageable_feeds` (see `calendars.admin_views`). No Django model permission
is involved, so nothing is offered in the group editor.
"""

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import HeaderButton

from . import admin_views as views


class FeedMenuItem(MenuItem):
    def is_shown(self, request):
        return views.user_manages_any_structure(request.user)


class FeedViewSet(ViewSet):
    name = views.NAMESPACE
    icon = "calendar-alt"
    menu_label = gettext_lazy("Calendriers synchronisés")
    menu_order = 161  # right after "Ateliers"
    add_to_admin_menu = True
    menu_item_class = FeedMenuItem

    def get_urlpatterns(self):
        return [
            path("", views.FeedIndexView.as_view(), name="index"),
            path("ajouter/", views.FeedCreateView.as_view(), name="add"),
            path("<int:pk>/", views.FeedDetailView.as_view(), name="detail"),
            path("<int:pk>/modifier/", views.FeedEditView.as_view(), name="edit"),
            path("<int:pk>/apercu/", views.FeedPreviewView.as_view(), name="preview"),
            path("<int:pk>/activer/", views.FeedActivateView.as_view(), name="activate"),
            path("<int:pk>/desactiver/", views.FeedDeactivateView.as_view(), name="deactivate"),
            path("<int:pk>/synchroniser/", views.FeedSyncNowView.as_view(), name="sync"),
            path("<int:pk>/supprimer/", views.FeedDeleteView.as_view(), name="delete"),
            path("ateliers/<int:pk>/detacher/", views.DetachAtelierView.as_view(), name="detach"),
        ]


feed_viewset = FeedViewSet()


class DetachButtonMixin:
    """Adds « Détacher du calendrier » to the edit page of an atelier still kept up to date by a calendar."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if views.is_detachable(self.object):
            buttons.append(
                HeaderButton(
                    _("Détacher du calendrier"),
                    url=views.feeds_url("detach", self.object.pk),
                    icon_name="cut",
                    priority=50,
                )
            )
        return buttons


def with_detach_button(view_class):
    """The ateliers' edit view, whatever it is, with the button (the ateliers viewset stays untouched)."""
    if issubclass(view_class, DetachButtonMixin):
        return view_class
    return type(view_class.__name__, (DetachButtonMixin, view_class), {})
