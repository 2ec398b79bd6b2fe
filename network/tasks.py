"""Celery tasks of the network app: thin wrappers that re-fetch by id and delegate."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from . import emails
from .models import Invitation, MembershipRequest, MembershipRequestStatus

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
    acks_late=True,
)
def send_invitation_email(*, invitation_id: int) -> None:
    """E-mail an invitation link. SMTP errors (OSError and subclasses) are retried with backoff."""
    invitation = Invitation.objects.select_related("structure", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        logger.info("Invitation %s no longer pending, not sent", invitation_id)
        return
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "network:accept_invitation", kwargs={"token": invitation.token}
    )
    context = {
        "invitation": invitation,
        "link": link,
        "structure": invitation.structure,
        "can_edit": invitation.grants_editing,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("network/emails/invitation_subject.txt", context).strip(),
        body=render_to_string("network/emails/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("network/emails/invitation.html", context), "text/html")
    message.send()
    logger.info("Invitation %s sent to %s", invitation.pk, invitation.email)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
    acks_late=True,
)
def send_membership_request_emails(*, request_id: int) -> None:
    """Tell a structure's deciders about a new request to join, if it is still pending."""
    request = MembershipRequest.objects.select_related("structure", "user").filter(pk=request_id).first()
    if request is None or not request.is_pending:
        logger.info("Membership request %s no longer pending, nobody told", request_id)
        return
    sent = emails.send_request_emails(request)
    logger.info("Membership request %s: %s decider(s) told", request_id, sent)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
    acks_late=True,
)
def send_membership_decision_email(*, request_id: int) -> None:
    """Tell the person who asked to join what was decided."""
    request = MembershipRequest.objects.select_related("structure", "user").filter(pk=request_id).first()
    if request is None or request.status not in (
        MembershipRequestStatus.ACCEPTED,
        MembershipRequestStatus.REFUSED,
    ):
        logger.info("Membership request %s has no decision to send", request_id)
        return
    emails.send_decision_email(request)
    logger.info("Membership request %s: decision sent", request_id)
