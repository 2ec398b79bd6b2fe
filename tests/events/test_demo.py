"""The demo ateliers: the field study's workshops over the next eight weeks, loaded once, never twice."""

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from events import enums
from events.demo import DEMO_WEEKS, load_demo_ateliers
from events.models import Atelier, Occurrence, SessionOverride
from network.demo import load_demo_territory, read_fixture
from network.models import StructurePage

TODAY = date(2027, 1, 11)
END = TODAY + timedelta(weeks=DEMO_WEEKS)
UID = re.compile(r"^demo-(?P<slug>[a-z0-9-]+?)-\d+(-[a-z0-9-]+)?@demo\.maillage\.localhost$")


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Load the territory and its ateliers once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo_territory(accounts=False)
            yield load_demo_ateliers(today=TODAY)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_loaded, db):
    return demo_loaded


def counts():
    return (Atelier.objects.count(), Occurrence.objects.count(), SessionOverride.objects.count())


def test_demo_ateliers_are_created_with_deterministic_uids(demo):
    described = {item["slug"] for item in read_fixture()["structures"] if item.get("ateliers")}

    assert demo.created == Atelier.objects.count() == len(demo.uids) >= 60
    assert (demo.updated, demo.deleted) == (0, 0)
    for atelier in Atelier.objects.select_related("structure"):
        match = UID.match(atelier.uid)
        assert match, atelier.uid
        assert atelier.uid.startswith(f"demo-{atelier.structure.slug}-")
        assert atelier.structure.slug in described
        assert atelier.is_demo


def test_demo_ateliers_are_valid(demo):
    for atelier in Atelier.objects.select_related("structure"):
        atelier.full_clean()
        assert atelier.themes and atelier.publics, atelier.uid
        assert atelier.summary and len(atelier.summary) <= 280


def test_loading_twice_changes_nothing(demo):
    before = counts()
    sequences = dict(Atelier.objects.values_list("uid", "sequence"))

    again = load_demo_ateliers(today=TODAY)

    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged == before[0]
    assert counts() == before
    assert dict(Atelier.objects.values_list("uid", "sequence")) == sequences


def test_loading_a_week_later_updates_in_place(demo):
    before = counts()
    uids = set(Atelier.objects.values_list("uid", flat=True))

    later = load_demo_ateliers(today=TODAY + timedelta(weeks=1))

    assert (later.created, later.deleted) == (0, 0)
    assert later.updated > 0
    assert set(Atelier.objects.values_list("uid", flat=True)) == uids
    assert Atelier.objects.count() == before[0]
    assert Occurrence.objects.filter(local_date__lte=TODAY + timedelta(weeks=1)).count() == 0
    # The changed sessions moved with their series: no stale override is left behind.
    assert SessionOverride.objects.count() == before[2]
    assert {enums.Status.FULL, enums.Status.CANCELLED} <= set(
        Occurrence.objects.values_list("status", flat=True)
    )


def test_every_session_falls_within_eight_weeks(demo):
    dates = Occurrence.objects.values_list("local_date", flat=True)

    assert min(dates) > TODAY
    assert max(dates) <= END
    for rrule in Atelier.objects.exclude(rrule="").values_list("rrule", flat=True):
        assert "UNTIL=" in rrule or "COUNT=" in rrule, rrule
        if "UNTIL=" in rrule:
            assert f"UNTIL={END:%Y%m%d}T235959" in rrule


def test_demo_has_evenings_saturdays_and_professional_sessions(demo):
    sessions = Occurrence.objects.all()

    assert sessions.evening().exists()
    assert sessions.filter(local_date__week_day=7).exists()  # Saturday
    assert Atelier.objects.filter(visibility=enums.Visibility.PROFESSIONALS).count() >= 1
    assert (
        Atelier.objects.public().count() > Atelier.objects.exclude(visibility=enums.Visibility.PUBLIC).count()
    )


def test_demo_has_free_and_paid_ateliers(demo):
    paid = Atelier.objects.filter(price=enums.Price.PAYANT)

    assert paid.exists() and all(atelier.price_amount for atelier in paid)
    assert Atelier.objects.filter(price=enums.Price.GRATUIT).exists()
    assert Atelier.objects.get(uid__startswith="demo-brenne-box-1@").price_amount == 25


def test_demo_has_full_cancelled_and_relocated_sessions(demo):
    statuses = set(Occurrence.objects.values_list("status", flat=True))

    assert {enums.Status.FULL, enums.Status.CANCELLED} <= statuses
    assert Occurrence.objects.filter(place_name="Salle des fêtes").exists()
    assert SessionOverride.objects.count() >= 3


def test_demo_follows_the_rhythms_of_the_field_study(demo):
    friday = Atelier.objects.get(uid__startswith="demo-bourges-mediatheque-5@")
    evening = Atelier.objects.get(uid__startswith="demo-issoudun-centre-congres-1@")
    tablets = Atelier.objects.get(uid__startswith="demo-ccas-vierzon-2@")

    assert friday.title == "Vendredi, c'est numérique !"
    assert {row.weekday() for row in friday.occurrences.values_list("local_date", flat=True)} == {4}
    assert evening.start_time.strftime("%H:%M") == "18:30"
    assert evening.occurrences.evening().count() == evening.occurrences.count() > 0
    assert enums.AtelierPublic.SENIORS in tablets.publics and tablets.equipment_lent


def test_bus_stops_are_held_in_their_communes(demo):
    stops = {
        stop["commune"]
        for item in read_fixture()["structures"]
        if item["slug"] == "bus-numerique-carsat-bourges"
        for stop in item["stops"]
    }
    halts = Atelier.objects.filter(uid__startswith="demo-bus-numerique-carsat-bourges-")

    assert halts.count() >= 3
    assert set(halts.values_list("commune", flat=True)) <= stops
    assert all(atelier.coordinates() for atelier in halts)


def test_load_demo_command_also_loads_ateliers(demo):
    output = StringIO()

    call_command("load_demo", "--no-accounts", stdout=output)

    assert "Ateliers de démonstration" in output.getvalue()
    assert "Cycle de démonstration « Human Tech Days »" in output.getvalue()
    # The demo cycle's accepted contributions are published as ateliers of their own.
    assert Atelier.objects.filter(contribution__isnull=True).count() == demo.created
    assert Atelier.objects.filter(contribution__isnull=False).count() == 6


def test_registration_uses_the_structure_phone_when_known(demo):
    StructurePage.objects.filter(slug="issoudun-meli").update(telephone=["0254000000"])
    phone = StructurePage.objects.get(slug="issoudun-meli").telephone[0]

    load_demo_ateliers(today=TODAY)

    atelier = Atelier.objects.get(uid__startswith="demo-issoudun-meli-1@")
    assert (atelier.registration, atelier.registration_details) == (enums.Registration.PHONE, phone)
    assert atelier.sequence == 1
