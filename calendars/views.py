"""Admin screens of synchronised calendars (`Feed`), as views of `calendars.viewsets.FeedViewSet`.

Wagtail's generic views (list, add, edit, delete, inspect) plus the calendar's own steps: preview, activate,
deactivate, sync now, and detaching one imported atelier.

What must stay true:
- every feed is read through `manageable_feeds(user)` and every atelier through `manageable_ateliers(user)`,
  so another structure's feed or atelier is simply not found (404), whatever the view; people who manage no
  structure at all are turned away by the permission policy (`calendars.permissions`);
- a new feed, or one given another address, is shown in preview before anything is imported: it is saved
  inactive and « à corriger » and opens on its preview; once the preview has read it, « Activer la
  synchronisation » starts the first sync. One address per structure: a second one is refused in French,
  even when two submissions race (the database constraint, caught here);
- syncs and previews run in Celery (`calendars.domain`); screens only say that one is under way, and no
  view ever downloads a calendar itself.
Wording, state and warning texts live in `calendars.display`.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import ButtonsColumnMixin, Column, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets import Button

from events.permissions import manageable_ateliers

from . import display, domain
from .models import Feed, FeedPreviewStatus
from .permissions import manageable_feeds
from .preview import stored_events


class FeedViewMixin:
    """What every calendar view shares: the viewset (for its URLs) and the user's own feeds only."""

    viewset = None

    def get_feeds(self):
        return manageable_feeds(self.request.user).select_related("structure")

    def feed_url(self, name, obj) -> str:
        return reverse(self.viewset.get_url_name(name), args=[obj.pk])

    def index_breadcrumb(self) -> dict:
        return {"url": reverse(self.viewset.get_url_name("index")), "label": _("Calendriers synchronisés")}


# Listing -------------------------------------------------------------------------------------------------


class FeedTitleColumn(ButtonsColumnMixin, TitleColumn):
    """The calendar's name, linking to its page (state, report, actions), with the row's menu of actions."""

    def __init__(self, name, *, get_buttons, **kwargs):
        super().__init__(name, **kwargs)
        self.get_row_buttons = get_buttons

    def get_buttons(self, instance, parent_context):
        return self.get_row_buttons(instance)


class FeedStateColumn(Column):
    """« Fonctionne », « En erreur depuis le … », « Pas encore synchronisé », as a status tag."""

    cell_template_name = "calendars/feed/includes/state_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(failing=display.is_failing(instance), active=instance.active)
        return context


class FeedIndexView(FeedViewMixin, IndexView):
    add_item_label = gettext_lazy("Ajouter un calendrier")
    default_ordering = "structure__title"

    def get_base_queryset(self):
        return self.get_feeds()

    @cached_property
    def columns(self):
        return [
            FeedTitleColumn(
                "name",
                label=_("Calendrier"),
                accessor=str,
                sort_key="name",
                get_url=self.get_inspect_url,
                get_buttons=self.get_list_buttons,
            ),
            Column(
                "structure", label=_("Structure"), accessor="structure.title", sort_key="structure__title"
            ),
            FeedStateColumn("state", label=_("État"), accessor=display.state_label, sort_key="status"),
            Column(
                "last_success",
                label=_("Dernière réussite"),
                accessor=display.last_success_label,
                sort_key="last_success_at",
            ),
            Column("next_run", label=_("Prochaine mise à jour"), accessor=display.next_run_label),
            Column("unchanged", label=_("Relevés sans changement"), accessor="unchanged_fetches"),
            Column(
                "counts",
                label=_("Dernier bilan"),
                accessor=lambda feed: display.counts_label(feed.last_counts),
            ),
            Column("warnings", label=_("Avertissements"), accessor=lambda feed: len(feed.warnings or [])),
        ]

    def get_list_more_buttons(self, instance):
        return [
            MenuItem(
                _("Voir l'état"), url=self.feed_url("inspect", instance), icon_name="info-circle", priority=5
            ),
            MenuItem(
                _("Voir l'aperçu"), url=self.feed_url("preview", instance), icon_name="view", priority=7
            ),
            MenuItem(_("Modifier"), url=self.feed_url("edit", instance), icon_name="edit", priority=10),
            MenuItem(_("Supprimer"), url=self.feed_url("delete", instance), icon_name="bin", priority=30),
        ]


# Adding and changing: the form, then the preview ---------------------------------------------------------


class ScopedFeedMixin(FeedViewMixin):
    """For Wagtail's object views: another structure's feed is not in the queryset, hence a 404."""

    def get_queryset(self):
        return self.get_feeds()


class FeedFormMixin(ScopedFeedMixin):
    """Shared by "add" and "edit": a new, re-addressed or inactive calendar opens on its preview."""

    error_message = gettext_lazy("Le calendrier n'a pas été enregistré : corrigez les erreurs indiquées.")

    def needs_preview(self) -> bool:
        return True

    def get_success_url(self):
        if self.needs_preview():
            return self.feed_url("preview", self.object)
        return self.feed_url("inspect", self.object)

    def get_success_message(self, instance=None):
        if self.needs_preview():
            return _("Calendrier enregistré. Vérifiez ci-dessous ce que Maillage y lit.")
        return _("Calendrier « %(name)s » enregistré.") % {"name": self.object}

    def get_success_buttons(self):
        return []

    def form_valid(self, form):
        """The form refuses a known duplicate; one saved meanwhile (a double click) hits the constraint."""
        try:
            return super().form_valid(form)
        except IntegrityError:
            if not Feed.objects.filter(
                structure=form.cleaned_data["structure"], url=form.cleaned_data["url"]
            ).exists():
                raise
            form.add_error("url", _("Ce calendrier est déjà relié à cette structure."))
            return self.form_invalid(form)


class FeedCreateView(FeedFormMixin, CreateView):
    page_title = gettext_lazy("Ajouter un calendrier")
    submit_button_label = gettext_lazy("Enregistrer et voir l'aperçu")
    submit_button_active_label = gettext_lazy("Enregistrement…")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            self.index_breadcrumb(),
            {"url": "", "label": self.get_page_title()},
        ]


class FeedEditView(FeedFormMixin, EditView):
    submit_button_label = gettext_lazy("Enregistrer")
    submit_button_active_label = gettext_lazy("Enregistrement…")

    def needs_preview(self) -> bool:
        return "url" in self.form.changed_data or not self.object.active

    @cached_property
    def header_more_buttons(self):
        return [
            Button(
                _("Voir l'état"),
                url=self.feed_url("inspect", self.object),
                icon_name="info-circle",
                priority=5,
            ),
            Button(_("Supprimer"), url=self.feed_url("delete", self.object), icon_name="bin", priority=20),
        ]

    def get_usage_url(self):
        return None  # nothing refers to a calendar but its own ateliers, counted on its page


class FeedDeleteView(ScopedFeedMixin, DeleteView):
    """Ask, then delete the calendar and the ateliers it imported; detached ateliers stay (`domain`)."""

    def get_usage_url(self):
        return None

    def get_success_message(self):
        return _("Calendrier « %(name)s » supprimé, avec ses ateliers importés.") % {"name": self.object}

    def delete_action(self):
        domain.delete_feed(feed=self.object, user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            imported_count=self.object.ateliers.filter(detached=False).count(),
            detached_count=self.object.ateliers.filter(detached=True).count(),
            inspect_url=self.feed_url("inspect", self.object),
            **kwargs,
        )


class ScopedObjectMixin(FeedViewMixin):
    """For Wagtail's listings about one object (history, usage): the object is looked up among the user's."""

    def get_base_object_queryset(self):
        return self.get_feeds()


class FeedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class FeedUsageView(ScopedObjectMixin, UsageView):
    pass


class FeedInspectView(FeedViewMixin, InspectView):
    """The calendar's page: its state, last report, last error and warnings, and what can be done."""

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_feeds(), pk=self.pk)

    def get_page_title(self):
        return str(self.object)

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            self.index_breadcrumb(),
            {"url": "", "label": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        feed = self.object
        return super().get_context_data(
            feed=feed,
            state=display.state_label(feed),
            last_success=display.last_success_label(feed),
            next_run=display.next_run_label(feed),
            counts=display.counts_label(feed.last_counts),
            warnings=display.warning_rows(feed.warnings),
            error_advice=display.ERROR_ADVICE,
            imported_count=feed.ateliers.filter(detached=False).count(),
            detached_count=feed.ateliers.filter(detached=True).count(),
            ateliers_url=f"{reverse('ateliers:index')}?structure={feed.structure_id}",
            preview_url=self.feed_url("preview", feed),
            edit_url=self.feed_url("edit", feed),
            delete_url=self.feed_url("delete", feed),
            sync_url=self.feed_url("sync", feed),
            activate_url=self.feed_url("activate", feed),
            deactivate_url=self.feed_url("deactivate", feed),
            **kwargs,
        )


# The calendar's own steps --------------------------------------------------------------------------------


class FeedObjectView(FeedViewMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One of the user's feeds, named in the URL (404 otherwise), with the admin's page furniture."""

    model = Feed
    permission_required = "change"
    header_icon = "calendar-alt"

    @cached_property
    def object(self):
        return get_object_or_404(self.get_feeds(), pk=self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            self.index_breadcrumb(),
            {"url": self.feed_url("inspect", self.object), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]


class FeedPreviewView(FeedObjectView):
    """Step 2: what Maillage reads in the calendar (nothing written), then « Activer la synchronisation ».

    The calendar is read by a Celery worker (`domain.request_preview`), never here: a slow calendar host
    would hold this web worker for the whole fetch deadline. Until the reading ends, the page says so in a
    live region and asks `FeedPreviewStateView` every few seconds; then it shows the result. POST asks for
    a new reading (« Relire le calendrier »).
    """

    template_name = "calendars/feed/preview.html"
    header_icon = "view"

    def get_page_title(self):
        return _("Aperçu de « %(name)s »") % {"name": self.object}

    def post(self, request, *args, **kwargs):
        domain.request_preview(feed=self.object, user=request.user, again=True)
        return redirect(self.feed_url("preview", self.object))

    def get_context_data(self, **kwargs):
        reading = domain.request_preview(feed=self.object, user=self.request.user)
        result = reading.result if reading.status == FeedPreviewStatus.DONE else {}
        return super().get_context_data(
            feed=self.object,
            reading=reading,
            reading_finished=reading.finished,
            state_url=self.feed_url("preview_state", self.object),
            report=result or None,
            events=display.preview_rows(stored_events(result)),
            warnings=display.warning_rows(result.get("warnings")),
            error=reading.error if reading.status == FeedPreviewStatus.FAILED else "",
            error_advice=display.ERROR_ADVICE,
            more_events=result.get("more_events", 0),
            activate_url=self.feed_url("activate", self.object),
            edit_url=self.feed_url("edit", self.object),
            inspect_url=self.feed_url("inspect", self.object),
            preview_url=self.feed_url("preview", self.object),
            **kwargs,
        )


class FeedPreviewStateView(FeedViewMixin, PermissionCheckedMixin, View):
    """Whether the user's reading of one of their feeds has ended, as JSON, for the preview page's script.

    Reads only: a page polling it never starts a download. Another structure's feed is not found (404).
    """

    model = Feed
    permission_required = "change"

    def get(self, request, *args, pk, **kwargs):
        feed = get_object_or_404(self.get_feeds(), pk=pk)
        reading = domain.latest_preview(feed=feed, user=request.user)
        # No reading (expired meanwhile) counts as ended: reloading the page asks for a new one.
        finished = reading is None or reading.finished or reading.is_stale()
        return JsonResponse({"status": reading.status if reading else "", "finished": finished})


class FeedActionView(FeedViewMixin, PermissionCheckedMixin, View):
    """A POST-only action on one of the user's feeds, back to its page; GET answers 405."""

    model = Feed
    permission_required = "change"

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, pk, **kwargs):
        feed = get_object_or_404(self.get_feeds(), pk=pk)
        try:
            self.act(feed)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success_message)
        return redirect(self.feed_url("inspect", feed))


class FeedActivateView(FeedActionView):
    success_message = gettext_lazy(
        "La synchronisation est lancée : les ateliers apparaissent d'ici quelques minutes. "
        "Maillage relira ensuite votre agenda tout seul."
    )

    def act(self, feed):
        domain.activate_feed(feed=feed)


class FeedDeactivateView(FeedActionView):
    success_message = gettext_lazy(
        "Synchronisation arrêtée. Les ateliers déjà importés restent en ligne ; "
        "ils ne suivent plus les changements de votre agenda."
    )

    def act(self, feed):
        domain.deactivate_feed(feed=feed)


class FeedSyncView(FeedActionView):
    success_message = gettext_lazy(
        "La synchronisation est lancée. Rechargez cette page dans une minute pour voir le bilan."
    )

    def act(self, feed):
        domain.request_sync(feed=feed)


class DetachAtelierView(FeedViewMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Ask (GET), then turn an imported atelier into one edited here (POST); syncs never touch it again."""

    model = Feed
    permission_required = "change"
    template_name = "calendars/feed/detach.html"
    header_icon = "cut"

    @cached_property
    def atelier(self):
        return get_object_or_404(
            manageable_ateliers(self.request.user).select_related("feed"), pk=self.kwargs["pk"]
        )

    def edit_url(self) -> str:
        return reverse("ateliers:edit", args=[self.atelier.pk])

    def get_page_title(self):
        return _("Détacher « %(title)s » du calendrier") % {"title": self.atelier.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ateliers:index"), "label": _("Ateliers")},
            {"url": self.edit_url(), "label": self.atelier.title},
            {"url": "", "label": _("Détacher")},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            atelier=self.atelier,
            detachable=domain.is_detachable(self.atelier),
            action_url=self.feed_url("detach", self.atelier),
            edit_url=self.edit_url(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            domain.detach_atelier(atelier=self.atelier)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "« %(title)s » est détaché de son calendrier : vous pouvez maintenant tout modifier ici. "
                    "Les synchronisations ne le changeront plus."
                )
                % {"title": self.atelier.title},
            )
        return redirect(self.edit_url())
