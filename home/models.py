"""The site's root page: search, map of every structure, and the bassins with their counts."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from events.models import Occurrence
from network.map import map_context
from network.models import BassinPage, StructurePage
from programmes.models import CyclePage

# Sessions shown in the home page's "Prochains ateliers" block; the agenda has the rest.
NEXT_SESSIONS = 6
# Event cycles shown in the home page's "Temps forts" block.
MAX_CYCLES = 3


class HomePage(Page):
    """Root of the public site. Bassins are its children; the directory lives at /structures/."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["network.BassinPage", "programmes.CyclePage"]
    max_count = 1
    template = "home/home_page.html"

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    class Meta:
        verbose_name = _("page d'accueil")

    def meta_description(self) -> str:
        return str(
            _(
                "Où être aidé avec le numérique en Centre-Val de Loire : lieux de médiation numérique, "
                "démarches en ligne, ateliers gratuits près de chez vous."
            )
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # « N lieux » counts the places a person can go to: networks and partners are not places. Counted in
        # the database: a national instance holds 20,000 of them.
        places = StructurePage.objects.for_listing().receiving_public()
        bassins = list(BassinPage.objects.live().public().child_of(self).order_by("title"))
        counts = dict(places.order_by().values_list("bassin").annotate(count=Count("pk")))
        context["bassins"] = [(bassin, counts.get(bassin.pk, 0)) for bassin in bassins]
        context["structure_count"] = sum(counts.values())
        context |= map_context(places, count=context["structure_count"])
        # Event cycles still ahead or under way (Human Tech Days…): the public finds their programme here.
        context["cycles"] = list(
            CyclePage.objects.live()
            .public()
            .filter(end_date__gte=timezone.localdate())
            .order_by("start_date")[:MAX_CYCLES]
        )
        context["next_sessions"] = (
            Occurrence.objects.public().upcoming(timezone.now()).first_for_listing(NEXT_SESSIONS)
        )
        return context
