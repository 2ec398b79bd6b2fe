"""Admin screens of ateliers: the scoped generic views, a series' sessions, duplicating, the live preview.

What must stay true: every screen reads ateliers through `manageable_ateliers(user)`. The generic views
(edit, delete, history, usage) therefore answer 404 for another structure's atelier; the screens added here
answer 403 with an explanation, like the network app's structure screens. Changes go through `events.domain`.

Extension point: the `register_atelier_header_buttons` hook lets another app add buttons to the header of an
atelier's edit page without subclassing its view. Each function gets `(atelier, user)` and returns a list of
`wagtail.admin.widgets.HeaderButton` (empty when it has nothing to offer). `calendars` uses it for
« Détacher du calendrier ».
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseForbidden, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets import Button, HeaderButton, ListingButton

from . import domain, enums
from .forms_admin import ScheduleForm, SessionForm, session_label
from .models import Atelier, Occurrence
from .permissions import AtelierPermissionPolicy, can_manage_atelier, manageable_ateliers
from .recurrence import localize, to_local_naive

SESSIONS_SHOWN = 60
NAMESPACE = "ateliers"  # the viewset's name (see `events.viewsets`)


def _forbidden(request, atelier=None):
    return TemplateResponse(
        request,
        "events/admin/forbidden.html",
        {
            "atelier": atelier,
            "page_title": _("Accès refusé"),
            "header_title": _("Accès refusé"),
            "header_icon": "lock",
        },
        status=403,
    )


def _url(name, *args):
    return reverse(f"{NAMESPACE}:{name}", args=args)


# Generic views, scoped -----------------------------------------------------------------------------------


class AtelierIndexView(IndexView):
    add_item_label = gettext_lazy("Ajouter un atelier")

    def get_base_queryset(self):
        next_start = (
            Occurrence.objects.filter(atelier=OuterRef("pk"), end__gte=timezone.now())
            .exclude(status=enums.Status.CANCELLED)
            .order_by("start")
            .values("start")[:1]
        )
        return (
            manageable_ateliers(self.request.user)
            .select_related("structure")
            .annotate(next_start=Subquery(next_start))
            .order_by("start_date", "start_time", "title")
        )

    def get_list_buttons(self, instance):
        return [
            ListingButton(
                _("Séances"),
                url=_url("sessions", instance.pk),
                icon_name="calendar",
                priority=5,
                attrs={"aria-label": _("Séances de « %(title)s »") % {"title": instance.title}},
            ),
            *super().get_list_buttons(instance),
        ]

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(_("Dupliquer"), url=_url("duplicate", instance.pk), icon_name="copy", priority=25),
        ]


class ScopedObjectMixin:
    """Look atelier objects up among the user's own only: another structure's atelier is not found (404)."""

    def get_queryset(self):
        return manageable_ateliers(self.request.user)

    def get_base_object_queryset(self):
        return manageable_ateliers(self.request.user)


class AtelierSavedMixin:
    """Saving rebuilds the sessions (in the view's transaction); then stay on the edit page: it shows the
    schedule in words and the next sessions."""

    def save_instance(self):
        atelier = super().save_instance()
        domain.rebuild_sessions(atelier=atelier)
        return atelier

    def get_success_url(self):
        return reverse(self.edit_url_name, args=[self.object.pk])

    def get_success_message(self, instance=None):
        instance = instance or self.object
        return _("Atelier « %(title)s » enregistré : %(schedule)s.") % {
            "title": instance.title,
            "schedule": instance.describe_schedule(),
        }


class FrenchTitlesMixin:
    """French titles of the form pages: Wagtail composes « Nouvel(le) : Atelier » from the verbose name,
    which French grammar does not allow; the page title says it whole and the subtitle stays empty."""

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Ateliers")},
            {"url": "", "label": self.breadcrumb_label()},
        ]


class AtelierCreateView(FrenchTitlesMixin, AtelierSavedMixin, CreateView):
    page_title = gettext_lazy("Nouvel atelier")

    def get_initial(self):
        """« Ajouter un atelier » next to a structure (admin home) opens the form with that structure chosen;
        the form's choices stay the user's own structures, so another structure's id selects nothing."""
        initial = super().get_initial()
        structure = self.request.GET.get("structure", "")
        if structure.isdigit():
            initial["structure"] = int(structure)
        return initial

    def breadcrumb_label(self):
        return self.get_page_title()


class AtelierEditView(FrenchTitlesMixin, AtelierSavedMixin, ScopedObjectMixin, EditView):
    def get_page_title(self):
        return _("Modifier l'atelier « %(title)s »") % {"title": self.object.title}

    def breadcrumb_label(self):
        return self.object.title

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(_("Séances"), url=_url("sessions", self.object.pk), icon_name="calendar"),
            *super().header_buttons,
            *(
                button
                for hook in hooks.get_hooks("register_atelier_header_buttons")
                for button in hook(self.object, self.request.user)
            ),
        ]

    @cached_property
    def header_more_buttons(self):
        return [
            Button(_("Dupliquer"), url=_url("duplicate", self.object.pk), icon_name="copy", priority=5),
            *super().header_more_buttons,
        ]


class AtelierDeleteView(ScopedObjectMixin, DeleteView):
    pass


class AtelierHistoryView(ScopedObjectMixin, HistoryView):
    pass


class AtelierUsageView(ScopedObjectMixin, UsageView):
    pass


# Live preview of the recurrence editor -----------------------------------------------------------------


class SchedulePreviewView(View):
    """POST the form's fields, get back the sentence and the next sessions as an HTML fragment."""

    policy = AtelierPermissionPolicy(Atelier)

    def get(self, request):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request):
        if not self.policy.user_has_any_permission(request.user, ["add", "change"]):
            return HttpResponseForbidden()
        form = ScheduleForm(request.POST)
        form.is_valid()
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return TemplateResponse(
            request,
            "events/admin/includes/schedule_preview.html",
            {"preview": getattr(form, "cleaned_data", {}).get("preview"), "errors": errors},
        )


# One atelier's screens: sessions, duplicate --------------------------------------------------------------


class AtelierAccessMixin:
    """Load the atelier named in the URL; answer 403 unless the user manages its structure."""

    viewset = None

    def dispatch(self, request, *args, pk, **kwargs):
        self.atelier = get_object_or_404(Atelier.objects.select_related("structure"), pk=pk)
        if not can_manage_atelier(request.user, self.atelier):
            return _forbidden(request, self.atelier)
        return super().dispatch(request, *args, **kwargs)

    def edit_url(self):
        return _url("edit", self.atelier.pk)

    def sessions_url(self):
        return _url("sessions", self.atelier.pk)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": _url("index"), "label": _("Ateliers")},
            {"url": self.edit_url(), "label": self.atelier.title},
            {"url": "", "label": self.get_page_title()},
        ]


class SessionsView(AtelierAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """The upcoming sessions of a series, each with its status, cancel / restore, and a change form."""

    template_name = "events/admin/sessions.html"
    header_icon = "calendar"
    bound_form = None

    def get_page_title(self):
        return _("Séances de « %(title)s »") % {"title": self.atelier.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        occurrences = (
            Occurrence.objects.filter(atelier=self.atelier, end__gte=timezone.now())
            .select_related("atelier", "atelier__structure")
            .order_by("start")[:SESSIONS_SHOWN]
        )
        sessions = []
        for index, occurrence in enumerate(occurrences, start=1):
            key = to_local_naive(occurrence.recurrence_id).isoformat()
            form = None
            if (
                self.bound_form is not None
                and self.bound_form.data.get("original_start", "")[:16] == key[:16]
            ):
                form = self.bound_form
            sessions.append(
                {
                    "occurrence": occurrence,
                    "key": key,
                    "label": session_label(occurrence.start, occurrence.end),
                    "original_label": session_label(occurrence.recurrence_id) if occurrence.is_moved else "",
                    "form": form
                    or SessionForm(
                        atelier=self.atelier,
                        initial=SessionForm.initial_for(occurrence),
                        auto_id=f"seance{index}_%s",
                    ),
                    "open": form is not None,
                }
            )
        context.update(
            atelier=self.atelier,
            sessions=sessions,
            schedule=self.atelier.describe_schedule(),
            read_only=self.atelier.source != enums.Source.LOCAL,
            edit_url=self.edit_url(),
            cancel_url=_url("cancel_session", self.atelier.pk),
            restore_url=_url("restore_session", self.atelier.pk),
            update_url=_url("update_session", self.atelier.pk),
        )
        return context


class SessionActionView(AtelierAccessMixin, View):
    """A POST-only change of one session, named by its original start (local ISO date and time)."""

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def original_start(self):
        try:
            return localize(
                to_local_naive(datetime.fromisoformat(self.request.POST.get("original_start", "")))
            )
        except ValueError:
            return None

    def post(self, request, *args, **kwargs):
        if self.atelier.source != enums.Source.LOCAL:
            messages.error(request, _("Les séances d'un atelier importé se modifient à sa source."))
            return redirect(self.sessions_url())
        original_start = self.original_start()
        if original_start is None:
            messages.error(request, _("Séance introuvable."))
            return redirect(self.sessions_url())
        try:
            response = self.act(original_start)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.sessions_url())
        return response or redirect(self.sessions_url())


class CancelSessionView(SessionActionView):
    def act(self, original_start):
        domain.cancel_session(atelier=self.atelier, original_start=original_start)
        messages.success(
            self.request,
            _("La séance du %(session)s est annulée. Elle reste affichée, barrée, pour prévenir le public.")
            % {"session": session_label(original_start)},
        )


class RestoreSessionView(SessionActionView):
    def act(self, original_start):
        domain.restore_session(atelier=self.atelier, original_start=original_start)
        messages.success(
            self.request,
            _("La séance du %(session)s est rétablie.") % {"session": session_label(original_start)},
        )


class UpdateSessionView(SessionActionView):
    def act(self, original_start):
        form = SessionForm(self.request.POST, atelier=self.atelier)
        if not form.is_valid():
            messages.error(
                self.request, _("La séance n'a pas été modifiée : corrigez les erreurs indiquées.")
            )
            view = SessionsView(viewset=self.viewset, atelier=self.atelier, bound_form=form)
            view.setup(self.request)
            return view.render_to_response(view.get_context_data())
        domain.update_session(atelier=self.atelier, original_start=original_start, **form.changes())
        messages.success(
            self.request,
            _("La séance du %(session)s est modifiée.") % {"session": session_label(original_start)},
        )


class DuplicateView(AtelierAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """Ask (GET), then copy the atelier and open the copy's edit page (POST)."""

    template_name = "events/admin/duplicate.html"
    header_icon = "copy"

    def get_page_title(self):
        return _("Dupliquer « %(title)s »") % {"title": self.atelier.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            atelier=self.atelier, edit_url=self.edit_url(), action_url=_url("duplicate", self.atelier.pk)
        )
        return context

    def post(self, request, *args, **kwargs):
        copy = domain.duplicate_atelier(atelier=self.atelier, user=request.user)
        messages.success(
            request,
            _("Copie créée : « %(title)s ». Changez ce qui doit l'être, puis enregistrez.")
            % {"title": copy.title},
        )
        return redirect(_url("edit", copy.pk))
