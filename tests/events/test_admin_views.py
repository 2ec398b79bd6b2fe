"""The views the ateliers admin adds to Wagtail's (`events.admin_views`): the schedule preview, the
sessions screen (cancel, restore, change one session) and duplication."""

import html
from datetime import date, timedelta

from bs4 import BeautifulSoup
from django.utils import timezone

from events import enums
from events.domain import update_session
from events.models import Atelier, Occurrence, SessionOverride
from events.recurrence import to_local_naive
from network.domain import add_member
from tests.events.atelier_admin import (
    ADD,
    INDEX,
    PREVIEW,
    message_texts,
    url,
)
from tests.factories import AtelierFactory, StructureFactory, UserFactory

# Preview -------------------------------------------------------------------------------------------------


def test_preview_returns_sentence_and_next_sessions(client, editor):
    client.force_login(editor)
    first = date(2027, 1, 5)

    response = client.post(
        PREVIEW,
        {
            "start_date": first.isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "repetition": "WEEKLY",
            "weekdays": ["TU", "FR"],
            "ending": "date",
            "until": "2027-06-30",
        },
    )
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)

    assert response.status_code == 200
    assert "Tous les mardis et vendredis de 14 h à 16 h, jusqu'au 30 juin 2027" in text
    if timezone.localdate() < first:
        assert "Mardi 5 janvier 2027, 14 h – 16 h" in text
        assert "Vendredi 8 janvier 2027, 14 h – 16 h" in text


def test_preview_until_before_start_reports_error(client, editor):
    client.force_login(editor)

    response = client.post(
        PREVIEW,
        {
            "start_date": "2027-01-05",
            "start_time": "14:00",
            "end_time": "16:00",
            "repetition": "WEEKLY",
            "ending": "date",
            "until": "2027-01-01",
        },
    )

    assert "La date de fin doit être après la première séance." in html.unescape(response.content.decode())


def test_preview_refused_without_structure(client, db):
    client.force_login(UserFactory(is_staff=True))

    assert (
        client.post(
            PREVIEW, {"start_date": "2027-01-05"}, headers={"x-requested-with": "XMLHttpRequest"}
        ).status_code
        == 403
    )


# Sessions, duplicate ---------------------------------------------------------------------------------


def test_cancel_then_restore_session_updates_occurrence(client, editor, ateliers):
    own = ateliers[0]
    client.force_login(editor)
    session = own.occurrences.order_by("start")[1]
    key = to_local_naive(session.recurrence_id).isoformat()

    cancelled = client.post(url("cancel_session", own), {"original_start": key})
    status_after_cancel = Occurrence.objects.get(atelier=own, recurrence_id=session.recurrence_id).status
    restored = client.post(url("restore_session", own), {"original_start": key})

    assert cancelled.status_code == 302 and cancelled["Location"] == url("sessions", own)
    assert status_after_cancel == enums.Status.CANCELLED
    assert (
        Occurrence.objects.get(atelier=own, recurrence_id=session.recurrence_id).status
        == enums.Status.SCHEDULED
    )
    assert not SessionOverride.objects.filter(atelier=own).exists()
    assert message_texts(restored)[-1].startswith("La séance du ")


def test_sessions_page_lists_upcoming_with_buttons(client, editor, ateliers):
    client.force_login(editor)

    response = client.get(url("sessions", ateliers[0]))
    soup = BeautifulSoup(response.content, "html.parser")

    assert len(soup.select("tr[data-session]")) == 4
    buttons = [button.get_text(" ", strip=True) for button in soup.select("tr[data-session] button")]
    assert sum(text.startswith("Annuler cette séance") for text in buttons) == 4


def test_update_session_full_with_seats_and_note(client, editor, ateliers):
    own = ateliers[0]
    client.force_login(editor)
    session = own.occurrences.order_by("start")[0]
    key = to_local_naive(session.recurrence_id).isoformat()

    response = client.post(
        url("update_session", own),
        {
            "original_start": key,
            "status": enums.Status.FULL,
            "seats_taken": "8",
            "note": "Complet, merci !",
            "new_start_time": "15:00",
        },
    )

    occurrence = Occurrence.objects.get(atelier=own, recurrence_id=session.recurrence_id)
    assert response.status_code == 302
    assert (occurrence.status, occurrence.seats_taken, occurrence.note) == (
        enums.Status.FULL,
        8,
        "Complet, merci !",
    )
    assert (occurrence.is_moved, occurrence.start - session.start) == (True, timedelta(hours=1))


def test_update_session_gives_it_its_own_title(client, editor, ateliers):
    own = ateliers[0]
    client.force_login(editor)
    session = own.occurrences.order_by("start")[1]
    key = to_local_naive(session.recurrence_id).isoformat()

    client.post(
        url("update_session", own),
        {
            "original_start": key,
            "status": enums.Status.SCHEDULED,
            "seats_taken": "0",
            "title": "Spéciale photos",
        },
    )

    occurrence = Occurrence.objects.get(atelier=own, recurrence_id=session.recurrence_id)
    assert (occurrence.title, occurrence.display_title) == ("Spéciale photos", "Spéciale photos")
    assert own.overrides.get().title == "Spéciale photos"


def test_duplicate_creates_copy_and_opens_it(client, editor, ateliers):
    own = ateliers[0]
    update_session(
        atelier=own, original_start=own.occurrences.first().recurrence_id, status=enums.Status.CANCELLED
    )
    client.force_login(editor)

    response = client.post(url("duplicate", own))

    copy = Atelier.objects.get(title="Tablette pour débuter (copie)")
    assert response["Location"] == url("edit", copy)
    assert (copy.structure, copy.sequence, copy.rrule) == (own.structure, 0, own.rrule)
    assert copy.uid != own.uid
    assert not copy.overrides.exists()
    assert copy.occurrences.count() == 4


def test_preview_refuses_a_sub_daily_rule_in_french(client, editor):
    """FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30 never matches: refused before anything is expanded."""
    client.force_login(editor)

    response = client.post(
        PREVIEW,
        {
            "start_date": "2027-01-05",
            "start_time": "14:00",
            "end_time": "16:00",
            "raw_rrule": "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
        },
    )
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)

    assert response.status_code == 200
    assert "les répétitions à l'heure, à la minute ou à la seconde ne sont pas acceptées" in text


def test_preview_of_a_daily_rule_that_never_matches_says_there_is_no_session(client, editor):
    client.force_login(editor)

    response = client.post(
        PREVIEW,
        {
            "start_date": "2027-01-05",
            "start_time": "14:00",
            "end_time": "16:00",
            "raw_rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        },
    )
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)

    assert "Série importée, de 14 h à 16 h" in text
    assert "Aucune séance à venir." in text


def test_preview_refuses_more_skipped_dates_than_the_cap(client, editor, settings):
    settings.MAILLAGE_FEED_MAX_DATES_PER_SERIES = 2
    client.force_login(editor)

    response = client.post(
        PREVIEW,
        {
            "start_date": "2027-01-05",
            "start_time": "14:00",
            "end_time": "16:00",
            "repetition": "WEEKLY",
            "ending": "jamais",
            "skipped_dates": "12/01/2027\n19/01/2027\n26/01/2027",
        },
    )

    assert "Au plus 2 séances retirées par série." in html.unescape(response.content.decode())


# Titles ---------------------------------------------------------------------------------------------------


def page_titles(response) -> tuple[str, str, list[str]]:
    """The document title, the page's heading, and the breadcrumbs after the admin's home."""
    soup = BeautifulSoup(response.content, "html.parser")
    return (
        soup.title.get_text(strip=True).split(" - ")[0],
        soup.select_one("#header-title").get_text(strip=True),
        [item.get_text(strip=True) for item in soup.select("[data-w-breadcrumbs] li")][-2:],
    )


def test_add_and_edit_pages_have_french_titles(client, editor, structures):
    atelier = AtelierFactory(structure=structures[0], title="Tablette pour débuter")
    client.force_login(editor)

    index = BeautifulSoup(client.get(INDEX).content, "html.parser")

    assert "Ajouter un atelier" in [link.get_text(strip=True) for link in index.select("a")]
    assert page_titles(client.get(ADD)) == (
        "Nouvel atelier",
        "Nouvel atelier",
        ["Ateliers", "Nouvel atelier"],
    )
    assert page_titles(client.get(url("edit", atelier))) == (
        "Modifier l'atelier « Tablette pour débuter »",
        "Modifier l'atelier « Tablette pour débuter »",
        ["Ateliers", "Tablette pour débuter"],
    )


def test_add_page_preselects_the_structure_given_in_the_address(client, editor, structures):
    """« Ajouter un atelier » next to a structure on the admin home: the form opens with it chosen."""
    add_member(structure=structures[1], user=editor)  # two structures: nothing is chosen by default
    client.force_login(editor)
    chosen = structures[1]

    def selected(response):
        option = BeautifulSoup(response.content, "html.parser").select_one(
            "select[name=structure] option[selected]"
        )
        return option["value"] if option else None

    assert selected(client.get(ADD, {"structure": chosen.pk})) == str(chosen.pk)
    # Not a number, or someone else's structure: nothing chosen that the user could not choose anyway.
    assert selected(client.get(ADD)) is None
    assert selected(client.get(ADD, {"structure": "abc"})) is None
    other = StructureFactory(title="Ailleurs", slug="ailleurs-admin")
    assert selected(client.get(ADD, {"structure": other.pk})) != str(other.pk)
