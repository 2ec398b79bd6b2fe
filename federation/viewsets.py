"""The « Instances suivies » admin section (Paramètres): administrators add the Maillage instances to follow,
see each one's state (à jour / en erreur, last error in French, last sync) and may ask for a sync now."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from wagtail.admin.views.generic import DeleteView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Peer
from .permissions import PeerPermissionPolicy
from .sync import retry_given_up, unfollow
from .tasks import sync_peer_task


class SyncNowView(View):
    """POST only: enqueue a sync of one peer, then back to the list."""

    index_url_name = ""

    def post(self, request, pk):
        if not PeerPermissionPolicy(Peer).user_has_permission(request.user, "change"):
            return redirect("wagtailadmin_home")
        peer = get_object_or_404(Peer, pk=pk)
        sync_peer_task.delay(peer_id=peer.pk)
        messages.success(request, _("La synchronisation de %(peer)s est demandée.") % {"peer": peer})
        return redirect(self.index_url_name)


class RetryGivenUpView(View):
    """POST only: the objects given up after every try are tried again, from a sync enqueued now."""

    inspect_url_name = ""

    def post(self, request, pk):
        if not PeerPermissionPolicy(Peer).user_has_permission(request.user, "change"):
            return redirect("wagtailadmin_home")
        peer = get_object_or_404(Peer, pk=pk)
        count = retry_given_up(peer=peer)
        if count:
            sync_peer_task.delay_on_commit(peer_id=peer.pk)
            messages.success(
                request,
                ngettext(
                    "%(count)s objet abandonné sera réessayé par la synchronisation demandée.",
                    "%(count)s objets abandonnés seront réessayés par la synchronisation demandée.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Aucun objet abandonné à réessayer."))
        return redirect(self.inspect_url_name, pk)


class PeerDeleteView(DeleteView):
    """Deleting a followed instance removes what was copied from it too: copies without a source would
    stay read-only and never be updated again."""

    def delete_action(self):
        unfollow(peer=self.object)


class PeerInspectView(InspectView):
    """The peer's page also lists the objects left out of its syncs, with their tries and reason, so that
    the administrator sees what is still retried and what was given up (`federation.models.SkippedItem`)."""

    shown = 20
    template_name = "federation/peer/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["given_up_count"] = self.object.skipped_items.given_up().count()
        context["retry_url"] = reverse("federation:retry", args=[self.object.pk])
        context["retry_hours"] = f"{settings.MAILLAGE_PEER_GIVEN_UP_RETRY_HOURS:g}"
        return context

    def get_field_label(self, field_name, field):
        if field_name == "skipped_items":
            return _("Objets non copiés")
        return super().get_field_label(field_name, field)

    def get_skipped_items_display_value(self):
        items = list(self.object.skipped_items.all()[: self.shown + 1])
        if not items:
            return "-"
        lines = [
            ngettext(
                "%(item)s, %(attempts)s essai : %(reason)s",
                "%(item)s, %(attempts)s essais : %(reason)s",
                item.attempts,
            )
            % {"item": item, "attempts": item.attempts, "reason": item.reason}
            for item in items[: self.shown]
        ]
        if len(items) > self.shown:
            lines.append("…")
        return " ; ".join(lines)


class PeerViewSet(ModelViewSet):
    model = Peer
    icon = "globe"
    menu_label = gettext_lazy("Instances suivies")
    menu_order = 930
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    delete_view_class = PeerDeleteView
    inspect_view_class = PeerInspectView
    form_fields = ["url", "name", "active"]
    list_display = ["__str__", "url", "active", "status", "last_sync_at", "last_error"]
    list_filter = ["status", "active"]
    inspect_view_fields = [
        "url",
        "name",
        "active",
        "status",
        "last_error",
        "last_report",
        "last_sync_at",
        "last_success_at",
        "skipped_items",
        "created_at",
    ]

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().none()

    def get_urlpatterns(self):
        sync_now = SyncNowView.as_view(index_url_name=self.get_url_name("index"))
        retry = RetryGivenUpView.as_view(inspect_url_name=self.get_url_name("inspect"))
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/synchroniser/", sync_now, name="sync"),
            path("<int:pk>/reessayer/", retry, name="retry"),
        ]


peer_viewset = PeerViewSet("federation")
