"""Forms of the network admin screens: inviting a member, naming a bassin coordinator.

They validate only; the views hand the cleaned data to `network.domain`, which keeps groups in step.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .enums import MemberRole
from .models import BassinPage, Coordination, Membership


class InvitationForm(forms.Form):
    """Who to invite into a structure, and in which role."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("La personne recevra un lien pour rejoindre la structure."),
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=MemberRole.choices,
        initial=MemberRole.EDITOR,
        help_text=_("Les éditeur·rices et responsables peuvent modifier la fiche de la structure."),
    )

    def __init__(self, *args, structure, **kwargs):
        self.structure = structure
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(structure=self.structure, user__email__iexact=email).exists():
            raise forms.ValidationError(
                _("Cette personne est déjà membre de la structure."), code="already_member"
            )
        return email


class CoordinationForm(WagtailAdminModelForm):
    """Name a person coordinator of a bassin (saved through `domain.add_coordinator`, never by `save()`).

    The model's unique constraint reports a person already coordinating the bassin.
    """

    user = forms.ModelChoiceField(
        label=_("Personne"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("email"),
    )
    bassin = forms.ModelChoiceField(label=_("Bassin"), queryset=BassinPage.objects.order_by("title"))

    class Meta:
        model = Coordination
        fields = ["user", "bassin"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name()} <{user.email}>" if user.get_full_name() else user.email
        )
