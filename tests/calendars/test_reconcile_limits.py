"""Tests of one import run (`calendars.reconcile`) at the edges: clock changes in Europe/Paris (a session in
the spring-forward gap, an ambiguous autumn hour), an event that raises, and the size bounds that cut a
calendar or a series (issue 17)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from calendars.sync import import_calendar
from events.models import Atelier, Occurrence, SessionOverride
from events.recurrence import PARIS, localize
from tests.calendars.ics import DAY, calendar, counts, vevent

MARCH_28 = "20270328"  # Europe/Paris springs forward at 2:00 that Sunday
OCTOBER_31 = "20271031"  # and falls back at 3:00 that one


def raw_event(uid: str, title: str, lines: str) -> str:
    return "\r\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", f"SUMMARY:{title}", *lines.split("\n")]
        + ["END:VEVENT"]
    )


def session_starts(uid: str) -> list[datetime]:
    return list(
        Occurrence.objects.filter(atelier__remote_uid=uid).order_by("start").values_list("start", flat=True)
    )


def test_import_hourly_series_across_spring_forward_merges_the_collapsed_session(structure, time_machine):
    """01:30, 02:30 (which does not exist: 03:30 summer time) and 03:30: two sessions; the rest imported."""
    time_machine.move_to(datetime(2027, 1, 11, 8, 0, tzinfo=PARIS))
    hourly = raw_event(
        "hourly@x",
        "Permanence",
        f"DTSTART;TZID=Europe/Paris:{MARCH_28}T013000\nDTEND;TZID=Europe/Paris:{MARCH_28}T020000\n"
        "RRULE:FREQ=HOURLY;COUNT=3",
    )

    report = import_calendar(structure=structure, data=calendar(hourly, vevent("normal@x", "Café numérique")))

    assert counts(report) == (2, 0, 0, 0, 0)
    assert session_starts("hourly@x") == [
        localize(datetime(2027, 3, 28, 1, 30)),
        localize(datetime(2027, 3, 28, 3, 30)),
    ]
    assert localize(datetime(2027, 3, 28, 3, 30)).utcoffset() == timedelta(hours=2)
    assert len(session_starts("normal@x")) == 1


def test_import_start_in_the_gap_and_rdate_on_the_same_instant_make_one_session(structure, time_machine):
    time_machine.move_to(datetime(2027, 1, 11, 8, 0, tzinfo=PARIS))
    gap = raw_event(
        "gap@x",
        "Atelier de nuit",
        f"DTSTART;TZID=Europe/Paris:{MARCH_28}T023000\nDTEND;TZID=Europe/Paris:{MARCH_28}T040000\n"
        f"RDATE;TZID=Europe/Paris:{MARCH_28}T033000",
    )
    floating = raw_event(
        "floating@x", "Atelier flottant", f"DTSTART:{MARCH_28}T023000\nRDATE:{MARCH_28}T033000"
    )

    report = import_calendar(
        structure=structure, data=calendar(gap, floating, vevent("normal@x", "Café numérique"))
    )

    assert counts(report) == (3, 0, 0, 0, 0)
    assert session_starts("gap@x") == [localize(datetime(2027, 3, 28, 3, 30))]
    assert session_starts("floating@x") == [localize(datetime(2027, 3, 28, 3, 30))]


def test_import_override_of_a_session_in_the_gap_lands_on_its_session(structure, time_machine):
    """Two RECURRENCE-IDs naming the same instant (02:30 floating, 03:30) are one session's change."""
    time_machine.move_to(datetime(2027, 1, 11, 8, 0, tzinfo=PARIS))
    series = raw_event("s@x", "Permanence", f"DTSTART:{MARCH_28}T013000\nRRULE:FREQ=HOURLY;COUNT=3")
    first = raw_event("s@x", "Changée", f"RECURRENCE-ID:{MARCH_28}T023000\nDTSTART:{MARCH_28}T050000")
    second = raw_event("s@x", "Changée", f"RECURRENCE-ID:{MARCH_28}T033000\nDTSTART:{MARCH_28}T060000")

    import_calendar(structure=structure, data=calendar(series, first, second))

    assert list(SessionOverride.objects.values_list("original_start", flat=True)) == [
        localize(datetime(2027, 3, 28, 3, 30))
    ]
    assert len(session_starts("s@x")) == 2


def test_import_ambiguous_time_takes_the_first_one(structure, time_machine):
    time_machine.move_to(datetime(2027, 1, 11, 8, 0, tzinfo=PARIS))
    hourly = raw_event(
        "fall@x", "Permanence", f"DTSTART;TZID=Europe/Paris:{OCTOBER_31}T013000\nRRULE:FREQ=HOURLY;COUNT=3"
    )

    import_calendar(structure=structure, data=calendar(hourly))

    assert [to_paris_offset(moment) for moment in session_starts("fall@x")] == [
        ("01:30", timedelta(hours=2)),
        ("02:30", timedelta(hours=2)),
        ("03:30", timedelta(hours=1)),
    ]


def to_paris_offset(moment: datetime) -> tuple[str, timedelta]:
    local = moment.astimezone(PARIS)
    return f"{local:%H:%M}", local.utcoffset()


def test_import_event_that_raises_is_skipped_with_a_warning_and_the_others_imported(structure, monkeypatch):
    from calendars import reconcile

    real = reconcile.content_values

    def content_values(event, **kwargs):
        if event.summary == "Piégé":
            raise RuntimeError("valeur inattendue")
        return real(event, **kwargs)

    monkeypatch.setattr(reconcile, "content_values", content_values)

    report = import_calendar(
        structure=structure, data=calendar(vevent("bad@x", "Piégé"), vevent("good@x", "Café numérique"))
    )

    assert list(Atelier.objects.values_list("remote_uid", flat=True)) == ["good@x"]
    assert (report.created, report.skipped) == (1, 1)
    assert [warning["code"] for warning in report.warnings] == ["skipped_component"]
    assert "« Piégé » n'a pas été importé" in report.warnings[0]["message"]


def test_import_of_25000_events_keeps_the_nearest_within_the_cap(structure, settings):
    settings.MAILLAGE_FEED_MAX_EVENTS = 40
    events = [
        vevent(f"e{number}@x", f"Atelier {number}", DAY + timedelta(days=number % 3000 - 1500))
        for number in range(25_000)
    ]

    report = import_calendar(structure=structure, data=calendar(*events))

    kept = sorted(Atelier.objects.values_list("start_date", flat=True))
    assert (Atelier.objects.count(), report.event_count) == (40, 25_000)
    assert kept[0] >= timezone.localdate() and kept[-1] <= timezone.localdate() + timedelta(days=31)
    assert report.warnings[0]["code"] == "too_many_events"
    assert (
        "Votre agenda contient 25000 événements ; Maillage en importe 40 au plus."
        in report.warnings[0]["message"]
    )


def test_import_series_with_100000_exdates_keeps_the_cap(structure):
    start = datetime.combine(DAY, time(14))
    exdates = ",".join(f"{start + timedelta(days=n):%Y%m%dT%H%M%S}" for n in range(1, 100_001))
    series = vevent("s@x", "Tous les jours", extra=f"RRULE:FREQ=DAILY\nEXDATE;TZID=Europe/Paris:{exdates}")

    report = import_calendar(structure=structure, data=calendar(series, vevent("n@x", "Café numérique")))

    atelier = Atelier.objects.get(remote_uid="s@x")
    assert len(atelier.exdates) == 1000
    assert atelier.exdates[0] == (start + timedelta(days=1)).isoformat()
    assert Occurrence.objects.filter(atelier=atelier, start__gte=localize(start)).count() == 1
    assert report.warnings[0]["code"] == "too_many_dates"
    assert "« Tous les jours »" in report.warnings[0]["message"]


def test_import_hourly_series_without_end_keeps_the_sessions_cap(structure, settings):
    settings.MAILLAGE_MAX_SESSIONS_PER_SERIES = 50
    hourly = vevent("h@x", "Créneaux", extra="RRULE:FREQ=HOURLY")

    report = import_calendar(structure=structure, data=calendar(hourly))

    starts = session_starts("h@x")
    assert len(starts) == 50
    assert starts[0] == localize(datetime.combine(DAY, time(14)))
    assert [warning["code"] for warning in report.warnings] == ["too_many_sessions"]
