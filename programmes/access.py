"""Who enters the programmes' professional pages: the network's members, and the cycles' coordinators.

A regional coordinator (a cycle's `CycleCoordinator`) may belong to no structure and coordinate no bassin:
the professional area's own gate (`pro.access.member_required`) would turn them away from the very cycle
they run. Everything else is the same: login first, the "join a structure" page for others, never cached.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.utils.cache import add_never_cache_headers

from network.permissions import is_network_member
from pro.access import not_member_response

from .models import CycleCoordinator


def is_participant(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return is_network_member(user) or CycleCoordinator.objects.filter(user=user).exists()


def participant_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_participant(request.user):
            response = not_member_response(request)
        else:
            response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper
