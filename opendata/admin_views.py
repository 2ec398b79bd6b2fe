"""Wagtail admin: upload a file of the national schema (administrators, and coordinators for their bassins),
then follow its import.

Same engine as `manage.py import_lieux` (`opendata.importer`), run by a Celery task (`opendata.runs`): a
national file takes minutes. The upload is recorded as an `ImportRun`; its page refreshes itself until the run
ends, then shows the counts and the rejected rows with their reason. A coordinator imports into one of the
bassins they coordinate and can only update structures of those bassins; « Simuler » is ticked by default, so
that the first upload shows what would happen before anything is written (a simulation runs as a task too:
judging 20,000 rows is no shorter than a request may last).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from network.models import BassinPage
from network.permissions import coordinated_bassin_ids

from .models import ImportRun
from .runs import fail_stalled_runs, start_import
from .tasks import run_import_task

# Seconds between two automatic refreshes of a page showing a run not finished yet.
REFRESH_SECONDS = 5
RUNS_SHOWN = 50


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


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportView(ImportPermissionMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "opendata/admin/import.html"
    form_class = ImportForm
    page_title = gettext_lazy("Importer des lieux")
    header_icon = "upload"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        run = start_import(
            user=self.request.user,
            upload=form.cleaned_data["file"],
            bassin=form.cleaned_data["bassin"],
            dry_run=form.cleaned_data["dry_run"],
        )
        run_import_task.delay_on_commit(run_id=run.pk)
        messages.success(
            self.request,
            _("Le fichier « %(name)s » est enregistré : son import a commencé.") % {"name": run.file_name},
        )
        return redirect("opendata_admin:run", run.pk)


class RunListView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The imports this person may see (every one for an administrator), newest first."""

    template_name = "opendata/admin/runs.html"
    page_title = gettext_lazy("Imports de lieux")
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        fail_stalled_runs()
        runs = list(
            ImportRun.objects.visible_to(self.request.user).select_related("user", "bassin")[:RUNS_SHOWN]
        )
        refresh = REFRESH_SECONDS if any(not run.is_finished for run in runs) else None
        return super().get_context_data(runs=runs, refresh=refresh, **kwargs)


class RunView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One import: its status until it ends, then its counts and the rejected rows with their reason."""

    template_name = "opendata/admin/run.html"
    page_title = gettext_lazy("Import de lieux")
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        fail_stalled_runs(runs=ImportRun.objects.filter(pk=self.kwargs["pk"]))
        run = get_object_or_404(
            ImportRun.objects.visible_to(self.request.user).select_related("user", "bassin"),
            pk=self.kwargs["pk"],
        )
        refresh = None if run.is_finished else REFRESH_SECONDS
        return super().get_context_data(run=run, refresh=refresh, **kwargs)
