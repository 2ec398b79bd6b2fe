"""The admin home (dashboard) per role, through Wagtail's public hooks.

- Structure people and coordinators get Maillage's panels (`home.dashboard`) first; Wagtail's moderation
  panels stay (volunteers' proposals wait there), its « recent edits » and locked pages too, for superusers.
- The site summary (« 1 Page, 0 Image ») and Wagtail's English help links are left out for everyone but
  superusers, who administer the site and read Wagtail's own guide. The account box beside the dashboard's
  title has no hook: `templates/wagtailadmin/home/account_summary.html` overrides it, without the link to
  Wagtail's English editor's guide.
- « Structures à suivre » (coordinators) is a menu item and a filterable list.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, dashboard

WAGTAIL_GENERAL_PANELS = {"recent_edits", "locked_pages"}
ENGLISH_HELP_ITEMS = {"editor-guide"}


@hooks.register("construct_homepage_panels", order=1000)
def add_maillage_panels(request, panels):
    if not request.user.is_superuser:
        panels[:] = [panel for panel in panels if getattr(panel, "name", "") not in WAGTAIL_GENERAL_PANELS]
    panels[:0] = dashboard.dashboard_panels(request)


@hooks.register("construct_homepage_summary_items", order=1000)
def hide_site_summary(request, summary_items):
    if not request.user.is_superuser:
        summary_items[:] = []


@hooks.register("construct_help_menu", order=1000)
def hide_english_help(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [
            item
            for item in menu_items
            if item.name not in ENGLISH_HELP_ITEMS and "whats-new" not in item.name
        ]


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return dashboard.coordinated_bassins(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_structures_to_follow_menu_item():
    return CoordinatorMenuItem(
        _("Structures à suivre"),
        reverse("maillage_dashboard:structures"),
        name="structures-a-suivre",
        icon_name="list-ul",
        order=140,
    )


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    urls = [path("", admin_views.StructureSignalsView.as_view(), name="structures")]
    return [
        path(
            "structures-a-suivre/",
            include((urls, "maillage_dashboard"), namespace="maillage_dashboard"),
        )
    ]
