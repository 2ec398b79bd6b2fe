"""The « Calendriers synchronisés » admin section: a `ModelViewSet` of `Feed`, scoped to the user's
structures.

Rights follow structures, as for ateliers: `calendars.permissions.FeedPermissionPolicy` (registered in
`calendars.wagtail_hooks`) shows the menu item and the generic views to people who manage at least one
structure, and every view reads feeds through `manageable_feeds`. No Django model permission is involved, so
nothing is offered in the group editor. The calendar's own steps (preview, activate, deactivate, sync now,
detach an atelier) live under the same URL prefix and namespace, so every link is built from the viewset.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from . import views
from .forms import FeedForm
from .models import Feed


class FeedViewSet(ModelViewSet):
    """Calendars of the user's structures: list, add then preview, edit, delete, and the calendar's page."""

    model = Feed
    icon = "calendar-alt"
    menu_label = _("Calendriers synchronisés")
    menu_order = 161  # right after « Ateliers » (160)
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50

    index_view_class = views.FeedIndexView
    add_view_class = views.FeedCreateView
    edit_view_class = views.FeedEditView
    delete_view_class = views.FeedDeleteView
    history_view_class = views.FeedHistoryView
    usage_view_class = views.FeedUsageView
    inspect_view_class = views.FeedInspectView

    index_template_name = "calendars/feed/index.html"
    create_template_name = "calendars/feed/create.html"
    delete_template_name = "calendars/feed/delete.html"
    inspect_template_name = "calendars/feed/inspect.html"

    def get_form_class(self, for_update=False):
        return FeedForm

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(viewset=self, **kwargs)

    def get_permissions_to_register(self):
        # Rights follow structures (see `calendars.permissions`): nothing to hand out in the group editor.
        return super().get_permissions_to_register().none()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/apercu/", views.FeedPreviewView.as_view(viewset=self), name="preview"),
            path(
                "<int:pk>/apercu/etat/",
                views.FeedPreviewStateView.as_view(viewset=self),
                name="preview_state",
            ),
            path("<int:pk>/activer/", views.FeedActivateView.as_view(viewset=self), name="activate"),
            path("<int:pk>/desactiver/", views.FeedDeactivateView.as_view(viewset=self), name="deactivate"),
            path("<int:pk>/synchroniser/", views.FeedSyncView.as_view(viewset=self), name="sync"),
            path("ateliers/<int:pk>/detacher/", views.DetachAtelierView.as_view(viewset=self), name="detach"),
        ]


feed_viewset = FeedViewSet("calendriers")
