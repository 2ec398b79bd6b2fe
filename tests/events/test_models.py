"""The atelier model: the checks editors meet in French, the sanitising, and the iCal identity."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events import enums
from events.models import Atelier
from tests.factories import AtelierFactory


def clean_errors(atelier) -> dict[str, list[tuple[str, str]]]:
    with pytest.raises(ValidationError) as raised:
        atelier.clean()
    return {
        name: [(error.code, " ".join(error.messages)) for error in errors]
        for name, errors in raised.value.error_dict.items()
    }


@pytest.fixture
def atelier(db):
    return AtelierFactory.build(structure=None)


def test_a_simple_atelier_is_clean(atelier):
    atelier.clean()


def test_end_before_start_is_refused(atelier):
    atelier.start_time, atelier.end_time = time(16), time(14)

    assert clean_errors(atelier) == {
        "end_time": [("end_before_start", "L'heure de fin doit être après l'heure de début.")]
    }


def test_end_equal_to_start_is_refused(atelier):
    atelier.start_time = atelier.end_time = time(14)

    assert clean_errors(atelier)["end_time"][0][0] == "end_before_start"


def test_paid_atelier_needs_an_amount(atelier):
    atelier.price = enums.Price.PAYANT

    assert clean_errors(atelier) == {
        "price_amount": [("price_missing", "Indiquez le montant d'un atelier payant.")]
    }

    atelier.price_amount = Decimal("5.00")
    atelier.clean()


@pytest.mark.parametrize("format", [enums.Format.REMOTE, enums.Format.HYBRID])
def test_remote_atelier_needs_a_link(atelier, format):
    atelier.format = format

    assert clean_errors(atelier) == {
        "online_url": [
            ("online_url_missing", "Indiquez le lien de connexion d'un atelier à distance ou hybride.")
        ]
    }


def test_imported_remote_atelier_may_lack_a_link(atelier):
    """A calendar feed does not always give the link: its ateliers are not refused for it."""
    atelier.format = enums.Format.REMOTE
    atelier.source = enums.Source.FEED

    atelier.clean()


@pytest.mark.parametrize(
    "registration", [enums.Registration.PHONE, enums.Registration.EMAIL, enums.Registration.LINK]
)
def test_registration_by_phone_mail_or_link_needs_its_details(atelier, registration):
    atelier.registration = registration

    assert clean_errors(atelier) == {
        "registration_details": [
            ("registration_missing", "Indiquez le numéro, l'adresse ou le lien pour s'inscrire.")
        ]
    }


def test_all_errors_are_reported_at_once(atelier):
    atelier.start_time, atelier.end_time = time(16), time(14)
    atelier.price = enums.Price.PAYANT
    atelier.registration = enums.Registration.PHONE

    assert set(clean_errors(atelier)) == {"end_time", "price_amount", "registration_details"}


def test_description_is_sanitized_on_save(db):
    atelier = AtelierFactory(
        description='<p onclick="steal()">Bienvenue <script>alert(1)</script><strong>à tous</strong></p>'
        '<a href="javascript:alert(1)">piège</a><a href="https://exemple.fr">site</a>'
    )

    atelier.refresh_from_db()
    assert "script" not in atelier.description
    assert "onclick" not in atelier.description
    assert "javascript:" not in atelier.description
    assert "<strong>à tous</strong>" in atelier.description
    assert 'href="https://exemple.fr"' in atelier.description


def test_sequence_is_raised_on_each_save_and_uid_is_stable(db, settings):
    atelier = AtelierFactory()
    uid = atelier.uid

    assert atelier.sequence == 0
    assert uid.endswith(f"@{settings.MAILLAGE_ICAL_DOMAIN}")

    atelier.title = "Tablette : aller plus loin"
    atelier.save()
    atelier.save()

    atelier.refresh_from_db()
    assert (atelier.sequence, atelier.uid) == (2, uid)


def test_uids_are_unique(db):
    first, second = AtelierFactory.create_batch(2)

    assert first.uid != second.uid


def test_describe_schedule_and_duration(db):
    atelier = AtelierFactory.build(
        structure=None, start_time=time(18, 30), end_time=time(20), rrule="FREQ=MONTHLY;BYDAY=-1TH"
    )

    assert atelier.describe_schedule() == "le dernier jeudi du mois de 18 h 30 à 20 h"
    assert atelier.duration.total_seconds() == 90 * 60


def test_public_queryset_hides_professional_ateliers(db):
    public = AtelierFactory()
    AtelierFactory(structure=public.structure, visibility=enums.Visibility.PROFESSIONALS)

    assert list(Atelier.objects.public()) == [public]


def test_an_all_day_atelier_describes_its_schedule_without_hours():
    atelier = Atelier(
        start_date=date(2027, 6, 1),
        start_time=time(0),
        end_time=time(0),
        end_date=date(2027, 6, 2),
        all_day=True,
    )

    assert atelier.describe_schedule() == "le mardi 1er juin 2027 toute la journée"


def test_changed_at_is_the_later_of_the_series_and_its_sessions_on_every_kind_of_write(db):
    """`changed_at` (the API's order) is written by the database: `save`, `update` and `bulk_update` alike."""
    atelier = AtelierFactory()
    long_ago, yesterday = datetime(2020, 1, 1, tzinfo=UTC), timezone.now() - timedelta(days=1)

    def changed_at():
        return Atelier.objects.values_list("changed_at", flat=True).get(pk=atelier.pk)

    Atelier.objects.filter(pk=atelier.pk).update(updated_at=long_ago, sessions_changed_at=None)
    assert changed_at() == long_ago

    Atelier.objects.filter(pk=atelier.pk).update(sessions_changed_at=yesterday)
    assert changed_at() == yesterday

    atelier.updated_at, atelier.sessions_changed_at = long_ago, None
    Atelier.objects.bulk_update([atelier], ["updated_at", "sessions_changed_at"])
    assert changed_at() == long_ago

    atelier.title = "Renommé"
    atelier.save()
    assert changed_at() == Atelier.objects.get(pk=atelier.pk).updated_at > yesterday
