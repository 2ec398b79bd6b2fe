"""Tests of `manage.py sync_feeds` and `manage.py import_ical`: what they print, write and return."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from calendars.display import state_label
from calendars.models import Feed, FeedStatus
from events import enums
from events.models import Atelier
from tests.factories import StructureFactory
from tests.fixtures.http_server import ok

FIXTURE = Path(__file__).parent / "fixtures" / "sync" / "atelier.ics"


@pytest.fixture
def served(http_server):
    """A loopback server: /agenda.ics answers the fixture, anything else 404."""
    http_server.routes["/agenda.ics"] = ok(FIXTURE.read_bytes())
    return http_server.base


@pytest.fixture
def structure(db):
    return StructureFactory(title="Médiathèque de Vierzon", slug="mediatheque-vierzon")


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_ical_file_creates_ateliers_and_reimport_updates_nothing(structure):
    first = run("import_ical", str(FIXTURE), "--structure", "mediatheque-vierzon")
    second = run("import_ical", str(FIXTURE), "--structure", "mediatheque-vierzon")

    feed = Feed.objects.get(structure=structure)
    assert first.splitlines()[1] == (
        "  2 événements lus : 2 créés, 0 mis à jour, 0 annulé, 0 inchangé, 0 ignoré"
    )
    assert second.splitlines()[1] == (
        "  2 événements lus : 0 créé, 0 mis à jour, 0 annulé, 2 inchangés, 0 ignoré"
    )
    assert (feed.name, feed.active, feed.url) == ("Import manuel", False, str(FIXTURE.resolve()))
    assert Atelier.objects.filter(feed=feed, source=enums.Source.FEED).count() == 2
    assert (feed.status, feed.last_counts["unchanged"]) == (FeedStatus.OK, 2)
    assert state_label(feed).startswith("Import manuel du ")


def test_import_ical_dry_run_writes_nothing(structure):
    output = run("import_ical", str(FIXTURE), "--structure", "mediatheque-vierzon", "--dry-run")

    assert output.splitlines()[0].startswith("Essai, rien n'est enregistré")
    assert "05/01/2099 14:00  Permanence numérique" in output
    assert (Atelier.objects.count(), Feed.objects.count()) == (0, 0)


def test_import_ical_from_url(structure, served):
    output = run("import_ical", f"{served}/agenda.ics", "--structure", "mediatheque-vierzon")

    assert "2 créés" in output
    assert Feed.objects.get(structure=structure).url == f"{served}/agenda.ics"


def test_import_ical_refuses_a_file_over_the_size_cap(structure, settings, tmp_path):
    settings.MAILLAGE_FEED_MAX_BYTES = 1000
    big = tmp_path / "gros.ics"
    big.write_bytes(FIXTURE.read_bytes().ljust(1001, b"\n"))

    with pytest.raises(CommandError) as caught:
        run("import_ical", str(big), "--structure", "mediatheque-vierzon")

    assert str(caught.value).startswith("Le calendrier dépasse la taille maximale acceptée (0.001 Mo)")
    assert (Atelier.objects.count(), Feed.objects.count()) == (0, 0)


def test_import_ical_reads_a_file_right_at_the_size_cap(structure, settings):
    settings.MAILLAGE_FEED_MAX_BYTES = len(FIXTURE.read_bytes())

    output = run("import_ical", str(FIXTURE), "--structure", "mediatheque-vierzon")

    assert "2 créés" in output


def test_import_ical_unknown_structure_is_refused(db):
    with pytest.raises(CommandError, match="Structure inconnue"):
        run("import_ical", str(FIXTURE), "--structure", "nulle-part")


def test_sync_feeds_prints_counts_and_fails_when_a_feed_fails(structure, served):
    good = Feed.objects.create(structure=structure, url=f"{served}/agenda.ics", active=True, name="Agenda")
    bad = Feed.objects.create(structure=structure, url=f"{served}/disparu.ics", active=True, name="Ancien")
    Feed.objects.create(structure=structure, url=f"{served}/inactif.ics", active=False, name="Inactif")
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("sync_feeds", "--structure", "mediatheque-vierzon", stdout=out)

    lines = out.getvalue().splitlines()
    assert raised.value.returncode == 1
    assert lines[0] == f"Médiathèque de Vierzon — Agenda (n° {good.pk})"
    assert lines[1] == "  2 événements lus : 2 créés, 0 mis à jour, 0 annulé, 0 inchangé, 0 ignoré"
    assert lines[2] == f"Médiathèque de Vierzon — Ancien (n° {bad.pk})"
    assert lines[3].startswith("  échec : Le serveur a répondu 404")
    assert lines[4] == "1 calendrier synchronisé, 1 en échec."
    bad.refresh_from_db()
    assert bad.status == FeedStatus.FAILING


def test_sync_feeds_single_inactive_feed(structure, served):
    feed = Feed.objects.create(structure=structure, url=f"{served}/agenda.ics", active=False)

    output = run("sync_feeds", "--feed", str(feed.pk))

    assert output.splitlines()[-1] == "1 calendrier synchronisé, 0 en échec."
    assert Atelier.objects.filter(feed=feed).count() == 2
