"""« Demandes » (`/pro/demandes/`): the pending requests to join that the member may decide.

Decisions are POST only (with CSRF) and go through `network.domain`, which checks the right again and keeps
groups in step; someone who may not decide a request gets 403, whoever they are.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network import domain
from network.models import MembershipRequest, member_name
from network.permissions import can_decide_request, decidable_requests

from ..forms import RefuseForm
from ..permissions import member_required


@member_required
def requests(request):
    pending = list(decidable_requests(request.user).for_listing())
    return render(request, "pro/requests.html", {"pending": pending, "refuse_form": RefuseForm()})


def _forbidden(request):
    return render(request, "pro/forbidden.html", status=403)


def _decidable(request, pk):
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("structure", "user"), pk=pk
    )
    if not can_decide_request(request.user, membership_request):
        raise PermissionDenied
    return membership_request


@member_required
@require_POST
def accept(request, pk):
    try:
        membership_request = _decidable(request, pk)
        domain.accept_request(request=membership_request, by=request.user)
    except PermissionDenied:
        return _forbidden(request)
    except ValidationError:
        messages.warning(request, _("Cette demande a déjà été traitée ou retirée."))
    else:
        messages.success(
            request,
            _("%(person)s fait maintenant partie de « %(structure)s ». Un e-mail l'en informe.")
            % {
                "person": member_name(membership_request.user),
                "structure": membership_request.structure.title,
            },
        )
    return redirect("pro:requests")


@member_required
@require_POST
def refuse(request, pk):
    form = RefuseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        membership_request = _decidable(request, pk)
        domain.refuse_request(request=membership_request, by=request.user, reason=reason)
    except PermissionDenied:
        return _forbidden(request)
    except ValidationError:
        messages.warning(request, _("Cette demande a déjà été traitée ou retirée."))
    else:
        messages.success(
            request,
            _("La demande de %(person)s est refusée. Un e-mail l'en informe.")
            % {"person": member_name(membership_request.user)},
        )
    return redirect("pro:requests")
