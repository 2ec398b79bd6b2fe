"""Forms of « Mon compte »: the person's name, and the confirmation that deletes the account."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .domain import is_last_superuser


class NameForm(forms.ModelForm):
    """First and last name: shown to the structures and coordinators the person works with."""

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name"]
        labels = {"first_name": _("Prénom"), "last_name": _("Nom")}
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }


class DeleteAccountForm(forms.Form):
    """Deleting is irreversible: the person confirms with their password, or with their e-mail address
    when they have none (accounts opened through ProConnect only).

    Exactly one of the two fields exists, chosen from the account; the last administrator is refused
    whatever they type.
    """

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Votre mot de passe"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        else:
            self.fields["email"] = forms.EmailField(
                label=_("Votre adresse e-mail"),
                help_text=_(
                    "Votre compte n'a pas de mot de passe : tapez l'adresse %(email)s pour confirmer."
                )
                % {"email": user.email},
                widget=forms.EmailInput(attrs={"autocomplete": "off"}),
            )

    @property
    def confirms_with_password(self) -> bool:
        return "password" in self.fields

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Ce mot de passe n'est pas le bon."), code="wrong_password")
        return password

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.strip().lower() != self.user.email.strip().lower():
            raise ValidationError(
                _("Ce n'est pas l'adresse de votre compte (%(email)s)."),
                code="wrong_email",
                params={"email": self.user.email},
            )
        return email

    def clean(self):
        if is_last_superuser(self.user):
            raise ValidationError(
                _(
                    "Vous êtes la seule personne qui administre Maillage : votre compte ne peut pas être "
                    "supprimé."
                ),
                code="last_superuser",
            )
        return super().clean()
