"""Wagtail admin: upload a file of the national schema (administrators, and coordinators for their bassins).

Same engine as `manage.py import_lieux` (`opendata.importer`). A coordinator imports into one of the bassins
they coordinate and can only update structures of those bassins; « Simuler » is ticked by default, so that
the first upload shows what would happen before anything is written.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from network.models import BassinPage
from network.permissions import coordinated_bassin_ids

from .importer import ImportFileError, decode, import_lieux


def can_import(user) -> bool:
    return user.is_superuser or bool(coordinated_bassin_ids(user))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV au format du schéma national"),
        help_text=gettext_lazy(
            "UTF-8, colonnes du schéma des lieux de médiation numérique (id, pivot, nom…)."
        ),
    )
    bassin = forms.ModelChoiceField(
        label=gettext_lazy("Bassin de vie des nouvelles structures"),
        queryset=BassinPage.objects.none(),
        required=False,
        empty_label=gettext_lazy("Le plus proche de chaque lieu"),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Simuler seulement (ne rien enregistrer)"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bassins = BassinPage.objects.order_by("title")
        if not user.is_superuser:
            bassins = bassins.filter(pk__in=coordinated_bassin_ids(user))
            self.fields["bassin"].required = True
            self.fields["bassin"].empty_label = None
        self.fields["bassin"].queryset = bassins

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAILLAGE_OPENDATA_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier est trop gros : découpez-le."))
        return upload


class ImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "opendata/admin/import.html"
    form_class = ImportForm
    page_title = gettext_lazy("Importer des lieux")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        allowed = None if user.is_superuser else set(coordinated_bassin_ids(user))
        try:
            report = import_lieux(
                text=decode(form.cleaned_data["file"].read()),
                bassin=form.cleaned_data["bassin"],
                dry_run=form.cleaned_data["dry_run"],
                user=user,
                allowed_bassin_ids=allowed,
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        return TemplateResponse(
            self.request, self.template_name, self.get_context_data(form=form, report=report)
        )
