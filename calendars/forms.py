"""The form of a synchronised calendar: where it is, whose it is, and what to add to every atelier it brings.

What must stay true: the structure can only be one the user manages (`network.permissions`), a structure
keeps at most `MAILLAGE_MAX_FEEDS_PER_STRUCTURE` calendars (each costs a download on every run) and each
address once, and a changed address forgets what the last fetch kept, so that the next sync reads the new
calendar in full. A new or re-addressed calendar is saved « à corriger » until its address is read
(`calendars.models.FeedStatus`).
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from events import enums
from network.models import StructurePage
from network.permissions import manageable_structures

from .display import url_help
from .models import Feed, FeedStatus, normalise_feed_url

INTERVAL_CHOICES = [
    (15, _("Tous les quarts d'heure")),
    (60, _("Toutes les heures")),
    (180, _("Toutes les 3 heures")),
    (720, _("Deux fois par jour")),
    (1440, _("Une fois par jour")),
]


class FeedForm(WagtailAdminModelForm):
    """Step 1 of adding a calendar (and its later changes); step 2 is the preview (`calendars.views`)."""

    structure = forms.ModelChoiceField(
        label=_("Structure"), queryset=StructurePage.objects.none(), empty_label=None
    )
    url = forms.CharField(
        label=_("Adresse du calendrier (iCal)"),
        max_length=2000,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}),
    )
    default_themes = forms.MultipleChoiceField(
        label=_("Thèmes donnés à tous les ateliers de ce calendrier"),
        choices=enums.Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    default_publics = forms.MultipleChoiceField(
        label=_("Publics donnés à tous les ateliers de ce calendrier"),
        choices=enums.AtelierPublic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.TypedChoiceField(
        label=_("Fréquence de mise à jour"),
        choices=INTERVAL_CHOICES,
        coerce=int,
        initial=60,
        help_text=_("Maillage relit votre agenda à ce rythme."),
    )

    class Meta:
        model = Feed
        fields = [
            "structure",
            "name",
            "url",
            "default_themes",
            "default_publics",
            "default_visibility",
            "default_place_name",
            "default_address",
            "default_commune",
        ]
        labels = {
            "name": _("Nom du calendrier"),
            "default_visibility": _("Qui voit ces ateliers"),
            "default_place_name": _("Lieu, quand l'événement n'en donne pas"),
            "default_address": _("Adresse, quand l'événement n'en donne pas"),
            "default_commune": _("Commune, quand l'événement n'en donne pas"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].help_text = url_help()
        structures = manageable_structures(self.for_user).order_by("title")
        self.fields["structure"].queryset = structures
        if not self.instance.pk and len(structures) == 1:
            self.initial.setdefault("structure", structures[0].pk)
        if self.instance.pk:
            self.initial["frequency"] = int(self.instance.interval.total_seconds() // 60)
        self.fields["default_visibility"].widget = forms.RadioSelect(
            choices=self.fields["default_visibility"].choices
        )

    def clean_url(self):
        return normalise_feed_url(self.cleaned_data["url"])

    def clean_structure(self):
        """A new calendar, or one moved to another structure, must fit in that structure's limit."""
        structure = self.cleaned_data["structure"]
        if self.instance.pk and self.instance.structure_id == structure.pk:
            return structure
        limit = settings.MAILLAGE_MAX_FEEDS_PER_STRUCTURE
        if Feed.objects.filter(structure=structure).counted_in_limit().count() >= limit:
            raise ValidationError(
                ngettext(
                    "« %(structure)s » a déjà %(limit)s calendrier synchronisé, le maximum : supprimez-le "
                    "ou regroupez vos événements dans un seul agenda.",
                    "« %(structure)s » a déjà %(limit)s calendriers synchronisés, le maximum : supprimez-en "
                    "un ou regroupez vos événements dans un même agenda.",
                    limit,
                )
                % {"structure": structure.title, "limit": limit},
                code="too_many_feeds",
            )
        return structure

    def clean(self):
        """The same address twice for one structure is one calendar: say so rather than keep a copy."""
        cleaned = super().clean()
        structure, url = cleaned.get("structure"), cleaned.get("url")
        if structure is not None and url:
            others = Feed.objects.filter(structure=structure, url=url).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "url",
                    ValidationError(
                        _(
                            "Ce calendrier est déjà relié à cette structure : retrouvez-le dans la liste "
                            "des calendriers synchronisés pour le corriger ou relire son aperçu."
                        ),
                        code="duplicate_feed",
                    ),
                )
        return cleaned

    def save(self, commit=True):
        feed = super().save(commit=False)
        feed.interval = timedelta(minutes=self.cleaned_data["frequency"])
        if not feed.pk or ("url" in self.changed_data and not feed.active):
            # An address never read yet: « à corriger » until its preview (or a sync) works.
            feed.status = FeedStatus.TO_FIX
        if "url" in self.changed_data and feed.pk:
            # Another calendar: what the last fetch kept no longer describes it.
            feed.etag = feed.last_modified_header = feed.content_hash = ""
        if commit:
            feed.save()
        return feed
