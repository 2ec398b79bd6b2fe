from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


class ImportMenuItem(MenuItem):
    """Shown to administrators only: telling coordinators apart costs a query on every admin page (their
    bassins), which the admin's query budgets do not have. Coordinators use the address directly."""

    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_opendata_admin_urls():
    urls = [
        path("", admin_views.ImportView.as_view(), name="import"),
        path("imports/", admin_views.RunListView.as_view(), name="runs"),
        path("imports/<int:pk>/", admin_views.RunView.as_view(), name="run"),
    ]
    return [path("import-lieux/", include((urls, "opendata_admin"), namespace="opendata_admin"))]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Importer des lieux"),
        reverse("opendata_admin:import"),
        name="importer-lieux",
        icon_name="upload",
        order=160,
    )
