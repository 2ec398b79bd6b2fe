"""Tests of one import run (`calendars.reconcile`, through `calendars.sync.import_calendar`): what the
calendar's events become as ateliers, session changes and sessions, and what it costs in queries."""

from datetime import datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from calendars.models import Feed
from calendars.reconcile import PAST_GONE
from calendars.sync import import_calendar
from events import enums
from events.models import Atelier, Occurrence, SessionOverride
from events.recurrence import localize
from tests.calendars.ics import DAY, PAST, calendar, counts, stamp, vevent
from tests.factories import StructureFactory


def test_import_text_change_keeps_the_sessions_rows(structure):
    weekly = "RRULE:FREQ=WEEKLY;COUNT=4"
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier", extra=weekly)))
    sessions = list(Occurrence.objects.order_by("start").values_list("pk", "start"))
    changed = f"{weekly}\nSEQUENCE:1\nDESCRIPTION:Apportez votre tablette."

    report = import_calendar(
        structure=structure, data=calendar(vevent("a@x", "Atelier tablette", extra=changed))
    )

    atelier = Atelier.objects.get(structure=structure)
    assert counts(report) == (0, 1, 0, 0, 0)
    assert (atelier.title, atelier.summary, atelier.sequence) == (
        "Atelier tablette",
        "Apportez votre tablette.",
        1,
    )
    assert list(Occurrence.objects.order_by("start").values_list("pk", "start")) == sessions


def test_import_place_change_rebuilds_the_sessions(structure):
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier")))

    changed = "SEQUENCE:1\nLOCATION:Médiathèque\\, 2 rue des Écoles\\, 18100 Vierzon"
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier", extra=changed)))

    assert list(Occurrence.objects.values_list("place_name", "commune")) == [("Médiathèque", "Vierzon")]


def test_import_older_sequence_never_overwrites_newer(structure):
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Version 3", extra="SEQUENCE:3")))

    report = import_calendar(
        structure=structure, data=calendar(vevent("a@x", "Version 2", extra="SEQUENCE:2"))
    )

    assert counts(report) == (0, 0, 0, 0, 1)
    assert Atelier.objects.get(structure=structure).title == "Version 3"


def test_import_status_cancelled_cancels_the_atelier(structure):
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier")))

    report = import_calendar(
        structure=structure, data=calendar(vevent("a@x", "Atelier", extra="STATUS:CANCELLED\nSEQUENCE:1"))
    )

    assert counts(report) == (0, 1, 0, 0, 0)
    assert Atelier.objects.get(structure=structure).status == enums.Status.CANCELLED


def test_import_vanished_future_event_is_cancelled_and_past_one_untouched(structure):
    import_calendar(
        structure=structure,
        data=calendar(
            vevent("futur@x", "À venir"), vevent("passe@x", "Passé", PAST), vevent("reste@x", "Reste")
        ),
    )

    report = import_calendar(structure=structure, data=calendar(vevent("reste@x", "Reste")))

    statuses = dict(Atelier.objects.filter(structure=structure).values_list("remote_uid", "status"))
    assert counts(report) == (0, 0, 1, 1, 0)
    assert statuses == {
        "futur@x": enums.Status.CANCELLED,
        "passe@x": enums.Status.SCHEDULED,
        "reste@x": enums.Status.SCHEDULED,
    }


def test_import_vanished_past_event_is_not_loaded_again_and_comes_back_when_back(structure):
    past, kept = vevent("passe@x", "Passé", PAST), vevent("reste@x", "Reste")
    import_calendar(structure=structure, data=calendar(past, kept))
    import_calendar(structure=structure, data=calendar(kept))
    passe = Atelier.objects.get(remote_uid="passe@x")
    sequence, updated = passe.sequence, passe.updated_at

    with CaptureQueriesContext(connection) as queries:
        import_calendar(structure=structure, data=calendar(vevent("reste@x", "Reste (salle 2)")))
    back = import_calendar(structure=structure, data=calendar(past, vevent("reste@x", "Reste (salle 2)")))

    reste = Atelier.objects.get(remote_uid="reste@x")
    loads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"events_atelier"."id" IN' in q["sql"]
    ]
    assert [sql.rpartition(" IN ")[2] for sql in loads] == [f"({reste.pk})"]  # the changed atelier only
    passe.refresh_from_db()
    assert (passe.status, passe.sequence, passe.updated_at) == (enums.Status.SCHEDULED, sequence, updated)
    assert counts(back) == (0, 0, 0, 2, 0)
    passe.refresh_from_db()
    assert passe.block_hash not in ("", PAST_GONE)


def test_import_vanished_event_that_comes_back_is_restored(structure):
    import_calendar(structure=structure, data=calendar(vevent("a@x", "Atelier"), vevent("b@x", "Autre")))
    import_calendar(structure=structure, data=calendar(vevent("b@x", "Autre")))

    report = import_calendar(
        structure=structure, data=calendar(vevent("a@x", "Atelier"), vevent("b@x", "Autre"))
    )

    assert counts(report) == (0, 1, 0, 1, 0)
    assert Atelier.objects.get(remote_uid="a@x").status == enums.Status.SCHEDULED


# ---- overrides --------------------------------------------------------------------------------------


def series(*overrides: str) -> bytes:
    return calendar(vevent("serie@x", "Permanence", extra="RRULE:FREQ=WEEKLY;COUNT=4"), *overrides)


def override(week: int, *, day_shift=0, hour=14, extra="") -> str:
    original = DAY + timedelta(days=7 * week)
    return vevent(
        "serie@x",
        "Permanence",
        original + timedelta(days=day_shift),
        hour,
        extra=f"RECURRENCE-ID;TZID=Europe/Paris:{stamp(original)}\n{extra}",
    )


def test_import_overrides_move_and_cancel_sessions(structure):
    report = import_calendar(
        structure=structure,
        data=series(override(1, day_shift=1, hour=9), override(2, extra="STATUS:CANCELLED")),
    )

    atelier = Atelier.objects.get(structure=structure)
    moved, cancelled = SessionOverride.objects.filter(atelier=atelier).order_by("original_start")
    assert counts(report) == (1, 0, 0, 0, 0)
    assert (moved.from_feed, moved.new_start, moved.new_end, moved.status) == (
        True,
        localize(datetime.combine(DAY + timedelta(days=8), time(9))),
        localize(datetime.combine(DAY + timedelta(days=8), time(11))),
        enums.Status.SCHEDULED,
    )
    assert (cancelled.new_start, cancelled.status) == (None, enums.Status.CANCELLED)
    occurrences = Occurrence.objects.filter(atelier=atelier).order_by("recurrence_id")
    assert [o.status for o in occurrences] == [
        enums.Status.SCHEDULED,
        enums.Status.SCHEDULED,
        enums.Status.CANCELLED,
        enums.Status.SCHEDULED,
    ]
    assert occurrences[1].start == localize(datetime.combine(DAY + timedelta(days=8), time(9)))


def test_import_vanished_override_returns_session_to_series(structure):
    import_calendar(
        structure=structure, data=series(override(1, hour=9), override(2, extra="STATUS:CANCELLED"))
    )

    report = import_calendar(structure=structure, data=series(override(2, extra="STATUS:CANCELLED")))

    atelier = Atelier.objects.get(structure=structure)
    assert counts(report) == (0, 1, 0, 0, 0)
    assert list(SessionOverride.objects.filter(atelier=atelier).values_list("status", flat=True)) == [
        enums.Status.CANCELLED
    ]
    assert Occurrence.objects.get(
        atelier=atelier, recurrence_id=localize(datetime.combine(DAY + timedelta(days=7), time(14)))
    ).start == localize(datetime.combine(DAY + timedelta(days=7), time(14)))


def test_import_detached_atelier_is_never_touched(structure):
    import_calendar(structure=structure, data=series())
    atelier = Atelier.objects.get(structure=structure)
    Atelier.objects.filter(pk=atelier.pk).update(detached=True, title="Permanence (modifiée ici)")

    report = import_calendar(
        structure=structure,
        data=calendar(vevent("serie@x", "Nouveau", extra="SEQUENCE:4"), override(1, hour=9)),
    )
    empty = import_calendar(structure=structure, data=calendar(vevent("autre@x", "Autre")))

    atelier.refresh_from_db()
    assert (counts(report), empty.cancelled) == ((0, 0, 0, 0, 1), 0)
    assert (atelier.title, atelier.status) == ("Permanence (modifiée ici)", enums.Status.SCHEDULED)
    assert SessionOverride.objects.filter(atelier=atelier).count() == 0


# ---- Office 365 UID churn, events without UID ---------------------------------------------------------


def test_import_uid_churn_matches_on_start_and_title(structure):
    titles = ["Atelier tablette", "Café numérique", "Démarches en ligne", "Initiation"]
    import_calendar(
        structure=structure,
        data=calendar(*[vevent(f"v1-{i}", t, DAY + timedelta(days=i)) for i, t in enumerate(titles)]),
    )
    ids = sorted(Atelier.objects.values_list("pk", flat=True))

    report = import_calendar(
        structure=structure,
        data=calendar(*[vevent(f"v2-{i}", t, DAY + timedelta(days=i)) for i, t in enumerate(titles)]),
    )

    feed = Feed.objects.get(structure=structure)
    assert counts(report) == (0, 0, 0, 4, 0)
    assert sorted(Atelier.objects.values_list("pk", flat=True)) == ids
    assert sorted(Atelier.objects.values_list("remote_uid", flat=True)) == ["v2-0", "v2-1", "v2-2", "v2-3"]
    assert feed.uid_strategy == "start_title"
    assert [w["code"] for w in report.warnings] == ["uid_churn"]
    assert report.warnings[0]["message"].startswith("Votre agenda Outlook change l'identifiant")


def test_import_uid_churn_stores_the_new_uid_even_when_the_event_is_older(structure):
    titles = ["Atelier tablette", "Café numérique", "Démarches en ligne"]
    events = [(f"{i}", t, DAY + timedelta(days=i)) for i, t in enumerate(titles)]
    import_calendar(
        structure=structure,
        data=calendar(*[vevent(f"v1-{i}", t, d, extra="SEQUENCE:3") for i, t, d in events]),
    )

    report = import_calendar(
        structure=structure,
        data=calendar(*[vevent(f"v2-{i}", t, d, extra="SEQUENCE:1") for i, t, d in events]),
    )

    assert counts(report) == (0, 0, 0, 0, 3)
    assert sorted(Atelier.objects.values_list("remote_uid", flat=True)) == ["v2-0", "v2-1", "v2-2"]


def test_import_events_without_uid_are_matched_on_start_and_title(structure):
    data = calendar(vevent("", "Sans identifiant"))
    import_calendar(structure=structure, data=data)

    report = import_calendar(structure=structure, data=data.replace(b"20260101T000000Z", b"20260303T000000Z"))

    assert (counts(report), Atelier.objects.filter(structure=structure).count()) == ((0, 0, 0, 1, 0), 1)


def test_import_google_all_day_event_is_an_all_day_atelier(structure):
    block = "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"DTSTART;VALUE=DATE:{DAY:%Y%m%d}",
            f"DTEND;VALUE=DATE:{DAY + timedelta(days=1):%Y%m%d}",
            "DTSTAMP:20260101T000000Z",
            "UID:forum@google.com",
            "SUMMARY:Forum du numérique",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    )

    import_calendar(structure=structure, data=calendar(block))

    atelier = Atelier.objects.get(remote_uid="forum@google.com")
    # DTEND of an all-day event is the next day, exclusive (RFC 5545), kept as the calendar gives it.
    assert (atelier.all_day, atelier.start_date, atelier.end_date) == (True, DAY, DAY + timedelta(days=1))
    assert (atelier.start_time, atelier.end_time, atelier.duration) == (time(0), time(0), timedelta(days=1))
    assert Occurrence.objects.filter(atelier=atelier).count() == 1


# ---- cost ---------------------------------------------------------------------------------------------


def resync_queries(structure, size: int, *, hour: int = 14) -> int:
    """Queries of a re-import of a `size`-event calendar (a series among them) where one event changed: its
    title, and its time unless `hour` is left at 14."""
    events = [vevent(f"e{i}@x", f"Atelier {i}", DAY + timedelta(days=i)) for i in range(size - 1)]
    events.append(vevent("series@x", "Café numérique", extra="RRULE:FREQ=WEEKLY;COUNT=5"))
    import_calendar(structure=structure, data=calendar(*events))
    events[0] = vevent("e0@x", "Atelier 0 (salle 2)", DAY, hour=hour)
    with CaptureQueriesContext(connection) as queries:
        report = import_calendar(structure=structure, data=calendar(*events))
    assert counts(report) == (0, 1, 0, size - 1, 0)
    return len(queries)


def test_resync_after_one_change_costs_the_same_queries_whatever_the_calendar_size(db):
    small = resync_queries(StructureFactory(), 5)
    big = resync_queries(StructureFactory(), 60)

    # The manual-import feed, the index (which tells that no session has a change of its own), the changed
    # row, its UPDATE.
    assert small == big == 4


def test_resync_after_a_time_change_also_rewrites_the_sessions(db):
    small = resync_queries(StructureFactory(), 5, hour=10)
    big = resync_queries(StructureFactory(), 60, hour=10)

    assert small == big == 4 + 3  # and the sessions: DELETE, INSERT, the ateliers' last session day


def test_import_moved_session_with_its_own_summary_keeps_its_title_on_site_and_in_our_ics(structure, client):
    original = DAY + timedelta(days=7)
    own = vevent(
        "serie@x",
        "Permanence : spécial photos",
        original,
        16,
        extra=f"RECURRENCE-ID;TZID=Europe/Paris:{stamp(original)}",
    )

    import_calendar(structure=structure, data=series(own))

    atelier = Atelier.objects.get(structure=structure)
    change = SessionOverride.objects.get(atelier=atelier)
    titles = [o.display_title for o in Occurrence.objects.filter(atelier=atelier).order_by("recurrence_id")]
    exported = Calendar.from_ical(client.get(f"/structures/{structure.slug}/agenda.ics").content)
    summaries = {str(event["SUMMARY"]) for event in exported.walk("VEVENT")}
    assert change.title == "Permanence : spécial photos"
    assert titles == ["Permanence", "Permanence : spécial photos", "Permanence", "Permanence"]
    assert summaries == {"Permanence", "Permanence : spécial photos"}


def test_import_moved_session_repeating_the_series_title_follows_the_series(structure):
    import_calendar(structure=structure, data=series(override(1, hour=9)))

    assert SessionOverride.objects.get().title == ""


def test_first_import_writes_each_atelier_and_session_once(structure):
    events = [vevent(f"e{i}@x", f"Atelier {i}", DAY + timedelta(days=i)) for i in range(4)]
    events.append(vevent("series@x", "Café numérique", extra="RRULE:FREQ=WEEKLY;COUNT=5"))

    with CaptureQueriesContext(connection) as queries:
        report = import_calendar(structure=structure, data=calendar(*events))

    writes = [q["sql"].split()[0] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    series = Atelier.objects.get(remote_uid="series@x")
    assert counts(report) == (5, 0, 0, 0, 0)
    assert Occurrence.objects.filter(atelier__structure=structure).count() == 4 + 5
    assert series.last_session_date == DAY + timedelta(weeks=4)
    # The manual-import feed, then the ateliers and their sessions.
    assert writes == ["INSERT", "INSERT", "INSERT"]


def test_first_import_of_a_series_with_a_moved_session_records_the_moved_day(structure):
    import_calendar(structure=structure, data=series(override(3, day_shift=2)))

    atelier = Atelier.objects.get(structure=structure)
    last = Occurrence.objects.filter(atelier=atelier).latest("start")
    assert (last.is_moved, last.local_date) == (True, DAY + timedelta(weeks=3, days=2))
    assert atelier.last_session_date == DAY + timedelta(weeks=3, days=2)


def test_a_session_changed_in_the_calendar_is_stamped_for_peers_the_series_is_not(structure):
    """A peer following this instance reads `sessions_changed_at` (api.views): a feed's moved or cancelled
    session must move it, while `updated_at` (the series' own change, digests, LAST-MODIFIED) stays."""
    import_calendar(structure=structure, data=series())
    Atelier.objects.update(updated_at=timezone.now() - timedelta(days=2), sessions_changed_at=None)
    before = Atelier.objects.get(structure=structure).updated_at

    import_calendar(structure=structure, data=series(override(2, extra="STATUS:CANCELLED")))

    atelier = Atelier.objects.get(structure=structure)
    assert atelier.updated_at == before
    assert atelier.sessions_changed_at > before
