"""`SeriesExport`: one series' VEVENTs as the .ics exports serve them (icalendar's text), kept.

Writing is most of what a cold .ics costs, and most of it would be writing text that has not changed. The
rows are a cache, never a source: each carries the key of the facts it was written from
(`events.ical.stored.series_key`), an export rewrites every series whose key no longer matches, and deleting
the whole table only costs the next export request its time. Nothing invalidates them on `save()`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeriesExport(models.Model):
    atelier = models.OneToOneField(
        "events.Atelier", on_delete=models.CASCADE, primary_key=True, related_name="series_export"
    )
    key = models.CharField(max_length=64)
    body = models.TextField()

    class Meta:
        verbose_name = _("export iCal d'une série")
        verbose_name_plural = _("exports iCal des séries")
        default_permissions = ()

    def __str__(self):
        return f"VEVENTs de l'atelier {self.atelier_id}"
