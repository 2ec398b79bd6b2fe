from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data: the national « lieux de médiation numérique » export and import, ateliers as open data.

    Its own app because it sits above `calendars` (URL imports go through its SSRF-guarded fetch) and reads
    both `network` and `events`.
    """

    name = "opendata"
    verbose_name = _("Données ouvertes")
