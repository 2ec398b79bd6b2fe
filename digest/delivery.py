"""Workflows of the weekly letter: subscriptions, planning a week, sending a chunk exactly once.

Exactly once per subscriber and week rests on three things, each enforced by the database:

1. Planning inserts one `Delivery` per subscription and week with `bulk_create(ignore_conflicts=True)`
   under a unique constraint: a beat that fires twice, or a planning run by hand, creates nothing twice.
2. A worker sends a letter only after claiming its row with a conditional UPDATE (planned or failed →
   sending, `DeliveryQuerySet.claim`): of two workers holding the same id, one gets the row, the other
   skips it. A chunk enqueued twice therefore sends nothing twice.
3. The letter itself is a row of the site's outbox (`outbox.Message`, key "digest:<week>:<user>", recorded
   on the delivery): the worker sends it through the outbox, whose own claim guards the SMTP step too, and
   the delivery becomes "sent" right after the SMTP server accepted the message, in its own autocommitted
   UPDATE. Letters are sent by their chunk (one SMTP connection), not by the outbox's per-e-mail task; the
   outbox allows each letter one attempt at a time and leaves retries to the chunk and the planning runs.

Failures never lose a letter: an SMTP error (connection refused, timeout, 4xx) marks the row "failed" with
the error, the chunk task retries it with exponential backoff, and any later planning run of the same week
(a second beat, `manage.py send_digests`) takes "failed" rows again. A letter that could not leave during
its week is not sent late: the next week's letter covers everything since the last letter received.

The one edge where "exactly once" becomes "at most once": a worker that dies (killed, power cut) after the
SMTP server accepted the message but before the "sent" UPDATE commits leaves the row in "sending". Sending
it again could send it twice, so such rows are never taken again; rows "sending" for longer than
`DIGEST["STUCK_AFTER_MINUTES"]` are reported by each planning run and by the command, for a person to look
at. (A worker killed while building, before SMTP, leaves the same trace and is treated the same way.)

Errors are read as the address's fault only when the recipient's server refused it (RCPT or DATA refused):
such a week counts in `Subscription.consecutive_failures`, a permanent refusal (5xx on RCPT) pauses the
subscription at once, and `DIGEST["PAUSE_AFTER_FAILURES"]` weeks in a row pause it too. An unreachable or
failing relay is our fault: retried, never counted against anyone.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from network.models import Coordination, Membership
from outbox.models import Message, MessageStatus
from outbox.queue import queue_email
from outbox.sending import send_queued

from .content import build_digests
from .models import CLAIMABLE, Delivery, DeliveryStatus, Frequency, Subscription
from .render import build_message

logger = logging.getLogger(__name__)


# Subscriptions ---------------------------------------------------------------------------------------------


def default_bassin_ids(user_ids) -> dict[int, set[int]]:
    """Bassins of each person's structures and coordinations: what a new subscription starts with."""
    result: dict[int, set[int]] = {}
    for user_id, bassin_id in Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "structure__bassin_id"
    ):
        result.setdefault(user_id, set()).add(bassin_id)
    for user_id, bassin_id in Coordination.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "bassin_id"
    ):
        result.setdefault(user_id, set()).add(bassin_id)
    return result


def is_member(user) -> bool:
    return Membership.objects.filter(user=user).exists() or Coordination.objects.filter(user=user).exists()


def ensure_subscription(*, user) -> Subscription:
    """The person's subscription, created on first need with the defaults.

    Members of the network (a structure or a coordination) start with the weekly letter on their bassins;
    anyone else starts with none and may ask for it: an account opened to follow a structure is no
    consent to a newsletter.
    """
    existing = Subscription.objects.filter(user=user).first()
    if existing is not None:
        return existing
    member_bassins = default_bassin_ids([user.pk]).get(user.pk, set())
    member = bool(member_bassins) or is_member(user)
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                user=user, frequency=Frequency.WEEKLY if member else Frequency.NONE
            )
            subscription.bassins.set(member_bassins)
    except IntegrityError:  # created meanwhile by another request or the planning run
        return Subscription.objects.get(user=user)
    return subscription


def members_without_subscription(users=None):
    """Active members of the network (a structure or a coordination) with an address and no subscription."""
    users = users if users is not None else get_user_model().objects.all()
    return (
        users.filter(is_active=True, digest_subscription__isnull=True)
        .exclude(email="")
        .filter(Q(memberships__isnull=False) | Q(coordinations__isnull=False))
        .distinct()
    )


@transaction.atomic
def ensure_member_subscriptions() -> int:
    """Give every active member of the network without a subscription the default one; return how many.

    Run by each planning, so that someone who joined a structure this week gets Monday's letter. A member
    who unsubscribed keeps their row (frequency "none") and is never subscribed again.
    """
    user_ids = list(members_without_subscription().values_list("pk", flat=True))
    for offset in range(0, len(user_ids), 500):  # IN lists stay within every database's parameter limit
        _subscribe_members(user_ids[offset : offset + 500])
    return len(user_ids)


def _subscribe_members(user_ids: list[int]) -> None:
    Subscription.objects.bulk_create(
        [Subscription(user_id=user_id, frequency=Frequency.WEEKLY) for user_id in user_ids],
        ignore_conflicts=True,
    )
    defaults = default_bassin_ids(user_ids)
    through = Subscription.bassins.through
    rows = [
        through(subscription_id=subscription_id, bassinpage_id=bassin_id)
        for subscription_id, user_id in Subscription.objects.filter(user_id__in=user_ids).values_list(
            "pk", "user_id"
        )
        for bassin_id in defaults.get(user_id, ())
    ]
    through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


# Planning --------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    week: str
    created: int
    delivery_ids: list[int]
    stuck: list[int]


def stuck_deliveries(*, now=None) -> list[int]:
    """Deliveries claimed long ago that never recorded an outcome: logged, to be looked at by a person."""
    now = now or timezone.now()
    older_than = now - timedelta(minutes=settings.DIGEST["STUCK_AFTER_MINUTES"])
    stuck = list(Delivery.objects.stuck(older_than=older_than).values_list("pk", flat=True))
    if stuck:
        logger.warning(
            "%s digest deliveries stuck in 'sending' (not resent, at most once): %s", len(stuck), stuck[:50]
        )
    return stuck


def plan_week(*, week: str, now=None) -> Plan:
    """Create the week's deliveries (idempotent) and list those to send: planned or failed, still wanted."""
    ensure_member_subscriptions()
    receiving = Subscription.objects.receiving()
    before = Delivery.objects.of_week(week).count()
    Delivery.objects.bulk_create(
        [Delivery(subscription_id=pk, week=week) for pk in receiving.values_list("pk", flat=True)],
        ignore_conflicts=True,
        batch_size=1000,
    )
    created = Delivery.objects.of_week(week).count() - before
    to_send = list(
        Delivery.objects.of_week(week)
        .claimable()
        .filter(subscription__in=receiving)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return Plan(week=week, created=created, delivery_ids=to_send, stuck=stuck_deliveries(now=now))


def chunks(ids: list[int], size: int | None = None) -> list[list[int]]:
    size = size or settings.DIGEST["CHUNK_SIZE"]
    return [ids[offset : offset + size] for offset in range(0, len(ids), size)]


# Sending ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a chunk did; `retry_ids` are the letters worth another try (temporary failures, not reached)."""

    built: int = 0
    sent: int = 0
    empty: int = 0
    skipped: int = 0
    failed: int = 0
    retry_ids: list[int] = field(default_factory=list)

    def merge(self, other: Outcome) -> None:
        self.built += other.built
        self.sent += other.sent
        self.empty += other.empty
        self.skipped += other.skipped
        self.failed += other.failed
        self.retry_ids += other.retry_ids


@dataclass
class Failure:
    text: str
    address: bool  # the recipient's server refused: counts against the address
    permanent: bool  # 5xx to RCPT: pause now, do not retry


def classify(error: Exception) -> Failure:
    """Read an SMTP error: whose fault, and is it worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, reply = next(iter(error.recipients.values()))
        text = f"{code} {_decode(reply)}"
        return Failure(text=text, address=True, permanent=code >= 500)
    if isinstance(error, smtplib.SMTPDataError):
        return Failure(text=f"{error.smtp_code} {_decode(error.smtp_error)}", address=True, permanent=False)
    if isinstance(error, smtplib.SMTPResponseException):
        return Failure(text=f"{error.smtp_code} {_decode(error.smtp_error)}", address=False, permanent=False)
    return Failure(text=f"{type(error).__name__}: {error}"[:500], address=False, permanent=False)


def _decode(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _record_failure(delivery: Delivery, subscription: Subscription, failure: Failure) -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.FAILED, last_error=failure.text[:500]
    )
    if not failure.address:
        return
    # One count per week, however many attempts that week's letter takes.
    first_this_week = Delivery.objects.filter(pk=delivery.pk, address_refused=False).update(
        address_refused=True
    )
    if first_this_week:
        Subscription.objects.filter(pk=subscription.pk).update(
            consecutive_failures=F("consecutive_failures") + 1, failing_since=Coalesce("failing_since", now)
        )
    subscription.refresh_from_db(fields=["consecutive_failures", "failing_since", "paused_at"])
    limit = settings.DIGEST["PAUSE_AFTER_FAILURES"]
    if failure.permanent or subscription.consecutive_failures >= limit:
        subscription.pause(reason=failure.text)
        logger.info("Digest subscription %s paused: %s", subscription.pk, failure.text)


def _record_sent(delivery: Delivery, subscription: Subscription, message: Message) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        message_id=message.headers.get("Message-ID", "")[:255],
        last_error="",
    )
    if subscription.consecutive_failures or subscription.failing_since:
        Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0, failing_since=None)


def letter_key(delivery: Delivery, subscription: Subscription) -> str:
    return f"digest:{delivery.week}:{subscription.user_id}"


def queue_letter(*, delivery: Delivery, subscription: Subscription, digest) -> Message:
    """The letter as an outbox row, ready for this worker to send now (no task of its own: a chunk sends
    many letters on one SMTP connection; should the worker die first, the outbox's sweep sends it).

    One row per person and week (`letter_key`): a letter tried again is the same row, put back in the
    outbox for one more attempt; the chunk, not the outbox, decides when a letter is worth retrying.
    """
    key = letter_key(delivery, subscription)
    existing = Message.objects.filter(key=key).first()
    if existing is None:
        email = build_message(digest)
        [(html, _mimetype)] = email.alternatives
        existing = queue_email(
            key=key,
            reason="digest",
            to=email.to[0],
            subject=email.subject,
            body_text=email.body,
            body_html=html,
            headers=email.extra_headers,
            user=subscription.user,
            topic=f"digest:{delivery.week}",
            max_attempts=1,
            enqueue=False,
        ) or Message.objects.get(key=key)
        Delivery.objects.filter(pk=delivery.pk).update(email=existing)
    elif existing.status == MessageStatus.FAILED:
        existing.resend(attempts=1)
    return existing


def _still_wanted(subscription: Subscription) -> bool:
    user = subscription.user
    return subscription.is_receiving and user.is_active and bool(user.email)


def _already_sent(message: Message) -> bool:
    message.refresh_from_db(fields=["status"])
    return message.status == MessageStatus.SENT


def _close(connection) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()


def send_deliveries(*, week: str, delivery_ids: list[int], now=None) -> Outcome:
    """Build and send a chunk of the week's letters, each at most once (see the module docstring).

    Letters are built together (a fixed number of queries for the chunk), then each is claimed, sent and
    recorded in turn on one SMTP connection. When the server itself fails (unreachable, disconnected,
    4xx/5xx outside the recipient), the chunk stops: the letters not reached stay planned and come back in
    `retry_ids` with the failed one.
    """
    outcome = Outcome()
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids, week=week, status__in=CLAIMABLE)
        .select_related("subscription__user")
        .order_by("pk")
    )
    outcome.skipped = len(set(delivery_ids)) - len(deliveries)
    wanted = [delivery for delivery in deliveries if _still_wanted(delivery.subscription)]
    for delivery in deliveries:
        if not _still_wanted(delivery.subscription):  # unsubscribed, paused or account closed since planning
            Delivery.objects.filter(pk=delivery.pk, status__in=CLAIMABLE).delete()
            outcome.skipped += 1
    built = build_digests(subscriptions=[d.subscription for d in wanted], week=week, now=now)
    outcome.built = len(built)
    connection = get_connection()
    try:
        for index, (delivery, (subscription, digest)) in enumerate(zip(wanted, built, strict=True)):
            if not Delivery.objects.claim(delivery.pk):
                outcome.skipped += 1
                continue
            if digest.is_empty:
                Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.EMPTY, last_error="")
                outcome.empty += 1
                continue
            try:
                message = queue_letter(delivery=delivery, subscription=subscription, digest=digest)
            except Exception as error:
                # A bug, or the task's soft time limit: the claimed letter must not stay "sending"
                # (never retried); "failed" lets the next planning run take it again.
                _record_failure(
                    delivery, subscription, Failure(f"{type(error).__name__}: {error}", False, False)
                )
                raise
            result = send_queued(message_id=message.pk, connection=connection)
            if result.error is not None:
                failure = classify(result.error)
                logger.info("Digest %s for subscription %s failed: %s", week, subscription.pk, failure.text)
                _record_failure(delivery, subscription, failure)
                outcome.failed += 1
                if not failure.permanent:
                    outcome.retry_ids.append(delivery.pk)
                if not failure.address:
                    outcome.retry_ids += [later.pk for later in wanted[index + 1 :]]
                    break
                continue
            if result.status != MessageStatus.SENT and not _already_sent(message):
                # The outbox's sweep took the letter first: it sends it; the delivery stays "sending"
                # (reported as stuck), never sent twice.
                outcome.skipped += 1
                continue
            _record_sent(delivery, subscription, message)
            outcome.sent += 1
    finally:
        _close(connection)
    return outcome
