from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pro"
    verbose_name = _("Espace professionnel")
