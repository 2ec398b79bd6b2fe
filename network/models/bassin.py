"""A "bassin de vie": the territory a coordinator runs, parent of its structures' pages."""

import uuid

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Collection, Page
from wagtail.search import index

from ..enums import Departement
from ..fields import ChoiceListField
from ..map import map_context
from ..text import meta_description
from ..validators import validate_latitude, validate_longitude
from .rights import RightsLinkedPage


class BassinPage(RightsLinkedPage, Page):
    """One bassin de vie (INSEE living area) of the region.

    Its coordinators' group edits the whole subtree (see `network.permissions`); its structures are its
    children, so "the structures of a bassin" is a tree query, never a stored list that could drift.
    """

    # One identity across Maillage instances (open data, API, federation): a hub that follows this instance,
    # and an instance that follows the hub back, recognise the same place and never copy it twice.
    global_id = models.UUIDField(_("identifiant Maillage"), unique=True, default=uuid.uuid4, editable=False)
    # Set only on a copy mirrored from another instance (federation/): such a page is read-only here.
    origin = models.URLField(_("instance d'origine"), blank=True, editable=False)
    source_url = models.URLField(_("page d'origine"), blank=True, editable=False)
    departements = ChoiceListField(_("départements"), choices=Departement.choices)
    area_km2 = models.PositiveIntegerField(_("superficie (km²)"), null=True, blank=True)
    communes_count = models.PositiveIntegerField(_("nombre de communes"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    density_per_km2 = models.PositiveIntegerField(
        _("densité (hab./km²)"),
        null=True,
        blank=True,
        help_text=_("Calculée à partir de la population et de la superficie si vous la laissez vide."),
    )
    main_commune = models.CharField(_("commune principale"), max_length=120, blank=True)
    latitude = models.FloatField(
        _("latitude du centre"), null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude du centre"), null=True, blank=True, validators=[validate_longitude]
    )
    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    coordinators_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    rights_link_fields = ("coordinators_group", "collection")
    exclude_fields_in_copy = ["global_id", "origin", "source_url", "coordinators_group", "collection"]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["network.StructurePage"]
    template = "network/bassin_page.html"

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("departements"),
                FieldRowPanel([FieldPanel("area_km2"), FieldPanel("communes_count")]),
                FieldRowPanel([FieldPanel("population"), FieldPanel("density_per_km2")]),
            ],
            heading=_("Chiffres clés"),
        ),
        MultiFieldPanel(
            [FieldPanel("main_commune"), FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])],
            heading=_("Carte"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("main_commune")]

    class Meta:
        verbose_name = _("bassin de vie")
        verbose_name_plural = _("bassins de vie")

    def clean(self):
        super().clean()
        if self.density_per_km2 is None and self.population and self.area_km2:
            self.density_per_km2 = round(self.population / self.area_km2)

    def get_context(self, request, *args, **kwargs):
        """The page's own data; its next sessions come from the `events` app's template tags."""
        context = super().get_context(request, *args, **kwargs)
        structures = list(self.structures.for_listing().as_cards())
        context["structures"] = structures
        context |= map_context(structures, count=len(structures), query={"bassin": self.slug})
        context["meta_description"] = self.meta_description(structures)
        return context

    def meta_description(self, structures) -> str:
        """What a search engine shows under the page's title: how many places, in how many communes.

        `structures` are the bassin's listed structures (the page has them already: no query here)."""
        places = [structure for structure in structures if structure.listing_group == 0]
        communes = {structure.commune for structure in places}
        count = ngettext(
            "%(places)d lieu de médiation numérique",
            "%(places)d lieux de médiation numérique",
            len(places),
        ) % {"places": len(places)}
        in_communes = ngettext("dans %(communes)d commune", "dans %(communes)d communes", len(communes)) % {
            "communes": len(communes)
        }
        sentence = _("%(name)s : %(count)s %(communes)s, leurs horaires et leurs ateliers.") % {
            "name": self.title,
            "count": count,
            "communes": in_communes,
        }
        return meta_description(sentence)
