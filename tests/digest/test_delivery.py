"""Sending for real, to an SMTP server on 127.0.0.1: exactly one letter per person and week, whatever runs
twice, whatever fails; failures counted per address and pause after too many."""

from datetime import timedelta

import pytest
from django.utils import timezone

from digest import delivery as delivery_module
from digest.delivery import ensure_member_subscriptions, plan_week, send_deliveries
from digest.models import Delivery, DeliveryStatus, Frequency, Subscription
from digest.tasks import plan_weekly_digests, send_digest_chunk
from outbox.models import Message, MessageStatus
from outbox.sending import send_due
from tests.digest.factories import SubscriptionFactory, day_of, member_of
from tests.factories import AtelierFactory, UserFactory


@pytest.fixture
def readers(week, mediatheque, bourges):
    """Three subscribers of Bourges with a session to read about."""
    AtelierFactory(structure=mediatheque, title="Atelier tablette", start_date=day_of(week, 1))
    return [
        SubscriptionFactory(user=UserFactory(email=f"lecteur{n}@exemple.fr"), bassins=[bourges])
        for n in range(3)
    ]


ADDRESSES = ["lecteur0@exemple.fr", "lecteur1@exemple.fr", "lecteur2@exemple.fr"]


def statuses(week) -> list[str]:
    return list(Delivery.objects.of_week(week).order_by("subscription_id").values_list("status", flat=True))


def send_week(week):
    plan = plan_week(week=week)
    return send_deliveries(week=week, delivery_ids=plan.delivery_ids)


def test_running_the_week_twice_sends_one_letter_each(
    readers, week, smtp_sink, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # chunks are enqueued once the planning commits
        plan_weekly_digests.delay(week=week)
    with django_capture_on_commit_callbacks(execute=True):
        plan_weekly_digests.delay(week=week)  # a second beat, or the command run by hand

    assert smtp_sink.recipients() == ADDRESSES
    assert statuses(week) == [DeliveryStatus.SENT] * 3
    assert Delivery.objects.count() == 3


def test_a_second_worker_on_the_same_chunk_sends_nothing_more(readers, week, smtp_sink, monkeypatch):
    """Worker B runs the whole chunk while worker A is between building its letters and claiming them."""
    plan = plan_week(week=week)
    real_build = delivery_module.build_digests
    other_worker = []

    def build_then_let_the_other_worker_run(**kwargs):
        built = real_build(**kwargs)
        if not other_worker:
            other_worker.append(None)
            other_worker[0] = send_deliveries(week=week, delivery_ids=plan.delivery_ids)
        return built

    monkeypatch.setattr(delivery_module, "build_digests", build_then_let_the_other_worker_run)

    first = send_deliveries(week=week, delivery_ids=plan.delivery_ids)

    assert smtp_sink.recipients() == ADDRESSES
    assert (other_worker[0].sent, first.sent, first.skipped) == (3, 0, 3)


def test_a_delivery_is_claimed_once(readers, week):
    [first, *_others] = plan_week(week=week).delivery_ids

    assert [Delivery.objects.claim(first), Delivery.objects.claim(first)] == [True, False]
    assert Delivery.objects.get(pk=first).attempts == 1


def test_smtp_down_then_up_loses_nothing_and_doubles_nothing(
    readers, week, smtp_sink, eager_celery, retries, django_capture_on_commit_callbacks
):
    smtp_sink.stop()

    with django_capture_on_commit_callbacks(execute=True):
        plan_weekly_digests.delay(week=week)

    assert retries == [60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600]
    assert smtp_sink.recipients() == []
    assert sorted(statuses(week)) == sorted([DeliveryStatus.FAILED] + [DeliveryStatus.PLANNED] * 2)
    assert Subscription.objects.filter(consecutive_failures__gt=0).count() == 0  # our relay, not them

    smtp_sink.start()
    with django_capture_on_commit_callbacks(execute=True):
        plan_weekly_digests.delay(week=week)  # the next planning run of the week
    with django_capture_on_commit_callbacks(execute=True):
        plan_weekly_digests.delay(week=week)

    assert smtp_sink.recipients() == ADDRESSES
    assert statuses(week) == [DeliveryStatus.SENT] * 3


def test_smtp_failure_is_recorded_on_the_delivery(readers, week, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there

    outcome = send_week(week)

    failed = Delivery.objects.get(status=DeliveryStatus.FAILED)
    assert (outcome.failed, outcome.sent, len(outcome.retry_ids)) == (1, 0, 3)
    assert (failed.attempts, failed.last_error) == (
        1,
        "ConnectionRefusedError: [Errno 111] Connection refused",
    )


def test_temporary_refusal_counts_once_per_week_and_pauses_after_five_weeks(mediatheque, bourges, smtp_sink):
    user = UserFactory(email="pleine@exemple.fr")
    subscription = SubscriptionFactory(user=user)
    smtp_sink.refuse("pleine@exemple.fr", "452 4.2.2 Boîte pleine")
    weeks = ["2030-W01", "2030-W02", "2030-W03", "2030-W04", "2030-W05"]
    for week in weeks:
        AtelierFactory(structure=mediatheque, start_date=day_of(week, 2))

    counts = []
    for week in weeks:
        for _attempt in range(2):  # a retry in the same week does not count again
            send_week(week)
        subscription.refresh_from_db()
        counts.append(subscription.consecutive_failures)

    assert counts == [1, 2, 3, 4, 5]
    assert (subscription.is_paused, subscription.pause_reason, subscription.paused_email) == (
        True,
        "452 4.2.2 Boîte pleine",
        "pleine@exemple.fr",
    )
    assert plan_week(week="2030-W06").delivery_ids == []
    assert smtp_sink.recipients() == []


def test_permanent_refusal_pauses_at_once_and_is_not_retried(readers, week, smtp_sink):
    smtp_sink.refuse("lecteur1@exemple.fr", "550 5.1.1 Adresse inconnue")

    outcome = send_week(week)

    refused = Subscription.objects.get(user__email="lecteur1@exemple.fr")
    assert smtp_sink.recipients() == ["lecteur0@exemple.fr", "lecteur2@exemple.fr"]
    assert (outcome.sent, outcome.failed, outcome.retry_ids) == (2, 1, [])
    assert (refused.is_paused, refused.pause_reason, refused.consecutive_failures) == (
        True,
        "550 5.1.1 Adresse inconnue",
        1,
    )


def test_a_letter_accepted_again_resets_the_failures(readers, week, smtp_sink):
    smtp_sink.refuse("lecteur0@exemple.fr", "450 4.7.1 Réessayez plus tard")
    send_week(week)
    smtp_sink.accept("lecteur0@exemple.fr")

    send_week(week)

    subscription = Subscription.objects.get(user__email="lecteur0@exemple.fr")
    assert (subscription.consecutive_failures, subscription.failing_since) == (0, None)
    assert smtp_sink.recipients() == ADDRESSES


def test_nothing_to_read_is_recorded_as_empty_and_not_sent_again(week, mediatheque, vierzon, smtp_sink):
    SubscriptionFactory(user=UserFactory(email="vide@exemple.fr"), bassins=[vierzon])
    AtelierFactory(structure=mediatheque, start_date=day_of(week, 1))
    from events.models import Atelier
    from network.models import StructurePage

    Atelier.objects.update(created_at=timezone.now() - timedelta(days=90))
    StructurePage.objects.update(first_published_at=timezone.now() - timedelta(days=90))

    first, second = send_week(week), send_week(week)

    assert (first.empty, second.empty, second.built) == (1, 0, 0)
    assert statuses(week) == [DeliveryStatus.EMPTY]
    assert smtp_sink.recipients() == []


def test_stuck_sending_is_reported_and_never_resent(readers, week, smtp_sink):
    plan = plan_week(week=week)
    Delivery.objects.claim(plan.delivery_ids[0])  # a worker that died after SMTP, before "sent"
    Delivery.objects.filter(pk=plan.delivery_ids[0]).update(claimed_at=timezone.now() - timedelta(hours=2))

    again = plan_week(week=week)
    send_deliveries(week=week, delivery_ids=again.delivery_ids)

    assert again.stuck == [plan.delivery_ids[0]]
    assert smtp_sink.recipients() == ["lecteur1@exemple.fr", "lecteur2@exemple.fr"]


def test_unsubscribed_after_planning_gets_nothing(readers, week, smtp_sink):
    plan = plan_week(week=week)
    readers[0].unsubscribe()

    outcome = send_deliveries(week=week, delivery_ids=plan.delivery_ids)

    assert (outcome.sent, outcome.skipped) == (2, 1)
    assert smtp_sink.recipients() == ["lecteur1@exemple.fr", "lecteur2@exemple.fr"]


def test_planning_subscribes_members_once_with_their_bassins(
    mediatheque, epn_vierzon, bourges, vierzon, week
):
    member = member_of(mediatheque)
    member_of(epn_vierzon, member)
    UserFactory()  # not a member: no letter unless asked for
    unsubscribed = member_of(mediatheque)
    SubscriptionFactory(user=unsubscribed, frequency=Frequency.NONE)

    assert ensure_member_subscriptions() == 1
    assert ensure_member_subscriptions() == 0
    subscription = Subscription.objects.get(user=member)
    assert (subscription.frequency, set(subscription.bassins.all())) == (Frequency.WEEKLY, {bourges, vierzon})
    assert Subscription.objects.get(user=unsubscribed).frequency == Frequency.NONE


def test_chunks_are_sent_by_separate_tasks(
    readers, week, smtp_sink, eager_celery, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DIGEST = {**settings.DIGEST, "CHUNK_SIZE": 2}
    chunk_sizes = []
    real = send_digest_chunk.run

    def spy(**kwargs):
        chunk_sizes.append(len(kwargs["delivery_ids"]))
        return real(**kwargs)

    monkeypatch.setattr(send_digest_chunk, "run", spy)

    with django_capture_on_commit_callbacks(execute=True):
        assert plan_weekly_digests.delay(week=week).get() == 3

    assert chunk_sizes == [2, 1]
    assert smtp_sink.recipients() == ADDRESSES


def test_a_letter_that_cannot_be_built_is_left_failed_for_the_next_run(readers, week, smtp_sink, monkeypatch):
    plan = plan_week(week=week)

    def broken(digest, connection=None):
        raise RuntimeError("gabarit cassé")

    monkeypatch.setattr(delivery_module, "build_message", broken)
    with pytest.raises(RuntimeError):
        send_deliveries(week=week, delivery_ids=plan.delivery_ids)
    monkeypatch.undo()
    send_week(week)

    assert statuses(week) == [DeliveryStatus.SENT] * 3
    assert smtp_sink.recipients() == ADDRESSES
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [1, 1, 2]


# Through the outbox -----------------------------------------------------------------------------------------


def test_each_letter_is_one_outbox_email_recorded_on_its_delivery(readers, week, smtp_sink):
    send_week(week)
    send_week(week)

    deliveries = list(Delivery.objects.of_week(week).select_related("email", "subscription__user"))
    assert sorted(delivery.email.key for delivery in deliveries) == sorted(
        f"digest:{week}:{delivery.subscription.user_id}" for delivery in deliveries
    )
    assert {(delivery.email.status, delivery.email.reason) for delivery in deliveries} == {
        (MessageStatus.SENT, "digest")
    }
    assert [delivery.message_id == delivery.email.headers["Message-ID"] for delivery in deliveries] == [
        True
    ] * 3
    assert Message.objects.count() == 3
    assert Message.objects.about(f"digest:{week}").count() == 3


def test_a_failed_letter_is_not_retried_by_the_outbox_sweep(readers, week, smtp_sink):
    """The chunk and the planning runs decide when a letter is tried again, not the five-minute sweep."""
    smtp_sink.refuse("lecteur0@exemple.fr", "450 4.7.1 Réessayez plus tard")
    send_week(week)
    smtp_sink.accept("lecteur0@exemple.fr")

    outcome = send_due(now=timezone.now() + timedelta(hours=1))

    assert outcome["sent"] == 0
    assert smtp_sink.recipients() == ["lecteur1@exemple.fr", "lecteur2@exemple.fr"]


def test_a_letter_sent_again_from_the_admin_is_recorded_by_the_next_run(readers, week, smtp_sink):
    smtp_sink.refuse("lecteur0@exemple.fr", "450 4.7.1 Réessayez plus tard")
    send_week(week)
    smtp_sink.accept("lecteur0@exemple.fr")
    Message.objects.get(email="lecteur0@exemple.fr").resend()  # « Renvoyer »
    send_due()

    again = send_week(week)

    assert (again.sent, statuses(week)) == (1, [DeliveryStatus.SENT] * 3)
    assert smtp_sink.recipients() == ADDRESSES  # lecteur0 once


def test_an_account_closed_after_planning_gets_nothing(readers, week, smtp_sink):
    plan = plan_week(week=week)
    readers[0].user.is_active = False
    readers[0].user.save(update_fields=["is_active"])

    outcome = send_deliveries(week=week, delivery_ids=plan.delivery_ids)

    assert (outcome.sent, outcome.skipped) == (2, 1)
    assert smtp_sink.recipients() == ["lecteur1@exemple.fr", "lecteur2@exemple.fr"]
