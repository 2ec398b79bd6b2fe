"""Celery tasks of the network app: thin wrappers that re-fetch by id and delegate."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Invitation

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
    context = {"invitation": invitation, "link": link, "structure": invitation.structure}
    message = EmailMultiAlternatives(
        subject=render_to_string("network/emails/invitation_subject.txt", context).strip(),
        body=render_to_string("network/emails/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("network/emails/invitation.html", context), "text/html")
    message.send()
    logger.info("Invitation %s sent to %s", invitation.pk, invitation.email)
