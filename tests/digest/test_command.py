"""`manage.py send_digests`: French report, --dry-run sends and records nothing, --email restricts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from digest.models import Delivery, Subscription
from tests.digest.factories import SubscriptionFactory, day_of, member_of
from tests.factories import AtelierFactory, UserFactory


@pytest.fixture
def territory(week, mediatheque, bourges):
    AtelierFactory(structure=mediatheque, title="Atelier tablette", start_date=day_of(week, 1))
    SubscriptionFactory(user=UserFactory(email="un@exemple.fr"), bassins=[bourges])
    SubscriptionFactory(user=UserFactory(email="deux@exemple.fr"), bassins=[bourges])
    member_of(mediatheque, UserFactory(email="membre@exemple.fr"))  # no subscription yet


def run(*args) -> str:
    out = StringIO()
    call_command("send_digests", *args, stdout=out)
    return out.getvalue()


def test_dry_run_builds_and_prints_without_sending_or_recording(territory, week, smtp_sink):
    output = run("--dry-run", "--week", week)

    assert smtp_sink.recipients() == []
    assert (Delivery.objects.count(), Subscription.objects.count()) == (0, 2)
    assert "un@exemple.fr : 1 séance, " in output
    assert "membre@exemple.fr : 1 séance, " in output
    assert output.splitlines()[-1] == (
        f"Essai pour la semaine {week} : 3 lettres construites, 3 seraient envoyées, "
        "0 sans contenu (rien à envoyer). Rien n'a été envoyé ni enregistré."
    )


def test_dry_run_for_one_address_prints_its_letter(territory, week, smtp_sink):
    output = run("--dry-run", "--week", week, "--email", "deux@exemple.fr")

    assert "- 14 h – 16 h : Atelier tablette" in output
    assert "un@exemple.fr" not in output
    assert smtp_sink.recipients() == []


def test_send_reports_in_french_and_a_second_run_sends_nothing(territory, week, smtp_sink):
    first = run("--week", week)
    second = run("--week", week)

    assert smtp_sink.recipients() == ["deux@exemple.fr", "membre@exemple.fr", "un@exemple.fr"]
    assert first.strip() == (
        f"Semaine {week} : 3 construites, 3 envoyées, 0 sans contenu (rien à envoyer), 0 ignorée "
        "(déjà envoyée ou prise par un autre processus), 0 en échec."
    )
    assert second.startswith(f"Semaine {week} : 0 construite, 0 envoyée, 0 sans contenu")


def test_send_to_one_address(territory, week, smtp_sink):
    run("--week", week, "--email", "UN@exemple.fr")

    assert smtp_sink.recipients() == ["un@exemple.fr"]


def test_bad_week_or_unknown_address_is_refused_in_french(db):
    with pytest.raises(CommandError, match="Semaine invalide : « 2027-W60 »"):
        run("--week", "2027-W60")
    with pytest.raises(CommandError, match="Aucun compte avec l'adresse personne@exemple.fr"):
        run("--email", "personne@exemple.fr")
