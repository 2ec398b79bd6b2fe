"""The cycle reminders: who gets each one, who does not, on which days, and that each is queued only once."""

from datetime import date, timedelta
from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network import domain as network_domain
from network.enums import MemberRole
from network.text import french_date
from outbox.models import Message
from programmes import domain, reminders
from programmes.models import ContributionEvent
from programmes.tasks import send_programme_reminders
from tests.factories import BassinFactory, StructureFactory, UserFactory

from .factories import ContributionFactory, CycleFactory, coordinator_of, editor_of

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def bassin():
    return BassinFactory(title="Bassin de Bourges")


@pytest.fixture
def host(bassin):
    return StructureFactory(bassin=bassin, title="Médiathèque de Bourges")


@pytest.fixture
def editor(host):
    return editor_of(host, UserFactory(email="editrice@exemple.fr"))


@pytest.fixture
def coordinator():
    return UserFactory(email="coordination@exemple.fr")


@pytest.fixture
def cycle(bassin, coordinator):
    """Call open from 5 days ago to 10 days ahead, closing reminder 7 days before: from day +3."""
    return CycleFactory(bassins=[bassin], coordinators=[coordinator], reminder_days=7)


def sent(reason: str) -> list[str]:
    return sorted(Message.objects.filter(reason=reason).values_list("email", flat=True))


def body(reason: str, email: str) -> str:
    return Message.objects.get(reason=reason, email=email).body_text


def submitted(contribution, by):
    return domain.submit_contribution(contribution=contribution, by=by)


# Call open --------------------------------------------------------------------------------------------------


def test_call_open_reaches_each_editor_of_the_territory_once(cycle, bassin, host, editor):
    second = StructureFactory(bassin=bassin, title="EPN des Gibjoncs")
    both = editor_of(host, UserFactory(email="deux@exemple.fr"))
    editor_of(second, both)
    network_domain.add_member(
        structure=host, user=UserFactory(email="benevole@exemple.fr"), role=MemberRole.BENEVOLE
    )
    editor_of(StructureFactory(title="Hors territoire"), UserFactory(email="ailleurs@exemple.fr"))

    queued = reminders.remind_call_open(cycle=cycle, today=today())

    assert queued == 2
    assert sent("reminder_call_open") == ["deux@exemple.fr", "editrice@exemple.fr"]
    text = body("reminder_call_open", "deux@exemple.fr")
    assert "- EPN des Gibjoncs\n- Médiathèque de Bourges\n" in text
    assert f"{settings.WAGTAILADMIN_BASE_URL}/pro/programmes/{cycle.slug}/proposer/" in text
    assert Message.objects.get(email="deux@exemple.fr").key == f"call-open:{cycle.pk}:{both.pk}"


def test_call_open_is_queued_once_when_run_twice(cycle, editor):
    first = reminders.remind_call_open(cycle=cycle, today=today())
    again = reminders.remind_call_open(cycle=cycle, today=today() + timedelta(days=1))

    assert (first, again) == (1, 0)
    assert sent("reminder_call_open") == [editor.email]


def test_call_open_skips_inactive_people_and_unpublished_structures(cycle, bassin, host, editor):
    editor.is_active = False
    editor.save()
    hidden = StructureFactory(bassin=bassin)
    editor_of(hidden, UserFactory(email="cachee@exemple.fr"))
    hidden.unpublish()

    assert reminders.remind_call_open(cycle=cycle, today=today()) == 0


def test_call_open_waits_for_the_opening_day(cycle, editor):
    assert reminders.remind_call_open(cycle=cycle, today=cycle.call_opens - timedelta(days=1)) == 0
    assert reminders.remind_call_open(cycle=cycle, today=cycle.call_opens) == 1


def test_call_open_gives_way_to_the_closing_reminder_in_its_window(cycle, editor):
    window = reminders.closing_window_starts(cycle)

    assert reminders.remind_call_open(cycle=cycle, today=window) == 0
    assert reminders.remind_call_closing(cycle=cycle, today=window) == 1


# Call closing -----------------------------------------------------------------------------------------------


def test_call_closing_reaches_only_structures_without_a_proposal(cycle, bassin, host, editor):
    quiet = StructureFactory(bassin=bassin, title="Centre social du Val")
    quiet_editor = editor_of(quiet, UserFactory(email="calme@exemple.fr"))
    submitted(ContributionFactory(cycle=cycle, structure=host, created_by=editor), editor)
    ContributionFactory(cycle=cycle, structure=quiet, created_by=quiet_editor, title="Atelier smartphone")

    queued = reminders.remind_call_closing(cycle=cycle, today=cycle.call_closes - timedelta(days=7))

    assert queued == 1
    assert sent("reminder_call_closing") == ["calme@exemple.fr"]
    notification = Message.objects.get(reason="reminder_call_closing")
    assert notification.subject == f"Plus que 7 jours pour proposer une contribution à {cycle.title}"
    assert "- Atelier smartphone (Centre social du Val) : http" in notification.body_text
    assert notification.key == f"call-closing:{cycle.pk}:{quiet_editor.pk}"


def test_call_closing_counts_a_withdrawn_draft_as_nothing_sent(cycle, host, editor):
    draft = ContributionFactory(cycle=cycle, structure=host, created_by=editor)
    domain.withdraw_contribution(contribution=draft, by=editor)

    assert reminders.remind_call_closing(cycle=cycle, today=cycle.call_closes) == 1
    assert Message.objects.get(reason="reminder_call_closing").subject == (
        f"Dernier jour pour proposer une contribution à {cycle.title}"
    )


def test_call_closing_only_within_its_window_and_once(cycle, editor):
    window = reminders.closing_window_starts(cycle)

    counts = [
        reminders.remind_call_closing(cycle=cycle, today=day)
        for day in (window - timedelta(days=1), window, window + timedelta(days=1), cycle.call_closes)
    ]
    after = reminders.remind_call_closing(cycle=cycle, today=cycle.call_closes + timedelta(days=1))

    assert (counts, after) == ([0, 1, 0, 0], 0)


def test_call_closing_when_the_beat_missed_the_first_day_of_the_window(cycle, editor):
    assert reminders.remind_call_closing(cycle=cycle, today=cycle.call_closes - timedelta(days=2)) == 1
    assert sent("reminder_call_closing") == [editor.email]


# Changes requested ------------------------------------------------------------------------------------------


@pytest.fixture
def sent_back(cycle, host, editor, coordinator):
    contribution = ContributionFactory(cycle=cycle, structure=host, created_by=editor)
    submitted(contribution, editor)
    return domain.request_changes(contribution=contribution, by=coordinator, message="Précisez le public.")


def test_changes_reminder_waits_three_days_then_reaches_the_structure_once(sent_back, editor):
    request = ContributionEvent.objects.get(kind="a_modifier")

    counts = [
        reminders.remind_changes_requested(cycle=sent_back.cycle, today=today() + timedelta(days=days))
        for days in (0, 2, 3, 4)
    ]

    assert counts == [0, 0, 1, 0]
    notification = Message.objects.get(reason="reminder_changes")
    assert (notification.email, notification.key, notification.topic) == (
        editor.email,
        f"changes-reminder:{request.pk}:{editor.pk}",
        f"cycle:{sent_back.cycle_id}/contribution:{sent_back.pk}",
    )
    assert "Précisez le public." in notification.body_text
    # The cycle's e-mails, its contributions' included, are found by the cycle's topic.
    assert notification in Message.objects.about(domain.email_topic(sent_back.cycle))


def test_changes_reminder_again_for_a_new_request(sent_back, editor, coordinator):
    reminders.remind_changes_requested(cycle=sent_back.cycle, today=today() + timedelta(days=3))
    submitted(sent_back, editor)
    domain.request_changes(contribution=sent_back, by=coordinator, message="Et les horaires ?")

    assert reminders.remind_changes_requested(cycle=sent_back.cycle, today=today() + timedelta(days=3)) == 1
    assert len(sent("reminder_changes")) == 2


def test_no_changes_reminder_once_the_structure_has_sent_it_back(sent_back, editor):
    submitted(sent_back, editor)

    assert reminders.remind_changes_requested(cycle=sent_back.cycle, today=today() + timedelta(days=5)) == 0


# Session soon -----------------------------------------------------------------------------------------------


@pytest.fixture
def accept(cycle, host, editor, coordinator):
    def accept(*days_after_start, structure=None):
        contribution = ContributionFactory(
            cycle=cycle,
            structure=structure or host,
            created_by=editor,
            dates=[(cycle.start_date + timedelta(days=n)).isoformat() for n in days_after_start],
        )
        submitted(contribution, editor)
        return domain.accept_contribution(contribution=contribution, by=coordinator)

    return accept


def test_session_reminder_seven_days_before_and_once(cycle, accept, editor):
    contribution = accept(1)
    session = cycle.start_date + timedelta(days=1)

    counts = [
        reminders.remind_sessions_soon(cycle=cycle, today=session - timedelta(days=days))
        for days in (8, 7, 6, 0)
    ]

    assert counts == [0, 1, 0, 0]
    notification = Message.objects.get(reason="reminder_session_soon")
    assert notification.key == f"session-soon:{contribution.pk}:{session.isoformat()}:{editor.pk}"
    assert "dans 7 jours" in notification.body_text
    assert "de 14 h à 16 h, à Médiathèque de Bourges (Bourges)" in notification.body_text


def test_session_reminder_when_accepted_three_days_before(cycle, accept):
    accept(1)

    assert reminders.remind_sessions_soon(cycle=cycle, today=cycle.start_date - timedelta(days=2)) == 1


def test_sessions_close_together_share_one_reminder_and_distant_ones_get_their_own(cycle, accept):
    accept(0, 1, 2, 12)
    start = cycle.start_date

    counts = [
        reminders.remind_sessions_soon(cycle=cycle, today=start + timedelta(days=days))
        for days in range(-7, 13)
    ]

    assert sum(counts) == 2
    keys = Message.objects.filter(reason="reminder_session_soon").values_list("key", flat=True)
    assert sorted(key.split(":")[2] for key in keys) == [
        start.isoformat(),
        (start + timedelta(days=12)).isoformat(),
    ]


def test_reminded_dates_skip_sessions_within_a_week_of_the_previous_one():
    days = [date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 8), date(2027, 3, 16), date(2027, 3, 30)]

    assert reminders.reminded_dates(days) == [date(2027, 3, 1), date(2027, 3, 16), date(2027, 3, 30)]


def test_no_session_reminder_for_a_proposal_not_accepted(cycle, host, editor):
    submitted(ContributionFactory(cycle=cycle, structure=host, created_by=editor), editor)

    assert reminders.remind_sessions_soon(cycle=cycle, today=cycle.start_date) == 0


# Weekly summary ---------------------------------------------------------------------------------------------


def next_monday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


@pytest.fixture
def week_of_proposals(cycle, bassin, host, editor):
    """Two proposals sent this week: one in the cycle's bassin, one in a second bassin of the territory."""
    other_bassin = BassinFactory(title="Bassin de Vierzon")
    cycle.bassins.add(other_bassin)
    cycle.save()
    elsewhere = StructureFactory(bassin=other_bassin, title="EPN de Vierzon")
    other_editor = editor_of(elsewhere)
    submitted(
        ContributionFactory(cycle=cycle, structure=host, created_by=editor, title="Atelier tablette"), editor
    )
    submitted(
        ContributionFactory(
            cycle=cycle, structure=elsewhere, created_by=other_editor, title="Café numérique"
        ),
        other_editor,
    )
    ContributionFactory(cycle=cycle, structure=host, created_by=editor, title="Encore un brouillon")
    return other_bassin


def test_weekly_summary_to_cycle_and_bassin_coordinators_on_monday(
    cycle, bassin, coordinator, week_of_proposals
):
    local = coordinator_of(bassin, UserFactory(email="bassin@exemple.fr"))
    coordinator_of(BassinFactory(title="Hors du cycle"), UserFactory(email="ailleurs@exemple.fr"))
    monday = next_monday(today())

    queued = reminders.send_weekly_summary(cycle=cycle, today=monday)

    assert queued == 2
    assert sent("reminder_weekly_summary") == ["bassin@exemple.fr", "coordination@exemple.fr"]
    everything = Message.objects.get(reason="reminder_weekly_summary", email=coordinator.email)
    first, last = monday - timedelta(days=7), monday - timedelta(days=1)
    week = f"du {french_date(first, 'j F')} au {french_date(last, 'j F')}"
    assert everything.subject == f"{cycle.title} : 2 nouvelles propositions {week}"
    assert "Atelier tablette" in everything.body_text
    assert "Café numérique" in everything.body_text
    assert "Encore un brouillon" not in everything.body_text
    assert f"/pro/programmes/{cycle.slug}/examen/" in everything.body_text
    mine = Message.objects.get(reason="reminder_weekly_summary", email=local.email)
    assert mine.subject == f"{cycle.title} : une nouvelle proposition {week}"
    assert "Café numérique" not in mine.body_text
    assert "dans vos bassins (Bassin de Bourges)" in mine.body_text
    assert mine.key == f"weekly-summary:{cycle.pk}:{reminders.iso_week(monday)}:{local.pk}"


def test_weekly_summary_once_a_week_even_when_run_every_day(cycle, week_of_proposals):
    monday = next_monday(today())

    counts = [reminders.send_weekly_summary(cycle=cycle, today=monday + timedelta(days=n)) for n in range(7)]
    next_week = reminders.send_weekly_summary(cycle=cycle, today=monday + timedelta(days=7))

    assert (counts, next_week) == ([1, 0, 0, 0, 0, 0, 0], 0)


def test_weekly_summary_sent_on_tuesday_when_monday_was_missed(cycle, week_of_proposals):
    assert reminders.send_weekly_summary(cycle=cycle, today=next_monday(today()) + timedelta(days=1)) == 1


def test_no_weekly_summary_without_new_proposals(cycle, host, editor):
    ContributionFactory(cycle=cycle, structure=host, created_by=editor)

    assert reminders.send_weekly_summary(cycle=cycle, today=next_monday(today())) == 0


def test_no_weekly_summary_for_the_bassin_with_nothing_new(cycle, coordinator, week_of_proposals):
    quiet = BassinFactory(title="Bassin de Saint-Amand")
    cycle.bassins.add(quiet)
    cycle.save()
    coordinator_of(quiet, UserFactory(email="calme@exemple.fr"))

    reminders.send_weekly_summary(cycle=cycle, today=next_monday(today()))

    assert sent("reminder_weekly_summary") == [coordinator.email]


# All of them ------------------------------------------------------------------------------------------------


def test_send_reminders_runs_current_cycles_only(cycle, bassin, editor):
    CycleFactory(
        bassins=[bassin],
        call_opens=today() - timedelta(days=60),
        call_closes=today() - timedelta(days=40),
        start_date=today() - timedelta(days=30),
        end_date=today() - timedelta(days=1),
    )
    CycleFactory(
        bassins=[bassin],
        call_opens=today() + timedelta(days=1),
        call_closes=today() + timedelta(days=20),
        start_date=today() + timedelta(days=30),
        end_date=today() + timedelta(days=31),
    )

    first = reminders.send_reminders(today=today())
    second = reminders.send_reminders(today=today())

    assert first == {
        "cycles": 1,
        "call_open": 1,
        "call_closing": 0,
        "changes": 0,
        "session_soon": 0,
        "weekly_summary": 0,
    }
    assert second == {**first, "call_open": 0}


def test_send_reminders_skips_an_unpublished_cycle(cycle, editor):
    cycle.unpublish()

    assert reminders.send_reminders(today=today())["cycles"] == 0


def test_a_repeated_daily_run_costs_the_same_queries_whatever_the_number_of_editors(cycle, bassin, editor):
    def steady_queries():
        reminders.send_reminders(today=today())
        with CaptureQueriesContext(connection) as queries:
            reminders.send_reminders(today=today())
        return len(queries)

    few = steady_queries()
    for _n in range(3):
        editor_of(StructureFactory(bassin=bassin), UserFactory())
    many = steady_queries()

    assert few == many


def test_the_task_runs_the_reminders_for_a_given_day(cycle, editor):
    outcome = send_programme_reminders(today=today().isoformat())

    assert (outcome["cycles"], outcome["call_open"]) == (1, 1)


def test_the_command_prints_counts_in_french(cycle, editor):
    out = StringIO()

    call_command("send_programme_reminders", stdout=out)

    assert "ouverture de l'appel : 1 e-mail\n" in out.getvalue()
    assert "1 rappel préparé pour 1 cycle en cours." in out.getvalue()
    assert sent("reminder_call_open") == [editor.email]


def test_the_command_dry_run_on_another_day_queues_nothing(cycle, editor):
    out = StringIO()

    call_command(
        "send_programme_reminders",
        "--dry-run",
        "--date",
        reminders.closing_window_starts(cycle).isoformat(),
        stdout=out,
    )

    assert "clôture prochaine de l'appel : 1 e-mail\n" in out.getvalue()
    assert "Essai, rien n'est envoyé : 1 rappel pour 1 cycle en cours." in out.getvalue()
    assert Message.objects.count() == 0


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("send_programme_reminders", "--date", "15/03/2027")


def test_the_beat_runs_reminders_each_morning_and_the_outbox_every_five_minutes():
    from celery_app import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    morning = schedule["send-programme-reminders"]
    outbox = schedule["send-due-emails"]

    assert (morning["task"], outbox["task"]) == (
        "programmes.tasks.send_programme_reminders",
        "outbox.tasks.send_due_messages",
    )
    assert isinstance(morning["schedule"], crontab) and isinstance(outbox["schedule"], crontab)
    assert (morning["schedule"].hour, morning["schedule"].minute) == ({8}, {0})
    assert (outbox["schedule"].hour, outbox["schedule"].minute) == (set(range(24)), set(range(0, 60, 5)))
    assert settings.CELERY_TIMEZONE == "Europe/Paris"
    assert {morning["task"], outbox["task"]} <= set(app.tasks)


def test_a_run_hands_its_emails_to_one_sending_task_not_one_each(
    cycle, host, django_capture_on_commit_callbacks
):
    """A call-open morning queues hundreds of e-mails: one sweep task sends them (moved from
    tests/programmes/test_notifications.py, where the outbox batched the rows of one transaction)."""
    for number in range(3):
        editor_of(
            StructureFactory(bassin=host.get_parent().specific), UserFactory(email=f"e{number}@exemple.fr")
        )

    with django_capture_on_commit_callbacks() as callbacks:
        counts = reminders.send_reminders(today=today())

    assert counts["call_open"] == 3
    assert len(callbacks) == 1
    assert Message.objects.due().count() == 3
