"""« Rejoindre cette structure »: a signed-in person asks to join (or takes their request back).

Anonymous visitors are sent to log in first. The page reflects where the person stands (member, request
pending, nothing yet), so that reloading or a second click never makes a second request.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import domain
from ..forms import JoinRequestForm
from ..models import MembershipRequest, StructurePage


def _public_structure(slug):
    return get_object_or_404(StructurePage.objects.live().public(), slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def join_structure(request, slug):
    structure = _public_structure(slug)
    state = structure.membership_state(request.user)
    pending = None
    if state == "pending":
        pending = MembershipRequest.objects.pending().get(user=request.user, structure=structure)
    form = JoinRequestForm(request.POST or None) if state == "none" else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            domain.request_membership(
                user=request.user,
                structure=structure,
                role=form.cleaned_data["role"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Votre demande est envoyée à l'équipe de « %(structure)s ». Vous recevrez un e-mail "
                    "dès qu'elle aura répondu."
                )
                % {"structure": structure.title},
            )
            return redirect("network:join_structure", slug=structure.slug)
    context = {"structure": structure, "state": state, "pending": pending, "form": form}
    return render(request, "network/join.html", context)


@login_required
@require_POST
def withdraw_join_request(request, slug):
    structure = _public_structure(slug)
    pending = get_object_or_404(MembershipRequest.objects.pending(), user=request.user, structure=structure)
    domain.withdraw_request(request=pending, user=request.user)
    messages.success(
        request,
        _("Votre demande pour rejoindre « %(structure)s » est retirée.") % {"structure": structure.title},
    )
    return redirect(structure.url or "/")
