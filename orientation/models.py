"""The lexicon of needs: everyday words (« carte grise », « mes mails », « smartfone ») mapped to the national
standard's services and to concrete tasks.

Why a table and not code: coordinators hear new words at their desks every week (« ANTS », « Ameli »,
« chèque énergie ») and must be able to add them without a release. Each row is one need a person may have;
the search (`orientation.search`) recognises it in what the person typed, explains it (« Aide aux démarches :
carte grise ») and ranks places by their real offer for it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from network.enums import Public, Service
from network.fields import ChoiceListField

from .enums import Equipment, Pictogram


class NeedQuerySet(models.QuerySet):
    def for_guide(self):
        """The buttons of the guided path's first step, in their order."""
        return self.filter(show_in_guide=True).order_by("sort_order", "label")

    def by_slugs(self, slugs):
        return self.filter(slug__in=list(slugs)).order_by("sort_order", "label")


class Need(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    label = models.CharField(
        _("libellé"),
        max_length=120,
        help_text=_("Le texte du bouton, en mots simples : « Faire une démarche en ligne »."),
    )
    short_label = models.CharField(
        _("libellé court"),
        max_length=60,
        blank=True,
        help_text=_("Pour expliquer un résultat : « démarches en ligne ». Vide : le libellé."),
    )
    pictogram = models.CharField(_("pictogramme"), max_length=20, choices=Pictogram.choices)
    keywords = models.TextField(
        _("mots des personnes"),
        help_text=_(
            "Un mot ou une expression par ligne, comme les gens les disent : « carte grise », « ants », "
            "« mes mails ». Inutile d'écrire les accents, les majuscules, les pluriels ou les fautes de "
            "frappe courantes : la recherche les reconnaît."
        ),
    )
    services = ChoiceListField(
        _("services correspondants"),
        choices=Service.choices,
        help_text=_("Les services du référentiel national qui répondent à ce besoin."),
    )
    publics = ChoiceListField(
        _("publics"),
        choices=Public.choices,
        help_text=_("Si ce besoin désigne un public (« senior », « mon enfant »), lequel."),
    )
    equipment = ChoiceListField(
        _("équipement utile"),
        choices=Equipment.choices,
        help_text=_("Si ce besoin demande un équipement du lieu (imprimante, wifi, ordinateurs)."),
    )
    show_in_guide = models.BooleanField(
        _("bouton du parcours guidé"),
        default=False,
        help_text=_("Montré comme un bouton à la première étape de « Trouver de l'aide »."),
    )
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=100)

    objects = NeedQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("short_label")]),
        FieldRowPanel([FieldPanel("slug"), FieldPanel("pictogram")]),
        FieldPanel("keywords"),
        MultiFieldPanel(
            [FieldPanel("services"), FieldPanel("publics"), FieldPanel("equipment")],
            heading=_("Ce qui y répond"),
        ),
        FieldRowPanel([FieldPanel("show_in_guide"), FieldPanel("sort_order")]),
    ]

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins (lexique)")
        ordering = ["sort_order", "label"]

    def __str__(self):
        return self.label

    @property
    def reason_label(self) -> str:
        return self.short_label or self.label

    def keyword_list(self) -> list[str]:
        """The phrases of `keywords`, one per non-blank line."""
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]

    @property
    def pictogram_template(self) -> str:
        return f"orientation/pictograms/{self.pictogram}.svg"
