"""The programmes' reminders, computed every morning by Celery beat (`send_programme_reminders`).

Each reminder is a function of the day: it looks at the cycle's dates and contributions, and queues one
e-mail per person and occasion through the outbox (`queue_email`) under a key naming both. Running a day
twice, or catching up a day the beat missed, therefore sends nothing twice; the windows below are ranges of
days rather than single days for the same reason (a missed morning is made up for the next one).

- call open: the editors of the territory's structures, once, while the call is open and before the closing
  reminder's window (whoever first hears of the call then gets the closing reminder alone, not both);
- call closing: `cycle.reminder_days` before the call closes (and until it closes), the editors of the
  structures that have proposed nothing yet;
- changes requested: the structure's people, once per request still unanswered three days later;
- session soon: the host's people, within the seven days before a session (once for sessions a few days
  apart: only a session with no other one in the seven days before it gets its own reminder);
- weekly summary: the cycle's coordinators (every proposal) and the territory's bassin coordinators (their
  bassins' ones) the first run of each ISO week, about the proposals first sent the week before.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from events.recurrence import format_time
from network.models import Coordination, Membership
from outbox.links import absolute_url
from outbox.models import Message
from outbox.queue import queue_email
from outbox.tasks import send_due_messages

from . import domain
from .enums import ContributionState, EventKind
from .models import Contribution, ContributionEvent, CyclePage

CHANGES_REMINDER_AFTER_DAYS = 3
SESSION_REMINDER_DAYS = 7

S = ContributionState


@dataclass(frozen=True)
class Mail:
    """One reminder to one person, before it is rendered (and only if its key is new)."""

    key: str
    user: object
    context: dict
    contribution: Contribution | None = None


# Shared helpers ---------------------------------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def cycle_url(cycle: CyclePage) -> str:
    return absolute_url(cycle.get_url() or "/")


def propose_url(cycle: CyclePage) -> str:
    return absolute_url(reverse("programmes:propose", kwargs={"slug": cycle.slug}))


def review_url(cycle: CyclePage) -> str:
    return absolute_url(reverse("programmes:review", kwargs={"slug": cycle.slug}))


def closing_window_starts(cycle: CyclePage) -> date:
    return cycle.call_closes - timedelta(days=cycle.reminder_days)


def _existing_keys(keys: list[str]) -> set[str]:
    found = set()
    for offset in range(0, len(keys), 500):
        found.update(
            Message.objects.filter(key__in=keys[offset : offset + 500]).values_list("key", flat=True)
        )
    return found


def _queue_all(mails: list[Mail], *, reason: str, cycle: CyclePage) -> int:
    """Queue the mails whose key is new (one query for all the keys); returns how many were queued."""
    existing = _existing_keys([mail.key for mail in mails])
    queued = 0
    for mail in mails:
        if mail.key in existing:
            continue
        queued += bool(
            queue_email(
                key=mail.key,
                reason=reason,
                to=mail.user.email,
                user=mail.user,
                template=f"programmes/emails/{reason}",
                context=mail.context,
                topic=domain.email_topic(cycle, mail.contribution),
                enqueue=False,  # one sweep for the whole run (see `send_reminders`)
            )
        )
    return queued


def _editors_by_person(structures) -> list[tuple[object, list]]:
    """(person, the structures they edit among `structures`) for every active editor with an address."""
    memberships = (
        Membership.objects.editing()
        .filter(structure__in=structures, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "structure")
        .order_by("user_id", "structure__title", "structure_id")
    )
    people: dict[int, tuple[object, list]] = {}
    for membership in memberships:
        people.setdefault(membership.user_id, (membership.user, []))[1].append(membership.structure)
    return list(people.values())


def _call_context(cycle: CyclePage, today: date) -> dict:
    return {
        "cycle": cycle,
        "cycle_url": cycle_url(cycle),
        "propose_url": propose_url(cycle),
        "days_left": (cycle.call_closes - today).days,
    }


# 1. The call opens ------------------------------------------------------------------------------------------


def remind_call_open(*, cycle: CyclePage, today: date | None = None) -> int:
    """Tell every editor of the territory's structures that the call is open (one e-mail per person)."""
    today = today or timezone.localdate()
    if not (cycle.is_call_open(today) and today < closing_window_starts(cycle)):
        return 0
    context = _call_context(cycle, today)
    mails = [
        Mail(key=f"call-open:{cycle.pk}:{user.pk}", user=user, context={**context, "structures": structures})
        for user, structures in _editors_by_person(cycle.territory_structures())
    ]
    return _queue_all(mails, reason="reminder_call_open", cycle=cycle)


# 2. The call closes soon ------------------------------------------------------------------------------------


def structures_without_proposal(cycle: CyclePage):
    """Live structures of the territory that have sent no proposal to the cycle (drafts do not count)."""
    sent = (
        Contribution.objects.of_cycle(cycle)
        .filter(Q(submitted_at__isnull=False) | ~Q(state__in=[S.DRAFT, S.WITHDRAWN]))
        .values("structure")
    )
    return cycle.territory_structures().exclude(pk__in=sent)


def remind_call_closing(*, cycle: CyclePage, today: date | None = None) -> int:
    """`reminder_days` before the call closes: remind the structures that have not proposed anything yet."""
    today = today or timezone.localdate()
    if not (cycle.is_call_open(today) and today >= closing_window_starts(cycle)):
        return 0
    structures = structures_without_proposal(cycle)
    people = _editors_by_person(structures)
    if not people:
        return 0
    drafts: dict[int, list[dict]] = {}
    for draft in (
        Contribution.objects.of_cycle(cycle)
        .filter(state=S.DRAFT, structure__in=structures)
        .select_related("structure")
        .order_by("title", "pk")
    ):
        drafts.setdefault(draft.structure_id, []).append(
            {
                "contribution": draft,
                "structure": draft.structure,
                "url": absolute_url(draft.get_absolute_url()),
            }
        )
    context = _call_context(cycle, today)
    mails = [
        Mail(
            key=f"call-closing:{cycle.pk}:{user.pk}",
            user=user,
            context={
                **context,
                "structures": own,
                "drafts": [draft for structure in own for draft in drafts.get(structure.pk, [])],
            },
        )
        for user, own in people
    ]
    return _queue_all(mails, reason="reminder_call_closing", cycle=cycle)


# 3. Changes requested and still waiting ---------------------------------------------------------------------


def remind_changes_requested(*, cycle: CyclePage, today: date | None = None) -> int:
    """Remind the structure of a request for changes left unanswered for `CHANGES_REMINDER_AFTER_DAYS`.

    Once per request (the key names the request's history line): a new request makes a new reminder.
    """
    today = today or timezone.localdate()
    requested_before = _start_of(today - timedelta(days=CHANGES_REMINDER_AFTER_DAYS - 1))
    last_request = (
        ContributionEvent.objects.filter(contribution=OuterRef("pk"), kind=EventKind.CHANGES_REQUESTED)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    contributions = list(
        Contribution.objects.of_cycle(cycle)
        .filter(state=S.CHANGES_REQUESTED)
        .annotate(request_pk=Subquery(last_request))
        .select_related("structure", "cycle")
        .order_by("pk")
    )
    requests = ContributionEvent.objects.select_related("author").in_bulk(
        [contribution.request_pk for contribution in contributions if contribution.request_pk]
    )
    mails = []
    for contribution in contributions:
        request = requests.get(contribution.request_pk)
        if request is None or request.created_at >= requested_before:
            continue
        context = {
            "contribution": contribution,
            "cycle": cycle,
            "structure": contribution.structure,
            "event": request,
            "author_name": _person(request.author),
            "requested_on": timezone.localdate(request.created_at),
            "contribution_url": absolute_url(contribution.get_absolute_url()),
        }
        mails += [
            Mail(
                key=f"changes-reminder:{request.pk}:{person.pk}",
                user=person,
                context=context,
                contribution=contribution,
            )
            for person in domain.structure_people(contribution)
            if person.pk != request.author_id
        ]
    return _queue_all(mails, reason="reminder_changes", cycle=cycle)


def _person(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


# 4. A session soon ------------------------------------------------------------------------------------------


def reminded_dates(dates: list[date]) -> list[date]:
    """The dates that get a reminder: those with no earlier session in the `SESSION_REMINDER_DAYS` before.

    Sessions on consecutive days (or a few days apart) share the first one's reminder, which lists them.
    """
    chosen, previous = [], None
    for day in sorted(dates):
        if previous is None or (day - previous).days > SESSION_REMINDER_DAYS:
            chosen.append(day)
        previous = day
    return chosen


def remind_sessions_soon(*, cycle: CyclePage, today: date | None = None) -> int:
    """Remind the hosts of an accepted contribution in the seven days before its session (once per date)."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=SESSION_REMINDER_DAYS)
    contributions = (
        Contribution.objects.of_cycle(cycle)
        .accepted()
        .filter(first_date__lte=horizon)
        .select_related("structure", "cycle")
        .order_by("first_date", "pk")
    )
    mails = []
    for contribution in contributions:
        dates = contribution.date_list
        for day in reminded_dates(dates):
            if not today <= day <= horizon:
                continue
            context = {
                "contribution": contribution,
                "cycle": cycle,
                "structure": contribution.structure,
                "session_day": day,
                "days_left": (day - today).days,
                "sessions": [
                    other for other in dates if day <= other <= day + timedelta(days=SESSION_REMINDER_DAYS)
                ],
                "starts_at": format_time(contribution.start_time),
                "ends_at": format_time(contribution.end_time),
                "place": contribution.place_label(),
                "commune": contribution.place_commune(),
                "contribution_url": absolute_url(contribution.get_absolute_url()),
                "cycle_url": cycle_url(cycle),
            }
            mails += [
                Mail(
                    key=f"session-soon:{contribution.pk}:{day.isoformat()}:{person.pk}",
                    user=person,
                    context=context,
                    contribution=contribution,
                )
                for person in domain.structure_people(contribution)
            ]
    return _queue_all(mails, reason="reminder_session_soon", cycle=cycle)


# 5. Weekly summary to coordinators --------------------------------------------------------------------------


def iso_week(day: date) -> str:
    year, number, _weekday = day.isocalendar()
    return f"{year}-W{number:02d}"


def new_proposals(cycle: CyclePage, *, since: datetime, until: datetime) -> list[Contribution]:
    """Contributions first sent to the coordinators in [since, until) and not withdrawn since."""
    return list(
        Contribution.objects.of_cycle(cycle)
        .exclude(state__in=[S.DRAFT, S.WITHDRAWN])
        .annotate(first_submitted=Min("events__created_at", filter=Q(events__kind=EventKind.SUBMITTED)))
        .filter(first_submitted__gte=since, first_submitted__lt=until)
        .select_related("structure")
        .order_by("first_submitted", "pk")
    )


def _summary_readers(cycle: CyclePage, territory: list) -> list[tuple[object, list[int] | None]]:
    """(person, ids of the bassins they follow, None for the whole cycle): the cycle's coordinators, then
    the territory's bassin coordinators who are not among them."""
    active = Q(is_active=True) & ~Q(email="")
    readers: dict[int, tuple[object, list[int] | None]] = {}
    for user in (
        get_user_model().objects.filter(active, pk__in=cycle.coordinator_links.values("user")).order_by("pk")
    ):
        readers[user.pk] = (user, None)
    for coordination in (
        Coordination.objects.filter(bassin__in=[bassin.pk for bassin in territory], user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "bassin__path")
    ):
        if coordination.user_id in readers and readers[coordination.user_id][1] is None:
            continue
        readers.setdefault(coordination.user_id, (coordination.user, []))[1].append(coordination.bassin_id)
    return list(readers.values())


def send_weekly_summary(*, cycle: CyclePage, today: date | None = None) -> int:
    """Tell coordinators about the proposals first sent during the previous ISO week, if there are any.

    Meant for Monday; any later day of the week sends it to whoever has not had it yet (a missed Monday,
    a coordinator named mid-week), always about the same week, so a proposal is announced in one summary.
    """
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    week_start = monday - timedelta(days=7)
    proposals = new_proposals(cycle, since=_start_of(week_start), until=_start_of(monday))
    if not proposals:
        return 0
    territory = cycle.territory()
    bassin_titles = {bassin.pk: bassin.title for bassin in territory}
    waiting_bassins = list(
        Contribution.objects.of_cycle(cycle)
        .filter(state=S.SUBMITTED)
        .values_list("structure__bassin_id", flat=True)
    )
    items = [
        {
            "contribution": proposal,
            "structure": proposal.structure,
            "bassin_id": proposal.structure.bassin_id,
            "bassin": bassin_titles.get(proposal.structure.bassin_id, ""),
            "url": absolute_url(proposal.get_absolute_url()),
        }
        for proposal in proposals
    ]
    base = {
        "cycle": cycle,
        "week": iso_week(today),
        "week_start": week_start,
        "week_end": monday - timedelta(days=1),
        "review_url": review_url(cycle),
    }
    mails = []
    for user, bassin_ids in _summary_readers(cycle, territory):
        mine = [item for item in items if bassin_ids is None or item["bassin_id"] in bassin_ids]
        if not mine:
            continue
        waiting = sum(1 for bassin_id in waiting_bassins if bassin_ids is None or bassin_id in bassin_ids)
        mails.append(
            Mail(
                key=f"weekly-summary:{cycle.pk}:{iso_week(today)}:{user.pk}",
                user=user,
                context={
                    **base,
                    "items": mine,
                    "waiting": waiting,
                    "bassins": None if bassin_ids is None else [bassin_titles[pk] for pk in bassin_ids],
                },
            )
        )
    return _queue_all(mails, reason="reminder_weekly_summary", cycle=cycle)


# All of them ------------------------------------------------------------------------------------------------

REMINDERS = {
    "call_open": remind_call_open,
    "call_closing": remind_call_closing,
    "changes": remind_changes_requested,
    "session_soon": remind_sessions_soon,
    "weekly_summary": send_weekly_summary,
}


def reminded_cycles(today: date):
    """Live cycles whose call has opened and which are not over: the only ones with something to remind."""
    return (
        CyclePage.objects.live()
        .filter(call_opens__lte=today, end_date__gte=today)
        .order_by("start_date", "pk")
    )


def send_reminders(*, today: date | None = None) -> dict[str, int]:
    """Run every reminder of every current cycle for `today`; returns how many e-mails each one queued.

    A call-open morning queues hundreds of e-mails: they are handed to one sending task (the outbox's
    sweep) once the run is over, not to one task each.
    """
    today = today or timezone.localdate()
    counts = {"cycles": 0, **dict.fromkeys(REMINDERS, 0)}
    for cycle in reminded_cycles(today):
        counts["cycles"] += 1
        for name, remind in REMINDERS.items():
            counts[name] += remind(cycle=cycle, today=today)
    if any(counts[name] for name in REMINDERS):
        send_due_messages.delay_on_commit()
    return counts
