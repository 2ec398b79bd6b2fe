"""Freshness of the structures' pages: the field study's first worry (« la difficulté d'une mise à jour
permanente »).

A page is vouched for when it is published or when an editor confirms « Toujours à jour »
(`StructurePage.freshness_at`). `MAILLAGE_FRESHNESS_MONTHS` later it is stale: its editors get one reminder
through the outbox, under a key naming the structure and the period (the day the clock last restarted), so
that running the beat task twice, or late, never sends it twice; a publish or a confirmation starts a new
period, hence at most one reminder per period. Coordinators see both states in their list (`home`).
"""

import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from outbox.links import absolute_url
from outbox.queue import queue_email

from .models import Membership, StructurePage
from .permissions import can_manage_structure

logger = logging.getLogger(__name__)

CONFIRM_LOG_ACTION = "maillage.confirm_up_to_date"
DEFAULT_MONTHS = 6


def freshness_months() -> int:
    return int(getattr(settings, "MAILLAGE_FRESHNESS_MONTHS", DEFAULT_MONTHS))


def stale_before(now: datetime | None = None) -> datetime:
    """The moment before which a page last vouched for is stale."""
    return (now or timezone.now()) - relativedelta(months=freshness_months())


def stale_condition(cutoff: datetime) -> Q:
    """Pages neither published nor confirmed since `cutoff` (a page never published is not stale: it is a
    draft, not a public page left behind)."""
    return Q(last_published_at__lt=cutoff) & (Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))


def is_stale(structure: StructurePage, now: datetime | None = None) -> bool:
    moment = structure.freshness_at
    return moment is not None and moment < stale_before(now)


def was_reminded(structure: StructurePage) -> bool:
    """Whether this period's reminder went out (one older than the last vouching is another period's)."""
    reminded, vouched = structure.freshness_reminded_at, structure.freshness_at
    return reminded is not None and (vouched is None or reminded >= vouched)


def can_confirm(user, structure: StructurePage) -> bool:
    """Who may say « Toujours à jour »: those who may publish the page's content themselves (its editors, its
    bassin's coordinators, superusers); a volunteer proposes changes, they do not vouch for the page."""
    return user.is_active and can_manage_structure(user, structure)


@transaction.atomic
def confirm_up_to_date(*, structure: StructurePage, user) -> StructurePage:
    """Record that the page is still right: the clock restarts, as after a publish; logged in the page's
    history (« Confirmée à jour »)."""
    if not can_confirm(user, structure):
        raise PermissionDenied
    now = timezone.now()
    StructurePage.objects.filter(pk=structure.pk).update(confirmed_at=now)
    structure.confirmed_at = now
    log(instance=structure, action=CONFIRM_LOG_ACTION, user=user)
    logger.info("Structure %s confirmed up to date by user %s", structure.pk, user.pk)
    return structure


def reminder_key(structure: StructurePage, user) -> str:
    period = timezone.localdate(structure.freshness_at).isoformat()
    return f"freshness:{structure.pk}:{period}:{user.pk}"


def _editors_by_structure(structure_ids) -> dict[int, list]:
    editors: dict[int, list] = {}
    memberships = (
        Membership.objects.filter(structure_id__in=structure_ids, user__is_active=True)
        .editing()
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        editors.setdefault(membership.structure_id, []).append(membership.user)
    return editors


@transaction.atomic
def send_freshness_reminders(*, now: datetime | None = None) -> dict:
    """Queue one reminder per editor of every stale live structure not yet reminded in this period."""
    now = now or timezone.now()
    cutoff = stale_before(now)
    candidates = [
        structure
        for structure in StructurePage.objects.live().filter(stale_condition(cutoff)).order_by("pk")
        if not was_reminded(structure)
    ]
    editors = _editors_by_structure([structure.pk for structure in candidates])
    queued = reminded = 0
    for structure in candidates:
        context = {
            "structure": structure,
            "months": freshness_months(),
            "updated_on": structure.date_maj,
            "edit_url": absolute_url(reverse("wagtailadmin_pages:edit", args=[structure.pk])),
            "dashboard_url": absolute_url(reverse("wagtailadmin_home")),
        }
        sent = [
            queue_email(
                key=reminder_key(structure, user),
                reason="freshness_reminder",
                to=user.email,
                user=user,
                template="network/emails/freshness_reminder",
                context=context,
                topic=f"structure:{structure.pk}/freshness",
            )
            for user in editors.get(structure.pk, [])
        ]
        queued += sum(1 for message in sent if message is not None)
        if editors.get(structure.pk):
            StructurePage.objects.filter(pk=structure.pk).update(freshness_reminded_at=now)
            reminded += 1
    return {"stale": len(candidates), "reminded": reminded, "emails": queued}
