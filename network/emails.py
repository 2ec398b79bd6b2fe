"""E-mails about requests to join a structure: to those who decide, then to the person who asked.

Each message is French plain text with a simple HTML alternative, rendered from `network/emails/`. Links are
absolute, built on `WAGTAILADMIN_BASE_URL` (the site's public address): an e-mail outlives the request that
caused it. Each recipient gets their own message, so that nobody learns the others' addresses.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from .models import MembershipRequest, MembershipRequestStatus, member_name
from .permissions import structure_managers


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _message(template: str, context: dict, to: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=" ".join(render_to_string(f"network/emails/{template}_subject.txt", context).split()),
        body=render_to_string(f"network/emails/{template}.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string(f"network/emails/{template}.html", context), "text/html")
    return message


def request_recipients(request: MembershipRequest) -> list:
    """Who is told about a new request: the structure's editors and its bassin's coordinators.

    When the structure has neither yet, the site's administrators are, so that no request waits unseen.
    The person who asked is never among them.
    """
    people = list(structure_managers(request.structure).exclude(pk=request.user_id).exclude(email=""))
    if not people:
        people = list(
            get_user_model()
            .objects.filter(is_active=True, is_superuser=True)
            .exclude(pk=request.user_id)
            .exclude(email="")
            .order_by("pk")
        )
    return people


def send_request_emails(request: MembershipRequest) -> int:
    """Tell the deciders that someone asks to join; returns how many messages were sent."""
    context = {
        "request": request,
        "structure": request.structure,
        "person": member_name(request.user),
        "decide_url": site_url(reverse("pro:requests")),
    }
    messages = [
        _message("membership_request", context, person.email) for person in request_recipients(request)
    ]
    if not messages:
        return 0
    return get_connection().send_messages(messages)


def send_decision_email(request: MembershipRequest) -> int:
    """Tell the person who asked what was decided (accepted or refused, with the reason if any)."""
    structure = request.structure
    context = {
        "request": request,
        "structure": structure,
        "accepted": request.status == MembershipRequestStatus.ACCEPTED,
        "pro_url": site_url(reverse("pro:home")),
        "edit_url": site_url(reverse("wagtailadmin_pages:edit", args=[structure.pk])),
        "structure_url": site_url(structure.url or "/"),
    }
    return _message("membership_decision", context, request.user.email).send()
