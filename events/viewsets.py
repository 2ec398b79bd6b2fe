"""The "Ateliers" admin section: a `ModelViewSet` scoped to the structures the user manages.

The form is grouped the way a mediator thinks about a workshop (what, for whom, when, where, how to sign
up, accessibility, publication). In « Quand », the questions of each rhythm sit in their own fieldset whose
legend says when it applies (`RhythmFieldset`): without JavaScript all of them show, each clearly labelled;
with it, only those of the chosen rhythm. A field is always shown or hidden together with its label.
Extra screens (sessions, duplicate, preview) live under the same URL prefix and namespace, so every link
is built from the viewset.
"""

import django_filters
from django.forms import Media
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel, PanelGroup
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from network.models import StructurePage

from . import admin_views, enums
from .admin_widgets import LabelledRichTextArea
from .forms_admin import AtelierAdminForm, initial_schedule, schedule_preview, session_label
from .models import Atelier
from .permissions import manageable_structure_ids


class SchedulePreviewPanel(Panel):
    """The sentence and the next sessions, refreshed by `atelier-recurrence.js`, rendered server-side too."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "events/admin/schedule_preview_panel.html"

        @property
        def media(self):
            return Media(js=["js/atelier-recurrence.js"])

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["preview_url"] = reverse(atelier_viewset.get_url_name("preview"))
            context["preview"] = self.current_preview()
            context["raw_rrule"] = (
                initial_schedule(self.instance).get("raw_rrule") if self.instance.pk else ""
            )
            context["raw_rrule_field"] = self.form["raw_rrule"]
            return context

        def current_preview(self):
            form = self.form
            if form.is_bound:
                return getattr(form, "cleaned_data", {}).get("preview")
            if self.instance.pk:
                atelier = self.instance
                start = atelier.first_start
                return schedule_preview(
                    start=start,
                    end=start + atelier.duration,
                    rule=atelier.rule,
                    rrule=atelier.rrule,
                    exdates=atelier.schedule.exdates,
                )
            return None


class RhythmFieldset(PanelGroup):
    """Questions that apply to some rhythms only (`enums.Frequency` values in `applies_to`), in a fieldset
    whose legend says when; `atelier-recurrence.js` hides it when another rhythm is chosen. It has no
    heading of its own, so the enclosing panel draws no label above it: the legend is its name."""

    def __init__(self, children=(), *args, legend="", applies_to=(), **kwargs):
        super().__init__(children, *args, **kwargs)
        self.legend, self.applies_to = legend, tuple(applies_to)

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "legend": self.legend, "applies_to": self.applies_to}

    class BoundPanel(PanelGroup.BoundPanel):
        template_name = "events/admin/panels/rhythm_fieldset.html"

        @property
        def legend(self):
            return self.panel.legend

        @property
        def applies_to(self):
            return self.panel.applies_to


REPEATING = (enums.Frequency.WEEKLY, enums.Frequency.MONTHLY)


def next_session_label(atelier) -> str:
    return session_label(atelier.next_start) if atelier.next_start else ""


class AtelierFilterSet(WagtailFilterSet):
    structure = django_filters.ModelChoiceFilter(
        label=_("Structure"),
        queryset=lambda request: (
            StructurePage.objects.filter(pk__in=manageable_structure_ids(request.user)).order_by("title")
            if request
            else StructurePage.objects.none()
        ),
    )
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=enums.Status.choices)

    class Meta:
        model = Atelier
        fields = ["structure", "status"]


class AtelierViewSet(ModelViewSet):
    """Ateliers of the user's structures: list, add, edit, delete, plus sessions, duplicate and preview."""

    model = Atelier
    icon = "date"
    menu_label = _("Ateliers")
    menu_order = 160
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["title"]
    search_backend_name = None
    filterset_class = AtelierFilterSet
    list_per_page = 50
    list_display = [
        "title",
        Column("structure", label=_("Structure"), accessor="structure.title"),
        Column("schedule", label=_("Quand"), accessor="describe_schedule"),
        Column("next_session", label=_("Prochaine séance"), accessor=next_session_label),
        Column("status", label=_("Statut"), accessor="get_status_display"),
        Column("visibility", label=_("Visibilité"), accessor="get_visibility_display"),
    ]

    index_view_class = admin_views.AtelierIndexView
    add_view_class = admin_views.AtelierCreateView
    edit_view_class = admin_views.AtelierEditView
    delete_view_class = admin_views.AtelierDeleteView
    history_view_class = admin_views.AtelierHistoryView
    usage_view_class = admin_views.AtelierUsageView

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("structure"),
                FieldPanel("title"),
                FieldPanel("summary"),
                FieldPanel(
                    "description",
                    widget=LabelledRichTextArea(features=Atelier._meta.get_field("description").features),
                ),
            ],
            heading=_("Quoi"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("themes"),
                FieldPanel("publics"),
                FieldPanel("level"),
                FieldPanel("prerequisites"),
                FieldPanel("bring_smartphone"),
                FieldPanel("bring_tablet"),
                FieldPanel("bring_laptop"),
                FieldPanel("needs_email"),
                FieldPanel("needs_franceconnect"),
                FieldPanel("equipment_lent"),
            ],
            heading=_("Pour qui"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("start_date"),
                FieldPanel("start_time"),
                FieldPanel("end_time"),
                FieldPanel("repetition"),
                RhythmFieldset(
                    [FieldPanel("interval"), FieldPanel("weekdays")],
                    legend=_("Si l'atelier se répète (chaque semaine ou chaque mois)"),
                    applies_to=REPEATING,
                ),
                RhythmFieldset(
                    [FieldPanel("monthly_position")],
                    legend=_("Si l'atelier revient chaque mois"),
                    applies_to=[enums.Frequency.MONTHLY],
                ),
                RhythmFieldset(
                    [
                        FieldPanel("ending"),
                        FieldPanel("until"),
                        FieldPanel("count"),
                        FieldPanel("skipped_dates"),
                    ],
                    legend=_("Fin de la série et séances retirées (si l'atelier se répète)"),
                    applies_to=REPEATING,
                ),
                # The kept rule (`raw_rrule`) is a hidden input rendered by the preview panel: no label.
                SchedulePreviewPanel(heading=_("Aperçu des prochaines séances")),
            ],
            heading=_("Quand"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("format"),
                FieldPanel("online_url"),
                FieldPanel("place_name"),
                FieldPanel("address"),
                FieldPanel("postal_code"),
                FieldPanel("commune"),
            ],
            heading=_("Où"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration"),
                FieldPanel("registration_details"),
                FieldPanel("capacity"),
                FieldPanel("price"),
                FieldPanel("price_amount"),
                FieldPanel("price_details"),
            ],
            heading=_("Inscription et tarif"),
        ),
        MultiFieldPanel(
            [FieldPanel("accessibility"), FieldPanel("wheelchair_accessible")], heading=_("Accessibilité")
        ),
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("visibility"), FieldPanel("status")], heading=_("Publication")
        ),
    ]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=AtelierAdminForm).bind_to_model(self.model)

    def get_permissions_to_register(self):
        # Rights follow structures (see `events.permissions`): nothing to hand out in the group editor.
        return super().get_permissions_to_register().none()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("apercu/", admin_views.SchedulePreviewView.as_view(), name="preview"),
            path(
                "<int:pk>/seances/",
                admin_views.SessionsView.as_view(viewset=self),
                name="sessions",
            ),
            path(
                "<int:pk>/seances/annuler/",
                admin_views.CancelSessionView.as_view(viewset=self),
                name="cancel_session",
            ),
            path(
                "<int:pk>/seances/retablir/",
                admin_views.RestoreSessionView.as_view(viewset=self),
                name="restore_session",
            ),
            path(
                "<int:pk>/seances/modifier/",
                admin_views.UpdateSessionView.as_view(viewset=self),
                name="update_session",
            ),
            path(
                "<int:pk>/dupliquer/",
                admin_views.DuplicateView.as_view(viewset=self),
                name="duplicate",
            ),
        ]


atelier_viewset = AtelierViewSet("ateliers")
