"""The opening intervals table (`network.models.opening`): the database answers « ouvert maintenant » as the
parsed hours do, and every way of writing a structure keeps it in step."""

from datetime import datetime, timedelta

import pytest

from network.horaires import PARIS
from network.models import OpeningInterval, StructurePage
from tests.factories import BassinFactory, StructureFactory, add_listed_structures

pytestmark = pytest.mark.django_db

VARIED_HOURS = [
    "",  # unknown: never open
    "Mo-Su off",  # known, always closed
    "24/7",
    "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",  # split days, closed Sunday
    "Mo-Fr 09:00-18:00; We 09:00-12:00",  # a later rule closes Wednesday afternoon
    "Fr-Sa 22:00-02:00",  # overnight: open Saturday and Sunday until 2:00
    "Su 20:00-24:00",  # until midnight exactly
    "Sa-Mo 10:00-16:00",  # wrapping range of days
    "Tu,Th 08:30-08:31",  # one minute
    "Mo-Fr 09:00-17:00; PH off",  # public holidays are not known to either side: ordinary days
    "18:00-06:00",  # every night, no day selector
]

# A week of moments, every 7 minutes (so that minutes near each boundary are hit), from a Monday morning;
# plus the minutes on both sides of the ranges' bounds, and both spring and autumn clock changes.
START = datetime(2027, 3, 22, 0, 0, tzinfo=PARIS)
MOMENTS = [START + timedelta(minutes=7 * step) for step in range(7 * 24 * 60 // 7)]
MOMENTS += [
    datetime(2027, 3, 26, 21, 59, tzinfo=PARIS),
    datetime(2027, 3, 26, 22, 0, tzinfo=PARIS),
    datetime(2027, 3, 27, 1, 59, tzinfo=PARIS),
    datetime(2027, 3, 27, 2, 0, tzinfo=PARIS),
    datetime(2027, 3, 23, 8, 30, tzinfo=PARIS),
    datetime(2027, 3, 23, 8, 31, tzinfo=PARIS),
    datetime(2027, 3, 28, 23, 59, tzinfo=PARIS),
    datetime(2027, 3, 28, 1, 30, tzinfo=PARIS),  # the night clocks go forward (2:00 → 3:00)
    datetime(2027, 10, 31, 0, 30, tzinfo=PARIS) + timedelta(hours=2),  # 2:30 twice, the night they go back
]


def test_open_at_agrees_with_the_parsed_hours_at_every_moment():
    structures = add_listed_structures(
        [BassinFactory()],
        len(VARIED_HOURS),
        fields=lambda index: {"horaires": VARIED_HOURS[index], "slug": f"horaires-{index}"},
    )

    for moment in MOMENTS:
        expected = {structure.pk for structure in structures if structure.is_open_at(moment)}
        assert set(StructurePage.objects.open_at(moment).values_list("pk", flat=True)) == expected, moment


def test_intervals_are_the_ranges_of_the_week_past_midnight_on_the_next_day():
    structure = StructureFactory(horaires="Mo 09:00-12:00,14:00-18:00; Su 22:00-01:00")

    rows = OpeningInterval.objects.filter(structure=structure).order_by("weekday", "opens")

    assert list(rows.values_list("weekday", "opens", "closes")) == [
        (0, 0, 60),
        (0, 540, 720),
        (0, 840, 1080),
        (6, 1320, 1440),
    ]


def test_publishing_new_hours_replaces_the_intervals():
    structure = StructureFactory(horaires="Mo-Fr 09:00-12:00")

    structure.horaires = "Sa 10:00-11:00"
    structure.save_revision().publish()

    assert list(structure.opening_intervals.values_list("weekday", "opens", "closes")) == [(5, 600, 660)]


def test_a_draft_leaves_the_published_intervals():
    structure = StructureFactory(horaires="Sa 10:00-11:00")

    structure.horaires = "Mo 10:00-11:00"
    structure.save_revision()

    assert list(structure.opening_intervals.values_list("weekday", "opens", "closes")) == [(5, 600, 660)]


def test_unknown_hours_leave_no_interval_and_deleting_the_page_removes_them():
    unknown = StructureFactory(horaires="")
    known = StructureFactory(horaires="24/7")

    known.delete()

    assert OpeningInterval.objects.filter(structure=unknown).count() == 0
    assert OpeningInterval.objects.count() == 0
