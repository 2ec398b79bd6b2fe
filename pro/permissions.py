"""Who enters the professional area, and what every page of it may assume.

`member_required`: anonymous visitors go to the login page; signed-in people who belong to no structure get
a page (403) that explains how to join, never a bare refusal; members get the page, marked not to be stored
by any cache (it shows colleagues' contact details).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from network.models import BassinPage, MembershipRequest
from network.permissions import is_network_member, member_bassins


def not_member_response(request):
    pending = MembershipRequest.objects.pending().filter(user=request.user).select_related("structure")
    return render(request, "pro/not_member.html", {"pending_requests": list(pending)}, status=403)


def gate(test):
    """A view decorator: logged in, then `test(user)` or the « réservé aux membres » page; never cached,
    since what it shows depends on who asks."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not test(request.user):
                response = not_member_response(request)
            else:
                response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return wrapper

    return decorator


member_required = gate(is_network_member)


def my_bassins(request) -> list[BassinPage]:
    """The member's bassins (`member_bassins`), in name order, loaded once per request."""
    if not hasattr(request, "_pro_bassins"):
        request._pro_bassins = list(member_bassins(request.user).order_by("title"))
    return request._pro_bassins
