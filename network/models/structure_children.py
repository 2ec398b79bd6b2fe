"""What a structure's page holds several of, edited inline in its form: the photos of the place and the stops
of an itinerant service (a bus, a mobile EPN). Apart from `structure.py` so that the page model stays
readable; Wagtail finds them through their `ParentalKey`."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from ..validators import validate_code_insee, validate_latitude, validate_longitude
from .structure import StructurePage


class StructurePhoto(Orderable):
    """A photo of the place, taken from the structure's own image collection."""

    page = ParentalKey(StructurePage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(
        _("description de la photo"),
        max_length=255,
        help_text=_("Décrivez ce que montre la photo, pour les personnes qui ne la voient pas."),
    )

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class ItinerantStop(Orderable):
    """A commune where an itinerant service (a bus, a mobile EPN) stops."""

    page = ParentalKey(StructurePage, on_delete=models.CASCADE, related_name="stops")
    commune = models.CharField(_("commune"), max_length=120)
    code_insee = models.CharField(_("code INSEE"), max_length=5, blank=True, validators=[validate_code_insee])
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=[validate_latitude])
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=[validate_longitude])
    schedule_note = models.CharField(
        _("passage"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple : le 2e mardi du mois, 9 h – 12 h."),
    )

    panels = [
        FieldPanel("commune"),
        FieldPanel("schedule_note"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude"), FieldPanel("code_insee")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def map_marker(self) -> dict:
        """A marker of the stop on the structure's map, pointing back to the structure's page."""
        return {
            "id": f"etape-{self.pk}",
            "name": f"{self.page.title} – {self.commune}",
            "url": self.page.url,
            "commune": self.commune,
            "lat": self.latitude,
            "lon": self.longitude,
        }
