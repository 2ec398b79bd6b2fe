"""The preferences form of the weekly letter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import BassinPage

from .models import Subscription


class PreferencesForm(forms.ModelForm):
    """Frequency, bassins, themes, publics, and (for members only) the network's own events.

    Every list may be left empty, which means "all": the form never refuses a choice.
    """

    bassins = forms.ModelMultipleChoiceField(
        label=_("Bassins de vie"),
        queryset=BassinPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun bassin coché : toute la région."),
    )

    class Meta:
        model = Subscription
        fields = ["frequency", "bassins", "themes", "publics", "include_pro"]
        widgets = {"frequency": forms.RadioSelect}

    def __init__(self, *args, member: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bassins"].queryset = BassinPage.objects.live().order_by("title")
        self.fields["frequency"].label = _("Recevoir la lettre")
        if not member:
            del self.fields["include_pro"]
