from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "digest"
    verbose_name = _("Lettre hebdomadaire")
