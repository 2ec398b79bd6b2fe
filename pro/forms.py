"""Forms of the professional area: one's profile, the directory and agenda filters, a refusal's reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import MemberProfile, ProfileVisibility
from network.validators import normalize_phone, validate_phone

# What each visibility means, in the words shown next to the choice.
VISIBILITY_HINTS = {
    ProfileVisibility.NETWORK: _(
        "Tous les membres du réseau, dans toute la région, vous trouvent dans l'annuaire des professionnels."
    ),
    ProfileVisibility.BASSIN: _(
        "Seuls les membres des structures de vos bassins de vie vous voient (c'est le réglage par défaut)."
    ),
    ProfileVisibility.HIDDEN: _(
        "Vous n'apparaissez pas dans l'annuaire. Les responsables de votre structure et la coordination de "
        "votre bassin voient toujours que vous en faites partie."
    ),
}


class ProfileForm(forms.ModelForm):
    """A member's professional profile. Nothing here is ever shown on the public site."""

    class Meta:
        model = MemberProfile
        fields = ["display_name", "job_title", "topics", "languages", "can_help_with", "phone", "visibility"]
        labels = {
            "display_name": _("Nom affiché"),
            "job_title": _("Fonction"),
            "topics": _("Sujets sur lesquels vous travaillez"),
            "languages": _("Langues parlées"),
            "can_help_with": _("Je peux aider mes collègues sur…"),
            "phone": _("Téléphone professionnel"),
            "visibility": _("Qui voit mon profil dans l'annuaire des professionnels"),
        }
        help_texts = {
            "display_name": _("Laissez vide pour utiliser le prénom et le nom de votre compte."),
            "job_title": _("Par exemple : conseillère numérique, médiateur à la médiathèque."),
            "topics": _("Séparés par des virgules. Par exemple : démarches en ligne, seniors, parentalité."),
            "languages": _("Séparées par des virgules. Par exemple : français, arabe, anglais."),
            "can_help_with": _("Ce que vous savez bien faire et que vous pouvez partager avec d'autres."),
            "phone": _("Facultatif. Par exemple : 02 48 00 00 00."),
        }
        widgets = {
            "visibility": forms.RadioSelect,
            "can_help_with": forms.Textarea(attrs={"rows": 4}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        phone = normalize_phone(phone)
        validate_phone(phone)
        return phone

    def visibility_choices(self):
        """(bound radio, hint) pairs, so that each choice is explained right next to it."""
        return [(choice, VISIBILITY_HINTS.get(choice.data["value"], "")) for choice in self["visibility"]]


class ScopeFilterForm(forms.Form):
    """Search and « mes bassins / tout le réseau » of the directory and the agenda (GET).

    Invalid values fall back to the defaults: these addresses are shared and bookmarked.
    """

    BASSINS = "bassins"
    NETWORK = "reseau"

    q = forms.CharField(label=_("Rechercher un nom, un sujet"), required=False, max_length=100)
    portee = forms.ChoiceField(
        label=_("Afficher"),
        choices=[(BASSINS, _("Mes bassins")), (NETWORK, _("Tout le réseau"))],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, data=None, *, with_search=True, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("portee") not in (self.BASSINS, self.NETWORK):
            data["portee"] = self.BASSINS
        super().__init__(data, **kwargs)
        if not with_search:
            del self.fields["q"]
        self.is_valid()

    @property
    def network_wide(self) -> bool:
        return self.cleaned_data.get("portee") == self.NETWORK

    @property
    def search(self) -> str:
        return " ".join(self.cleaned_data.get("q", "").split())


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (facultatif, envoyé à la personne)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
