"""The page an invitation e-mail links to: explain, let the person sign up or log in, then accept.

A link is a bearer token, so the page reveals only what the e-mail already said (structure, role, address).
Unknown tokens answer 404; expired, revoked or used ones 410, each with what to do next.
"""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import domain
from ..models import Invitation


def _invalid(request, invitation, reason: str, status: int):
    context = {"invitation": invitation, "reason": reason}
    if invitation is not None and request.user.is_authenticated:
        context["is_acceptor"] = invitation.accepted_by_id == request.user.pk
    return render(request, "network/invitation_invalid.html", context, status=status)


def _unusable_reason(invitation: Invitation) -> str:
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    return "expired"


def _address_matches(user, invitation: Invitation) -> bool:
    return (user.email or "").strip().lower() == invitation.email.lower()


@require_http_methods(["GET", "POST"])
def accept_invitation_view(request, token):
    invitation = Invitation.objects.select_related("structure", "invited_by").filter(token=token).first()
    if invitation is None:
        return _invalid(request, None, "unknown", status=404)
    if not invitation.is_pending:
        return _invalid(request, invitation, _unusable_reason(invitation), status=410)

    context = {"invitation": invitation, "structure": invitation.structure}
    user = request.user
    if not user.is_authenticated:
        # The person proved the address by opening the link: signing up with it needs no second e-mail.
        get_adapter(request).stash_verified_email(request, invitation.email)
        context.update(
            state="anonymous",
            signup_url=reverse("account_signup")
            + "?"
            + urlencode({"email": invitation.email, "next": request.path}),
            login_url=reverse("account_login") + "?" + urlencode({"next": request.path}),
        )
        return render(request, "network/invitation.html", context)
    if not _address_matches(user, invitation):
        context.update(state="other_account")
        return render(request, "network/invitation.html", context)
    if request.method == "POST":
        return _accept(request, invitation)
    context.update(state="confirm")
    return render(request, "network/invitation.html", context)


def _accept(request, invitation: Invitation):
    try:
        membership = domain.accept_invitation(invitation=invitation, user=request.user)
    except ValidationError:
        invitation.refresh_from_db()
        return _invalid(request, invitation, _unusable_reason(invitation), status=410)
    structure = invitation.structure
    if membership.can_edit:
        messages.success(
            request,
            _("Bienvenue ! Vous pouvez maintenant modifier la fiche de « %(structure)s ».")
            % {"structure": structure.title},
        )
        return redirect("wagtailadmin_pages:edit", structure.pk)
    messages.success(
        request,
        _("Bienvenue ! Vous faites maintenant partie de « %(structure)s ».") % {"structure": structure.title},
    )
    # Members in other roles have no page to edit: the professional area is what the membership opens.
    return redirect("pro:home")
