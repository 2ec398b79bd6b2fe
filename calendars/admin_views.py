"""Admin screens of synchronised calendars (`Feed`): list, add then preview, detail, actions, and detaching.

What must stay true:
- every feed is read through `manageable_feeds(user)` and every atelier through `manageable_ateliers(user)`,
  so another structure's feed or atelier is simply not found (404), whatever the action;
- a new feed is saved inactive: nothing is imported before its owner has read the preview and activated it;
- the sync runs in Celery (`sync_feed_task`), enqueued after the commit so that the worker reads the saved
  feed; screens only say it is under way.
Wording, state and warning texts live in `calendars.admin_display`.
"""

from datetime import timedelta

from django import forms
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from events import enums
from events.permissions import manageable_ateliers, manageable_structure_ids
from network.models import StructurePage
from network.permissions import manageable_structures

from .admin_display import ERROR_ADVICE, feed_row, preview_rows, url_help, warning_rows
from .models import Feed, normalise_feed_url

NAMESPACE = "calendriers"  # the viewset's name (see `calendars.viewsets`)
PREVIEW_LIMIT = 20

INTERVAL_CHOICES = [
    (15, gettext_lazy("Tous les quarts d'heure")),
    (60, gettext_lazy("Toutes les heures")),
    (180, gettext_lazy("Toutes les 3 heures")),
    (720, gettext_lazy("Deux fois par jour")),
    (1440, gettext_lazy("Une fois par jour")),
]


def feeds_url(name, *args):
    return reverse(f"{NAMESPACE}:{name}", args=args)


def manageable_feeds(user):
    """The feeds the user may see and act on: those of the structures they manage."""
    if not user.is_authenticated or not user.is_active:
        return Feed.objects.none()
    if user.is_superuser:
        return Feed.objects.all()
    return Feed.objects.filter(structure_id__in=manageable_structure_ids(user))


def user_manages_any_structure(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or bool(manageable_structure_ids(user)))
    )


# Named seams: the sync engine and the task live elsewhere (`calendars.sync`, `calendars.tasks`).


def run_preview(feed):
    """Fetch and read the calendar without writing anything (`calendars.sync.preview_feed`)."""
    from .sync import preview_feed

    return preview_feed(feed=feed)


def fetch_error_class():
    try:
        from .fetch import FetchError
    except ImportError:  # the sync engine is not installed yet: nothing can raise it
        return ()
    return FetchError


def enqueue_sync(feed_id: int) -> None:
    from .tasks import sync_feed_task

    sync_feed_task.delay(feed_id=feed_id)


def start_sync_after_commit(feed) -> None:
    feed_id = feed.pk
    transaction.on_commit(lambda: enqueue_sync(feed_id))


# Form ------------------------------------------------------------------------------------------------


class FeedForm(WagtailAdminModelForm):
    """Step 1 of adding a calendar (and its later changes): where it is, whose it is, what to add to it."""

    structure = forms.ModelChoiceField(
        label=gettext_lazy("Structure"), queryset=StructurePage.objects.none(), empty_label=None
    )
    url = forms.CharField(
        label=gettext_lazy("Adresse du calendrier (iCal)"),
        max_length=2000,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}),
    )
    default_themes = forms.MultipleChoiceField(
        label=gettext_lazy("Thèmes donnés à tous les ateliers de ce calendrier"),
        choices=enums.Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    default_publics = forms.MultipleChoiceField(
        label=gettext_lazy("Publics donnés à tous les ateliers de ce calendrier"),
        choices=enums.AtelierPublic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.TypedChoiceField(
        label=gettext_lazy("Fréquence de mise à jour"),
        choices=INTERVAL_CHOICES,
        coerce=int,
        initial=60,
        help_text=gettext_lazy("Maillage relit votre agenda à ce rythme."),
    )

    class Meta:
        model = Feed
        fields = [
            "structure",
            "name",
            "url",
            "default_themes",
            "default_publics",
            "default_visibility",
            "default_place_name",
            "default_address",
            "default_commune",
        ]
        labels = {
            "name": gettext_lazy("Nom du calendrier"),
            "default_visibility": gettext_lazy("Qui voit ces ateliers"),
            "default_place_name": gettext_lazy("Lieu, quand l'événement n'en donne pas"),
            "default_address": gettext_lazy("Adresse, quand l'événement n'en donne pas"),
            "default_commune": gettext_lazy("Commune, quand l'événement n'en donne pas"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].help_text = url_help()
        structures = manageable_structures(self.for_user).order_by("title")
        self.fields["structure"].queryset = structures
        if not self.instance.pk and len(structures) == 1:
            self.initial.setdefault("structure", structures[0].pk)
        if self.instance.pk:
            self.initial["frequency"] = int(self.instance.interval.total_seconds() // 60)
        self.fields["default_visibility"].widget = forms.RadioSelect(
            choices=self.fields["default_visibility"].choices
        )

    def clean_url(self):
        return normalise_feed_url(self.cleaned_data["url"])

    def save(self, commit=True):
        feed = super().save(commit=False)
        feed.interval = timedelta(minutes=self.cleaned_data["frequency"])
        if "url" in self.changed_data and feed.pk:
            # Another calendar: what the last fetch kept no longer describes it.
            feed.etag = feed.last_modified_header = feed.content_hash = ""
        if commit:
            feed.save()
        return feed


# Views ------------------------------------------------------------------------------------------------


def forbidden(request):
    return TemplateResponse(
        request,
        "calendars/admin/forbidden.html",
        {"page_title": _("Accès refusé"), "header_title": _("Accès refusé"), "header_icon": "lock"},
        status=403,
    )


class FeedsMixin(WagtailAdminTemplateMixin):
    """Admin page chrome, and the rule: only people who manage at least one structure come in."""

    header_icon = "calendar-alt"

    def dispatch(self, request, *args, **kwargs):
        if not user_manages_any_structure(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [*super().get_breadcrumbs_items(), {"url": feeds_url("index"), "label": _("Calendriers")}]
        return [*items, {"url": "", "label": self.get_page_title()}]


class FeedObjectMixin(FeedsMixin):
    """Load the feed named in the URL among the user's own (404 otherwise)."""

    def dispatch(self, request, *args, pk, **kwargs):
        if not user_manages_any_structure(request.user):
            return forbidden(request)
        self.feed = get_object_or_404(manageable_feeds(request.user).select_related("structure"), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = WagtailAdminTemplateMixin.get_breadcrumbs_items(self)
        return [
            *items,
            {"url": feeds_url("index"), "label": _("Calendriers")},
            {"url": feeds_url("detail", self.feed.pk), "label": str(self.feed)},
            {"url": "", "label": self.get_page_title()},
        ]


class FeedIndexView(FeedsMixin, TemplateView):
    template_name = "calendars/admin/index.html"

    def get_page_title(self):
        return _("Calendriers synchronisés")

    def get_breadcrumbs_items(self):
        return [
            *WagtailAdminTemplateMixin.get_breadcrumbs_items(self),
            {"url": "", "label": _("Calendriers")},
        ]

    def get_context_data(self, **kwargs):
        feeds = manageable_feeds(self.request.user).select_related("structure").order_by("structure__title")
        return super().get_context_data(
            rows=[feed_row(feed, feeds_url("detail", feed.pk)) for feed in feeds],
            add_url=feeds_url("add"),
            **kwargs,
        )


class FeedFormView(FeedsMixin, TemplateView):
    """Shared by "add" and "edit": the form, then the preview (always, for a new or re-addressed feed)."""

    template_name = "calendars/admin/form.html"
    instance = None

    def form(self, data=None):
        return FeedForm(data, instance=self.instance, for_user=self.request.user)

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(form=form or self.form(), feed=self.instance, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Le calendrier n'a pas été enregistré : corrigez les erreurs indiquées.")
            )
            return self.render_to_response(self.get_context_data(form=form))
        is_new = form.instance.pk is None
        feed = form.save()
        if is_new or "url" in form.changed_data or not feed.active:
            messages.success(request, _("Calendrier enregistré. Vérifiez ci-dessous ce que Maillage y lit."))
            return redirect(feeds_url("preview", feed.pk))
        messages.success(request, _("Calendrier « %(name)s » enregistré.") % {"name": feed})
        return redirect(feeds_url("detail", feed.pk))


class FeedCreateView(FeedFormView):
    header_icon = "plus"

    def get_page_title(self):
        return _("Ajouter un calendrier")


class FeedEditView(FeedObjectMixin, FeedFormView):
    header_icon = "edit"

    def form(self, data=None):
        self.instance = self.feed
        return super().form(data)

    def get_page_title(self):
        return _("Modifier le calendrier")


class FeedPreviewView(FeedObjectMixin, TemplateView):
    """Step 2: what Maillage reads in the calendar (nothing written), then "Activer la synchronisation"."""

    template_name = "calendars/admin/preview.html"
    header_icon = "view"

    def get_page_title(self):
        return _("Aperçu de « %(name)s »") % {"name": self.feed}

    def get_context_data(self, **kwargs):
        report, error = None, ""
        try:
            report = run_preview(self.feed)
        except fetch_error_class() as exc:
            error = str(exc)
        except ImportError:
            error = _("L'aperçu n'est pas encore disponible sur ce site. Réessayez dans quelques minutes.")
        return super().get_context_data(
            feed=self.feed,
            report=report,
            events=preview_rows(getattr(report, "preview", [])[:PREVIEW_LIMIT]),
            warnings=warning_rows(getattr(report, "warnings", [])),
            error=error,
            error_advice=ERROR_ADVICE,
            more_events=max(0, (getattr(report, "event_count", 0) or 0) - PREVIEW_LIMIT),
            activate_url=feeds_url("activate", self.feed.pk),
            edit_url=feeds_url("edit", self.feed.pk),
            detail_url=feeds_url("detail", self.feed.pk),
            **kwargs,
        )


class FeedDetailView(FeedObjectMixin, TemplateView):
    template_name = "calendars/admin/detail.html"

    def get_page_title(self):
        return str(self.feed)

    def get_breadcrumbs_items(self):
        return [
            *WagtailAdminTemplateMixin.get_breadcrumbs_items(self),
            {"url": feeds_url("index"), "label": _("Calendriers")},
            {"url": "", "label": str(self.feed)},
        ]

    def get_context_data(self, **kwargs):
        feed = self.feed
        imported = feed.ateliers.filter(detached=False).count()
        return super().get_context_data(
            feed=feed,
            row=feed_row(feed, feeds_url("detail", feed.pk)),
            warnings=warning_rows(feed.warnings or []),
            error_advice=ERROR_ADVICE,
            imported_count=imported,
            detached_count=feed.ateliers.filter(detached=True).count(),
            ateliers_url=f"{reverse('ateliers:index')}?structure={feed.structure_id}",
            preview_url=feeds_url("preview", feed.pk),
            edit_url=feeds_url("edit", feed.pk),
            delete_url=feeds_url("delete", feed.pk),
            sync_url=feeds_url("sync", feed.pk),
            activate_url=feeds_url("activate", feed.pk),
            deactivate_url=feeds_url("deactivate", feed.pk),
            **kwargs,
        )


class FeedActionView(FeedObjectMixin, View):
    """A POST-only action on one feed; GET answers 405."""

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            self.act()
        return redirect(feeds_url("detail", self.feed.pk))


class FeedActivateView(FeedActionView):
    def act(self):
        self.feed.active = True
        self.feed.next_run_at = None
        self.feed.save(update_fields=["active", "next_run_at", "updated_at"])
        start_sync_after_commit(self.feed)
        messages.success(
            self.request,
            _(
                "La synchronisation est lancée : les ateliers apparaissent d'ici quelques minutes. "
                "Maillage relira ensuite votre agenda tout seul."
            ),
        )


class FeedDeactivateView(FeedActionView):
    def act(self):
        self.feed.active = False
        self.feed.save(update_fields=["active", "updated_at"])
        messages.success(
            self.request,
            _(
                "Synchronisation arrêtée. Les ateliers déjà importés restent en ligne ; "
                "ils ne suivent plus les changements de votre agenda."
            ),
        )


class FeedSyncNowView(FeedActionView):
    def act(self):
        if not self.feed.active:
            messages.error(self.request, _("Ce calendrier est désactivé : activez-le d'abord."))
            return
        start_sync_after_commit(self.feed)
        messages.success(
            self.request,
            _("La synchronisation est lancée. Rechargez cette page dans une minute pour voir le bilan."),
        )


class FeedDeleteView(FeedObjectMixin, TemplateView):
    """Ask (GET), then delete (POST). Deleting removes the imported ateliers (the foreign key cascades)."""

    template_name = "calendars/admin/delete.html"
    header_icon = "bin"

    def get_page_title(self):
        return _("Supprimer « %(name)s »") % {"name": self.feed}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            feed=self.feed,
            imported_count=self.feed.ateliers.filter(detached=False).count(),
            detached_count=self.feed.ateliers.filter(detached=True).count(),
            action_url=feeds_url("delete", self.feed.pk),
            detail_url=feeds_url("detail", self.feed.pk),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        name = str(self.feed)
        with transaction.atomic():
            # Detached ateliers belong to the structure now: keep them (the cascade would take them).
            self.feed.ateliers.filter(detached=True).update(feed=None)
            self.feed.delete()
        messages.success(
            request, _("Calendrier « %(name)s » supprimé, avec ses ateliers importés.") % {"name": name}
        )
        return redirect(feeds_url("index"))


# Detaching an imported atelier ------------------------------------------------------------------------


class DetachAtelierView(WagtailAdminTemplateMixin, TemplateView):
    """Ask (GET), then turn an imported atelier into one edited here (POST); syncs never touch it again.

    `feed` and `remote_uid` are kept: they say where it came from, and keep the sync from creating it again.
    """

    template_name = "calendars/admin/detach.html"
    header_icon = "cut"

    def dispatch(self, request, *args, pk, **kwargs):
        self.atelier = get_object_or_404(manageable_ateliers(request.user).select_related("feed"), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Détacher « %(title)s » du calendrier") % {"title": self.atelier.title}

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("ateliers:index"), "label": _("Ateliers")},
            {"url": reverse("ateliers:edit", args=[self.atelier.pk]), "label": self.atelier.title},
            {"url": "", "label": _("Détacher")},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            atelier=self.atelier,
            detachable=is_detachable(self.atelier),
            action_url=feeds_url("detach", self.atelier.pk),
            edit_url=reverse("ateliers:edit", args=[self.atelier.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        atelier = self.atelier
        if not is_detachable(atelier):
            messages.error(request, _("Cet atelier n'est pas importé d'un calendrier : rien à détacher."))
            return redirect(reverse("ateliers:edit", args=[atelier.pk]))
        atelier.detached = True
        atelier.source = enums.Source.LOCAL
        atelier.save(update_fields=["detached", "source", "updated_at"])
        messages.success(
            request,
            _(
                "« %(title)s » est détaché de son calendrier : vous pouvez maintenant tout modifier ici. "
                "Les synchronisations ne le changeront plus."
            )
            % {"title": atelier.title},
        )
        return redirect(reverse("ateliers:edit", args=[atelier.pk]))


def is_detachable(atelier) -> bool:
    return atelier.source == enums.Source.FEED and atelier.feed_id is not None and not atelier.detached
