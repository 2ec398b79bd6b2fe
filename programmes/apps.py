from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = _("Programmes et cycles d'événements")

    def ready(self):
        from . import signals  # noqa: F401
