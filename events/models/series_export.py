"""`SeriesExport`: one series' VEVENTs as the feeds serve them, kept between requests.

Serializing is most of what a cold .ics costs (a bassin's feed of 1,000 series took ~150 ms, most of it
writing text that had not changed). The rows are a cache, never a source: each carries the key of the facts
it was written from (`events.ical.stored.series_key`), a feed re-serializes every series whose key no longer
matches, and deleting the whole table only costs the next feed request its time.
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
