"""`CyclePage`: one edition of an event cycle (Human Tech Days, a fête du numérique…) on the territory.

The page is the public programme; its contributions (`Contribution`) are plain models owned by structures.
Its territory is a choice of bassins, or the whole region when none is chosen.
"""

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from network.models import BassinPage, StructurePage
from network.text import french_date, meta_description

from ..enums import CallState
from ..programme import cycle_subscribe_context, programme_context


class CyclePage(RoutablePageMixin, Page):
    """A cycle's edition: its dates, its territory, its call for contributions and its targets.

    The page is the public programme (by day or by bassin, `?vue=bassins`), and `imprimer/` its A4 version;
    both are built by `programmes.programme` from the request, so that the page stays fields and routes.

    Invariants (checked in `clean`): the cycle ends on or after its first day; the call closes on or after it
    opens, and before the cycle ends. Coordinators of the cycle review every contribution; a bassin's own
    coordinators review those of their bassin (`programmes.permissions`).
    """

    edition = models.CharField(_("édition"), max_length=40, blank=True, help_text=_("Par exemple : 2027"))
    theme = models.CharField(_("thème de l'édition"), max_length=200, blank=True)
    start_date = models.DateField(_("premier jour"))
    end_date = models.DateField(_("dernier jour"))
    summary = models.TextField(
        _("en quelques mots"),
        max_length=300,
        blank=True,
        help_text=_("300 caractères au plus, en mots simples : affiché en tête du programme."),
    )
    description = RichTextField(
        _("présentation"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("visuel"),
    )
    image_alt = models.CharField(
        _("texte alternatif du visuel"),
        max_length=250,
        blank=True,
        help_text=_("Ce que montre le visuel, pour les personnes qui ne le voient pas. Vide : décoratif."),
    )
    bassins = ParentalManyToManyField(
        "network.BassinPage",
        blank=True,
        related_name="cycles",
        verbose_name=_("territoire"),
        help_text=_("Les bassins de vie concernés. Aucun coché : toute la région."),
    )
    call_opens = models.DateField(_("ouverture de l'appel à contributions"))
    call_closes = models.DateField(_("clôture de l'appel à contributions"))
    reminder_days = models.PositiveSmallIntegerField(
        _("rappel avant la clôture (jours)"),
        default=7,
        help_text=_("Les structures du territoire reçoivent un rappel ce nombre de jours avant la clôture."),
    )
    target_per_bassin = models.PositiveSmallIntegerField(_("objectif de séances par bassin"), default=10)

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    template = "programmes/cycle_page.html"

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("edition"), FieldPanel("theme")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("image"), FieldPanel("image_alt")]),
        MultiFieldPanel(
            [
                FieldPanel("bassins", widget=forms.CheckboxSelectMultiple),
                FieldPanel("target_per_bassin"),
            ],
            heading=_("Territoire et objectifs"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("call_opens"), FieldPanel("call_closes")]),
                FieldPanel("reminder_days"),
            ],
            heading=_("Appel à contributions"),
        ),
        InlinePanel("coordinator_links", heading=_("Coordination du cycle"), label=_("coordinateur·rice")),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("theme")]

    class Meta:
        verbose_name = _("cycle d'événements")
        verbose_name_plural = _("cycles d'événements")

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(
                _("Le dernier jour ne peut pas précéder le premier."), code="end_before_start"
            )
        if self.call_opens and self.call_closes and self.call_closes < self.call_opens:
            errors["call_closes"] = ValidationError(
                _("La clôture de l'appel ne peut pas précéder son ouverture."), code="call_closes_early"
            )
        elif self.call_closes and self.end_date and self.call_closes > self.end_date:
            errors["call_closes"] = ValidationError(
                _("L'appel doit être clos avant la fin du cycle."), code="call_closes_late"
            )
        if errors:
            raise ValidationError(errors)

    # Public programme --------------------------------------------------------------------------------

    @path("")
    def index_route(self, request, *args, **kwargs):
        return self.render(request, context_overrides=programme_context(request, self))

    @path("imprimer/", name="print")
    def print_route(self, request):
        return self.render(
            request,
            template="programmes/cycle_print.html",
            context_overrides=programme_context(request, self, printable=True),
        )

    @path("s-abonner/", name="subscribe")
    def subscribe_route(self, request):
        return TemplateResponse(request, "events/subscribe.html", cycle_subscribe_context(request, self))

    # Read side -----------------------------------------------------------------------------------------

    def territory(self) -> list:
        """The cycle's bassins, in name order: those chosen, or every live bassin for a regional cycle."""
        chosen = list(self.bassins.all().order_by("title")) if self.pk else []
        return chosen or list(BassinPage.objects.live().order_by("title"))

    def territory_structures(self):
        """Live structures of the cycle's territory: those the call is addressed to."""
        return StructurePage.objects.live().in_bassins(self.territory())

    def covers(self, structure) -> bool:
        return any(structure.bassin_id == bassin.pk for bassin in self.territory())

    def call_state(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if today < self.call_opens:
            return CallState.UPCOMING
        if today > self.call_closes:
            return CallState.CLOSED
        return CallState.OPEN

    def is_call_open(self, today: date | None = None) -> bool:
        return self.call_state(today) == CallState.OPEN

    def days(self) -> list[date]:
        return [
            self.start_date + timedelta(days=n) for n in range((self.end_date - self.start_date).days + 1)
        ]

    def dates_label(self) -> str:
        """« du 5 au 11 octobre 2027 », as a poster says it (« le 5 octobre 2027 » for one day)."""
        if self.start_date == self.end_date:
            return _("le %(day)s") % {"day": french_date(self.start_date, "j F Y")}
        if (self.start_date.year, self.start_date.month) == (self.end_date.year, self.end_date.month):
            start = french_date(self.start_date, "j")
        elif self.start_date.year == self.end_date.year:
            start = french_date(self.start_date, "j F")
        else:
            start = french_date(self.start_date, "j F Y")
        return _("du %(start)s au %(end)s") % {"start": start, "end": french_date(self.end_date, "j F Y")}

    def coordinator_ids(self) -> set[int]:
        return {link.user_id for link in self.coordinator_links.all()}

    def meta_description(self) -> str:
        """What a search engine shows under the programme's title: when, then the cycle in a few words."""
        when = _("%(name)s, %(dates)s, en Centre-Val de Loire.") % {
            "name": self.display_title,
            "dates": self.dates_label(),
        }
        return meta_description(
            when, self.summary or _("Le programme des ateliers et des lieux qui y participent.")
        )

    @property
    def display_title(self) -> str:
        return f"{self.title} {self.edition}".strip() if self.edition not in self.title else self.title


class CycleCoordinator(Orderable):
    """A person who runs the whole cycle: reviews every contribution and receives the weekly summary."""

    cycle = ParentalKey(CyclePage, on_delete=models.CASCADE, related_name="coordinator_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )

    panels = [FieldPanel("user")]

    class Meta(Orderable.Meta):
        verbose_name = _("coordination du cycle")
        verbose_name_plural = _("coordination du cycle")
        constraints = [models.UniqueConstraint(fields=["cycle", "user"], name="unique_cycle_coordinator")]

    def __str__(self):
        return f"{self.user} — {self.cycle}"
