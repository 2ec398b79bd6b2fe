from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read-only JSON API `/api/v1/`: what other Maillage instances and re-users read (issue 20)."""

    name = "api"
    verbose_name = _("API")
