"""« Structures à suivre »: a coordinator's list of their bassins' structures, filtered on the dashboard's
signals (GET, so that a filtered list can be bookmarked or sent to a colleague)."""

from django import forms
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from network.models import StructurePage

from . import dashboard

STRUCTURES_PER_PAGE = 50


class StructureFilterForm(forms.Form):
    bassin = forms.TypedChoiceField(
        label=gettext_lazy("Bassin"), coerce=int, required=False, empty_value=None
    )
    signal = forms.ChoiceField(label=gettext_lazy("À regarder"), required=False)

    def __init__(self, *args, bassins, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bassin"].choices = [("", _("Tous mes bassins"))] + [(b.pk, b.title) for b in bassins]
        self.fields["signal"].choices = [("", _("Toutes les structures"))] + list(
            dashboard.signal_labels().items()
        )


class StructureSignalsView(WagtailAdminTemplateMixin, TemplateView):
    """Coordinators (and superusers) only: anyone else is told plainly that the list is not theirs."""

    template_name = "home/dashboard/structures.html"
    page_title = gettext_lazy("Structures à suivre")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        self.bassins = list(dashboard.coordinated_bassins(request.user))
        if not self.bassins:
            return TemplateResponse(
                request,
                "network/admin/forbidden.html",
                {"page_title": _("Accès refusé"), "header_title": _("Accès refusé"), "header_icon": "lock"},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        form = StructureFilterForm(self.request.GET or None, bassins=self.bassins)
        bassin_ids = [bassin.pk for bassin in self.bassins]
        structures = dashboard.with_signals(StructurePage.objects.filter(bassin__in=bassin_ids), now)
        # Bad filters (a bassin not theirs, an unknown signal) are ignored, with the form saying why.
        if form.is_valid():
            if form.cleaned_data["bassin"]:
                structures = structures.filter(bassin=form.cleaned_data["bassin"])
            if form.cleaned_data["signal"]:
                structures = structures.filter(dashboard.signal_filters(now)[form.cleaned_data["signal"]])
        structures = structures.select_related("bassin").order_by("bassin__title", "title", "pk")
        page = Paginator(structures, STRUCTURES_PER_PAGE).get_page(self.request.GET.get("p"))
        labels = dashboard.signal_labels()
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(
            form=form,
            page=page,
            healths=[dashboard.structure_health(structure, now, labels) for structure in page],
            query=query.urlencode(),
            next_url=self.request.get_full_path(),
        )
        return context
