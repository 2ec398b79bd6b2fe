"""Admin screens of the network app: "Mes structures", a structure's members and invitations, coordinators.

Every structure screen is checked with `can_manage_structure` and answers 403 otherwise (not Wagtail's usual
redirect to the dashboard: an invitation link or a bookmark to another structure must say plainly "not
yours"). Changes go through `network.domain`, so that groups always follow memberships.
"""

import logging
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic import CreateView, DeleteView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from . import address, domain, freshness
from .forms_admin import CoordinationForm, InvitationForm
from .models import Coordination, Invitation, Membership, MembershipRequest, StructurePage, member_name
from .permissions import can_manage_structure, manageable_structures

STRUCTURES_PER_PAGE = 50

logger = logging.getLogger(__name__)


def _forbidden(request, structure=None):
    return TemplateResponse(
        request,
        "network/admin/forbidden.html",
        {
            "structure": structure,
            "page_title": _("Accès refusé"),
            "header_title": _("Accès refusé"),
            "header_icon": "lock",
        },
        status=403,
    )


class MyStructuresView(WagtailAdminTemplateMixin, TemplateView):
    """The structures whose members the user manages, with member and invitation counts in one query."""

    template_name = "network/admin/structures.html"
    page_title = gettext_lazy("Mes structures")
    header_icon = "group"

    def get_queryset(self):
        parent_title = Page.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
        ).values("title")[:1]
        now = timezone.now()
        pending = Q(
            invitations__accepted_at__isnull=True,
            invitations__revoked_at__isnull=True,
            invitations__expires_at__gt=now,
        )
        # Counted on a fresh queryset: `manageable_structures` joins memberships to filter, and counting over
        # that join would count only the user's own membership.
        return (
            StructurePage.objects.filter(pk__in=manageable_structures(self.request.user).values("pk"))
            .annotate(
                bassin_title=Subquery(parent_title),
                member_count=Count("memberships", distinct=True),
                pending_count=Count("invitations", filter=pending, distinct=True),
            )
            .order_by("title")
            .only("pk", "title", "draft_title", "live", "path", "depth")
        )

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(self.get_queryset(), STRUCTURES_PER_PAGE)
        context["structures"] = paginator.get_page(self.request.GET.get("p"))
        return context


class StructureAccessMixin:
    """Load the structure named in the URL; answer 403 unless the user may manage its members."""

    def dispatch(self, request, *args, structure_id, **kwargs):
        self.structure = get_object_or_404(StructurePage, pk=structure_id)
        if not can_manage_structure(request.user, self.structure):
            return _forbidden(request, self.structure)
        return super().dispatch(request, *args, **kwargs)

    def members_url(self):
        return reverse("network_admin:members", kwargs={"structure_id": self.structure.pk})

    def members_title(self):
        return _("Membres de « %(structure)s »") % {"structure": self.structure.title}

    def get_breadcrumbs_items(self):
        items = [
            *super().get_breadcrumbs_items(),
            {"url": reverse("network_admin:structures"), "label": _("Mes structures")},
        ]
        if self.get_page_title() != self.members_title():
            items.append({"url": self.members_url(), "label": self.members_title()})
        return [*items, {"url": "", "label": self.get_page_title()}]


class MembersView(StructureAccessMixin, WagtailAdminTemplateMixin, FormView):
    """Members and open invitations of one structure, and the form that invites someone."""

    template_name = "network/admin/members.html"
    form_class = InvitationForm
    header_icon = "group"

    def get_page_title(self):
        return self.members_title()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "structure": self.structure}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structure"] = self.structure
        context["memberships"] = (
            Membership.objects.filter(structure=self.structure)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user__email")
        )
        context["invitations"] = (
            Invitation.objects.filter(
                structure=self.structure, accepted_at__isnull=True, revoked_at__isnull=True
            )
            .select_related("invited_by")
            .order_by("-created_at")
        )
        context["requests"] = list(
            MembershipRequest.objects.pending().filter(structure=self.structure).for_listing()
        )
        context["can_edit_page"] = self.structure.permissions_for_user(self.request.user).can_edit()
        return context

    def form_valid(self, form):
        invitation = domain.invite_member(
            structure=self.structure,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=self.request.user,
        )
        messages.success(
            self.request,
            _("Invitation envoyée à %(email)s.") % {"email": invitation.email},
        )
        return redirect(self.members_url())


class RemoveMemberView(StructureAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """Ask for confirmation (GET), then remove the member and their editing rights (POST)."""

    template_name = "network/admin/remove_member.html"
    header_icon = "bin"

    def dispatch(self, request, *args, structure_id, membership_id, **kwargs):
        self.membership_id = membership_id
        return super().dispatch(request, *args, structure_id=structure_id, **kwargs)

    @cached_property
    def membership(self):
        return get_object_or_404(
            Membership.objects.select_related("user"), pk=self.membership_id, structure=self.structure
        )

    def get_page_title(self):
        return _("Retirer un membre")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            structure=self.structure,
            membership=self.membership,
            is_self=self.membership.user_id == self.request.user.pk,
            members_url=self.members_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        member = self.membership.user
        domain.remove_member(structure=self.structure, user=member)
        messages.success(
            request,
            _("%(person)s ne fait plus partie de « %(structure)s ».")
            % {"person": member.get_full_name() or member.email, "structure": self.structure.title},
        )
        if not can_manage_structure(request.user, self.structure):
            return redirect("wagtailadmin_home")
        return redirect(self.members_url())


class InvitationActionView(StructureAccessMixin, View):
    """A POST-only action on one open invitation of the structure."""

    def dispatch(self, request, *args, structure_id, invitation_id, **kwargs):
        self.invitation_id = invitation_id
        return super().dispatch(request, *args, structure_id=structure_id, **kwargs)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            Invitation,
            pk=self.invitation_id,
            structure=self.structure,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        self.act(invitation)
        return redirect(self.members_url())


class RevokeInvitationView(InvitationActionView):
    def act(self, invitation):
        domain.revoke_invitation(invitation=invitation)
        messages.success(
            self.request, _("L'invitation de %(email)s est annulée.") % {"email": invitation.email}
        )


class ResendInvitationView(InvitationActionView):
    """Send a fresh link (new token, new expiry date); the old one stops working."""

    def act(self, invitation):
        domain.invite_member(
            structure=self.structure,
            email=invitation.email,
            role=invitation.role,
            invited_by=self.request.user,
        )
        messages.success(
            self.request, _("Un nouveau lien a été envoyé à %(email)s.") % {"email": invitation.email}
        )


class ConfirmUpToDateView(StructureAccessMixin, View):
    """« Toujours à jour »: one POST restarts the page's freshness clock (`network.freshness`), then back to
    where the button was (the dashboard, or the coordinators' list)."""

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        freshness.confirm_up_to_date(structure=self.structure, user=request.user)
        messages.success(
            request,
            _("Merci : la fiche « %(structure)s » est confirmée à jour aujourd'hui.")
            % {"structure": self.structure.title},
        )
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = reverse("wagtailadmin_home")
        return redirect(next_url)


class RequestActionView(StructureAccessMixin, View):
    """A POST-only decision on one pending request to join the structure (same rights as its members page:
    `can_manage_structure` is `can_decide_request`)."""

    def dispatch(self, request, *args, structure_id, request_id, **kwargs):
        self.request_id = request_id
        return super().dispatch(request, *args, structure_id=structure_id, **kwargs)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        membership_request = get_object_or_404(
            MembershipRequest.objects.select_related("user", "structure"),
            pk=self.request_id,
            structure=self.structure,
        )
        try:
            self.act(membership_request)
        except ValidationError:
            messages.warning(request, _("Cette demande a déjà été traitée ou retirée."))
        return redirect(self.members_url())


class AcceptRequestView(RequestActionView):
    def act(self, membership_request):
        domain.accept_request(request=membership_request, by=self.request.user)
        messages.success(
            self.request,
            _("%(person)s fait maintenant partie de « %(structure)s ».")
            % {"person": member_name(membership_request.user), "structure": self.structure.title},
        )


class RefuseRequestView(RequestActionView):
    def act(self, membership_request):
        domain.refuse_request(
            request=membership_request,
            by=self.request.user,
            reason=self.request.POST.get("reason", "")[:1000],
        )
        messages.success(
            self.request,
            _("La demande de %(person)s est refusée.") % {"person": member_name(membership_request.user)},
        )


# Coordinators (superusers only, see `CoordinationPermissionPolicy`) ------------------------------------


class CoordinationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "bassin")


class CoordinationCreateView(CreateView):
    def save_instance(self):
        return domain.add_coordinator(
            bassin=self.form.cleaned_data["bassin"], user=self.form.cleaned_data["user"]
        )


class CoordinationDeleteView(DeleteView):
    def delete_action(self):
        domain.remove_coordinator(bassin=self.object.bassin, user=self.object.user)


class CoordinationViewSet(ModelViewSet):
    """Name and remove bassin coordinators; both keep the person's groups in step."""

    model = Coordination
    form_fields = ["user", "bassin"]
    icon = "crosshairs"
    menu_label = gettext_lazy("Coordinations")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["user", "bassin", "created_at"]
    list_filter = ["bassin"]
    copy_view_enabled = False
    index_view_class = CoordinationIndexView
    add_view_class = CoordinationCreateView
    delete_view_class = CoordinationDeleteView

    def get_form_class(self, for_update=False):
        return CoordinationForm

    def get_permissions_to_register(self):
        # Nothing to hand out in the group editor: the policy lets superusers only.
        return super().get_permissions_to_register().none()


coordination_viewset = CoordinationViewSet("coordinations")


class AddressLookupView(View):
    """The structure form's address lookup: the browser asks here, this view asks the Base Adresse Nationale.

    Only people who edit a structure (its editors, its bassin's coordinators, superusers) may use it; it
    answers 404 when `MAILLAGE_ADDRESS_LOOKUP` is off. A failure of BAN is a French message with status 502,
    never a 500: the form says to type the commune and coordinates by hand.
    """

    def get(self, request):
        if not settings.MAILLAGE_ADDRESS_LOOKUP:
            raise Http404
        if not manageable_structures(request.user).exists():
            return JsonResponse({"results": [], "message": _("Accès refusé")}, status=403)
        query = " ".join(request.GET.get("q", "").split())
        if not address.QUERY_MIN_LENGTH <= len(query) <= address.QUERY_MAX_LENGTH:
            message = _("Saisissez l’adresse (de %(min)s à %(max)s caractères) avant de la chercher.") % {
                "min": address.QUERY_MIN_LENGTH,
                "max": address.QUERY_MAX_LENGTH,
            }
            return JsonResponse({"results": [], "message": message}, status=400)
        try:
            matches = address.search_addresses(query)
        except address.AddressLookupError as error:
            logger.warning("Address lookup failed: %s", error)
            message = _(
                "Le service d’adresses ne répond pas : saisissez la commune et les coordonnées à la main."
            )
            return JsonResponse({"results": [], "message": message}, status=502)
        message = "" if matches else _("Aucune adresse trouvée")
        return JsonResponse({"results": [asdict(match) for match in matches], "message": message})
