"""`FeedForm`: structures the user manages only, addresses in plain words, the rhythm, a new address."""

from datetime import timedelta

import pytest

from calendars.forms import FeedForm
from calendars.models import Feed, FeedStatus
from network import domain
from tests.factories import BassinFactory, StructureFactory, UserFactory


@pytest.fixture
def structures(db):
    bassin = BassinFactory()
    return StructureFactory(bassin=bassin, title="MELI"), StructureFactory(bassin=bassin, title="Les Ruches")


def data(structure, **fields):
    return {"structure": structure.pk, "url": "https://agenda.example/a.ics", "frequency": "60",
            "default_visibility": "public", **fields}  # fmt: skip


def test_an_editor_picks_among_their_structures_only_the_only_one_preselected(structures):
    meli, ruches = structures
    editor = UserFactory()
    domain.add_member(structure=meli, user=editor)

    form = FeedForm(for_user=editor)
    refused = FeedForm(data(ruches), for_user=editor)

    assert list(form.fields["structure"].queryset) == [meli]
    assert form.initial["structure"] == meli.pk
    assert refused.is_valid() is False
    assert list(refused.errors) == ["structure"]


def test_a_webcal_address_is_read_as_https_and_the_rhythm_becomes_the_interval(structures):
    meli, _ruches = structures
    superuser = UserFactory(is_superuser=True)

    form = FeedForm(data(meli, url=" webcal://agenda.example/a.ics ", frequency="720"), for_user=superuser)
    assert form.is_valid(), form.errors
    feed = form.save()

    assert (feed.url, feed.interval, feed.active) == (
        "https://agenda.example/a.ics",
        timedelta(hours=12),
        False,
    )
    assert FeedForm(instance=feed, for_user=superuser).initial["frequency"] == 720


def test_another_scheme_is_refused_in_plain_words(structures):
    form = FeedForm(
        data(structures[0], url="ftp://agenda.example/a.ics"), for_user=UserFactory(is_superuser=True)
    )

    assert form.is_valid() is False
    assert form.errors["url"] == ["L'adresse doit commencer par http://, https:// ou webcal://."]


def test_a_new_address_forgets_what_the_last_fetch_kept(structures):
    meli, _ruches = structures
    superuser = UserFactory(is_superuser=True)
    feed = Feed.objects.create(
        structure=meli,
        url="https://agenda.example/a.ics",
        etag='"e"',
        last_modified_header="x",
        content_hash="h",
    )

    same = FeedForm(data(meli, name="Agenda"), instance=feed, for_user=superuser)
    assert same.is_valid(), same.errors
    same.save()
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified_header, feed.content_hash) == ('"e"', "x", "h")

    moved = FeedForm(data(meli, url="https://agenda.example/b.ics"), instance=feed, for_user=superuser)
    assert moved.is_valid(), moved.errors
    moved.save()
    feed.refresh_from_db()
    assert (feed.url, feed.etag, feed.last_modified_header, feed.content_hash) == (
        "https://agenda.example/b.ics",
        "",
        "",
        "",
    )


def test_a_sixth_calendar_is_refused_in_plain_words(structures, settings):
    settings.MAILLAGE_MAX_FEEDS_PER_STRUCTURE = 5
    meli, ruches = structures
    superuser = UserFactory(is_superuser=True)
    for number in range(5):
        Feed.objects.create(structure=meli, url=f"https://agenda.example/{number}.ics")
    Feed.objects.create(structure=meli, url="/srv/ancien.ics", name="Import manuel")  # import_ical's own

    sixth = FeedForm(data(meli), for_user=superuser)
    elsewhere = FeedForm(data(ruches), for_user=superuser)

    assert sixth.is_valid() is False
    assert sixth.errors["structure"] == [
        "« MELI » a déjà 5 calendriers synchronisés, le maximum : supprimez-en un ou regroupez vos "
        "événements dans un même agenda."
    ]
    assert elsewhere.is_valid(), elsewhere.errors
    assert Feed.objects.filter(structure=meli).count() == 6


def test_a_full_structure_keeps_editing_its_calendars_but_takes_no_moved_one(structures, settings):
    settings.MAILLAGE_MAX_FEEDS_PER_STRUCTURE = 1
    meli, ruches = structures
    superuser = UserFactory(is_superuser=True)
    mine = Feed.objects.create(structure=meli, url="https://agenda.example/meli.ics")
    theirs = Feed.objects.create(structure=ruches, url="https://agenda.example/ruches.ics")

    edited = FeedForm(data(meli, name="Agenda"), instance=mine, for_user=superuser)
    moved = FeedForm(data(meli), instance=theirs, for_user=superuser)

    assert edited.is_valid(), edited.errors
    assert moved.is_valid() is False
    assert list(moved.errors) == ["structure"]


def test_a_new_calendar_is_saved_to_fix_until_its_address_is_read(structures):
    form = FeedForm(data(structures[0]), for_user=UserFactory(is_superuser=True))
    assert form.is_valid(), form.errors

    feed = form.save()

    assert (feed.status, feed.active, feed.needs_fixing) == (FeedStatus.TO_FIX, False, True)


def test_the_same_address_twice_for_a_structure_is_refused_even_written_webcal(structures):
    meli, ruches = structures
    superuser = UserFactory(is_superuser=True)
    first = FeedForm(data(meli), for_user=superuser)
    assert first.is_valid(), first.errors
    first.save()

    again = FeedForm(data(meli, url="webcal://agenda.example/a.ics"), for_user=superuser)
    elsewhere = FeedForm(data(ruches), for_user=superuser)

    assert again.is_valid() is False
    assert again.errors["url"] == [
        "Ce calendrier est déjà relié à cette structure : retrouvez-le dans la liste des calendriers "
        "synchronisés pour le corriger ou relire son aperçu."
    ]
    assert elsewhere.is_valid() is True
    assert Feed.objects.filter(structure=meli).count() == 1


def test_editing_a_calendar_keeps_its_own_address_without_calling_it_a_duplicate(structures):
    superuser = UserFactory(is_superuser=True)
    feed = Feed.objects.create(structure=structures[0], url="https://agenda.example/a.ics", active=True)

    form = FeedForm(data(structures[0], name="Agenda Google"), instance=feed, for_user=superuser)

    assert form.is_valid(), form.errors
    assert form.save().status == FeedStatus.PENDING
