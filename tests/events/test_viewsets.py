"""The « Ateliers » admin (`events.viewsets`): who sees and edits which atelier, and the recurrence editor
of the add and edit forms, at the HTTP level."""

import html
import json
from datetime import date, datetime, time, timedelta

from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.utils import timezone

from events import enums
from events.models import Atelier, SessionOverride
from events.recurrence import localize
from network import domain
from tests.events.atelier_admin import (
    ADD,
    INDEX,
    atelier_form_data,
    last_thursday,
    listed_titles,
    message_texts,
    next_weekday,
    url,
)
from tests.factories import AtelierFactory, BassinFactory, StructureFactory, UserFactory
from tests.network.admin_forms import form_values

# Isolation between structures --------------------------------------------------------------------------


def test_index_editor_sees_only_own_structure(client, editor, ateliers):
    client.force_login(editor)

    response = client.get(INDEX)

    assert response.status_code == 200
    assert listed_titles(response) == {"Tablette pour débuter"}


def test_index_coordinator_sees_bassin_not_other_bassin(client, bassin, ateliers):
    elsewhere = AtelierFactory(structure=StructureFactory(bassin=BassinFactory()), title="Ailleurs")
    coordinator = UserFactory()
    domain.add_coordinator(bassin=bassin, user=coordinator)
    client.force_login(coordinator)

    response = client.get(INDEX)

    assert listed_titles(response) == {"Tablette pour débuter", "Smartphone au quotidien"}
    assert client.get(url("edit", elsewhere)).status_code == 404


def test_index_superuser_sees_all(client, ateliers):
    AtelierFactory(structure=StructureFactory(bassin=BassinFactory()), title="Ailleurs")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(INDEX)

    assert listed_titles(response) == {"Tablette pour débuter", "Smartphone au quotidien", "Ailleurs"}


def test_index_shows_schedule_in_words_and_next_session(client, editor, ateliers):
    client.force_login(editor)

    text = BeautifulSoup(client.get(INDEX).content, "html.parser").get_text(" ", strip=True)

    assert "tous les" in text and "de 14 h à 16 h, 4 séances" in text


def test_index_filter_structure_offers_only_own(client, editor, ateliers, structures):
    client.force_login(editor)

    response = client.get(INDEX)
    soup = BeautifulSoup(response.content, "html.parser")
    options = {option.get_text(strip=True) for option in soup.select("select[name=structure] option")}

    assert "MELI" in options and "Les Ruches" not in options


def test_other_structure_atelier_editor_gets_404_or_403(client, editor, ateliers):
    other = ateliers[1]
    client.force_login(editor)
    original = SessionOverride.objects.count()
    start = other.occurrences.first().recurrence_id

    responses = {
        "edit": client.get(url("edit", other)).status_code,
        "edit_post": client.post(url("edit", other), {"title": "Piraté"}).status_code,
        "delete": client.post(url("delete", other)).status_code,
        "history": client.get(url("history", other)).status_code,
        "sessions": client.get(url("sessions", other)).status_code,
        "cancel": client.post(
            url("cancel_session", other), {"original_start": start.isoformat()}
        ).status_code,
        "duplicate": client.post(url("duplicate", other)).status_code,
    }

    assert responses == {
        "edit": 404,
        "edit_post": 404,
        "delete": 404,
        "history": 404,
        "sessions": 403,
        "cancel": 403,
        "duplicate": 403,
    }
    assert Atelier.objects.get(pk=other.pk).title == "Smartphone au quotidien"
    assert (Atelier.objects.count(), SessionOverride.objects.count()) == (2, original)


def test_menu_item_shown_to_editor(client, editor):
    client.force_login(editor)

    assert INDEX in client.get("/admin/").content.decode()


def test_menu_item_hidden_for_admin_user_without_structure(client, db):
    nobody = UserFactory()
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)

    assert INDEX not in client.get("/admin/").content.decode()
    assert client.get(INDEX)["Location"] == "/admin/"


# Creating with the recurrence editor ---------------------------------------------------------------------


def test_add_structure_field_offers_only_manageable_preselected(client, editor, structures):
    client.force_login(editor)

    soup = BeautifulSoup(client.get(ADD).content, "html.parser")
    options = soup.select("select[name=structure] option")

    assert [(option.get_text(strip=True), option.has_attr("selected")) for option in options] == [
        ("MELI", True)
    ]


def test_add_weekly_tuesdays_fridays_until_june_creates_rule_and_occurrences(client, editor, structures):
    client.force_login(editor)
    first = next_weekday(1)
    until = date(first.year + 1, 6, 30)

    response = client.post(
        ADD,
        atelier_form_data(
            client,
            start_date=first.isoformat(),
            start_time="14:00",
            end_time="16:00",
            repetition="WEEKLY",
            interval="1",
            weekdays=["TU", "FR"],
            ending="date",
            until=until.isoformat(),
        ),
    )

    atelier = Atelier.objects.get(title="Tablette pour débuter")
    assert response.status_code == 302
    assert response["Location"] == url("edit", atelier)
    assert atelier.rrule == f"FREQ=WEEKLY;BYDAY=TU,FR;UNTIL={until:%Y%m%d}T235959"
    assert atelier.structure == structures[0]
    occurrences = list(atelier.occurrences.order_by("start"))
    assert occurrences[0].start == localize(datetime.combine(first, time(14)))
    assert occurrences[1].start == localize(datetime.combine(first + timedelta(days=3), time(14)))
    assert {o.local_date.weekday() for o in occurrences} == {1, 4}
    assert message_texts(response) == [
        f"Atelier « Tablette pour débuter » enregistré : tous les mardis et vendredis de 14 h à 16 h, "
        f"jusqu'au 30 juin {until.year}."
    ]


def test_add_monthly_last_thursday(client, editor):
    client.force_login(editor)
    year = timezone.localdate().year + 1
    first = last_thursday(year, 1)

    response = client.post(
        ADD,
        atelier_form_data(
            client,
            start_date=first.isoformat(),
            start_time="18:00",
            end_time="19:30",
            repetition="MONTHLY",
            interval="1",
            monthly_position="-1",
            weekdays=["TH"],
            ending="nombre",
            count="3",
        ),
    )

    atelier = Atelier.objects.get()
    assert response.status_code == 302
    assert atelier.rrule == "FREQ=MONTHLY;BYDAY=-1TH;COUNT=3"
    assert atelier.describe_schedule() == "le dernier jeudi du mois de 18 h à 19 h 30, 3 séances"
    assert [o.local_date for o in atelier.occurrences.order_by("start")] == [
        last_thursday(year, month) for month in (1, 2, 3)
    ]


def test_add_weekly_without_day_defaults_to_first_session_weekday(client, editor):
    client.force_login(editor)
    first = next_weekday(2)

    client.post(
        ADD,
        atelier_form_data(
            client,
            start_date=first.isoformat(),
            start_time="10:00",
            end_time="12:00",
            repetition="WEEKLY",
            interval="2",
            ending="jamais",
        ),
    )

    assert Atelier.objects.get().rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"


def test_add_until_before_start_shows_french_error(client, editor):
    client.force_login(editor)
    first = next_weekday(1)

    response = client.post(
        ADD,
        atelier_form_data(
            client,
            start_date=first.isoformat(),
            start_time="14:00",
            end_time="16:00",
            repetition="WEEKLY",
            weekdays=["TU"],
            ending="date",
            until=(first - timedelta(days=1)).isoformat(),
        ),
    )

    assert response.status_code == 200
    assert "La date de fin doit être après la première séance." in response.content.decode()
    assert not Atelier.objects.exists()


def test_add_first_session_off_rule_is_refused_with_the_right_date(client, editor):
    client.force_login(editor)
    first = next_weekday(0)

    response = client.post(
        ADD,
        atelier_form_data(
            client,
            start_date=first.isoformat(),
            start_time="14:00",
            end_time="16:00",
            repetition="WEEKLY",
            weekdays=["TU"],
            ending="jamais",
        ),
    )

    assert "La première séance doit suivre la règle de répétition." in html.unescape(
        response.content.decode()
    )
    assert not Atelier.objects.exists()


def test_add_skipped_dates_become_exdates(client, editor):
    client.force_login(editor)
    first = next_weekday(1)
    skipped = first + timedelta(days=7)

    client.post(
        ADD,
        atelier_form_data(
            client,
            start_date=first.isoformat(),
            start_time="14:00",
            end_time="16:00",
            repetition="WEEKLY",
            weekdays=["TU"],
            ending="nombre",
            count="3",
            skipped_dates=f"{skipped:%d/%m/%Y}",
        ),
    )

    atelier = Atelier.objects.get()
    assert atelier.exdates == [datetime.combine(skipped, time(14)).isoformat()]
    assert [o.local_date for o in atelier.occurrences.order_by("start")] == [
        first,
        first + timedelta(days=14),
    ]


def test_edit_reads_rule_back_into_the_editor(client, editor, structures):
    atelier = AtelierFactory(
        structure=structures[0], start_date=next_weekday(1), rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=5"
    )
    client.force_login(editor)

    page = client.get(url("edit", atelier)).content.decode()
    values = form_values(page, "form[method=post]")

    assert (values["repetition"], values["interval"], values["weekdays"]) == (["WEEKLY"], ["2"], ["TU"])
    assert (values["ending"], values["count"]) == (["nombre"], ["5"])
    assert "Les mardis, une semaine sur deux de 14 h à 16 h, 5 séances" in html.unescape(page)


def test_edit_unrepresentable_rule_is_shown_and_kept(client, editor, structures):
    atelier = AtelierFactory(structure=structures[0], rrule="FREQ=DAILY;COUNT=3")
    client.force_login(editor)
    data = form_values(client.get(url("edit", atelier)).content.decode(), "form[method=post]")
    data["title"] = ["Nouveau titre"]

    response = client.post(url("edit", atelier), data)

    atelier.refresh_from_db()
    assert response.status_code == 302
    assert (atelier.title, atelier.rrule) == ("Nouveau titre", "FREQ=DAILY;COUNT=3")


def test_edit_imported_atelier_only_maillage_fields_change(client, editor, structures):
    atelier = AtelierFactory(structure=structures[0], source=enums.Source.FEED, title="Du flux")
    client.force_login(editor)
    data = form_values(client.get(url("edit", atelier)).content.decode(), "form[method=post]")
    data.update(title=["Changé"], visibility=[enums.Visibility.PROFESSIONALS])

    client.post(url("edit", atelier), data)

    atelier.refresh_from_db()
    assert (atelier.title, atelier.visibility) == ("Du flux", enums.Visibility.PROFESSIONALS)


def test_add_failed_save_still_shows_schedule_preview(client, editor):
    client.force_login(editor)
    first = next_weekday(1)

    response = client.post(
        ADD,
        atelier_form_data(
            client,
            title="",
            start_date=first.isoformat(),
            start_time="14:00",
            end_time="16:00",
            repetition="WEEKLY",
            weekdays=["TU"],
            ending="nombre",
            count="2",
        ),
    )
    region = BeautifulSoup(response.content, "html.parser").select_one("[data-preview-content]")

    assert response.status_code == 200
    assert "Tous les mardis de 14 h à 16 h, 2 séances" in region.get_text(" ", strip=True)
    assert len(region.select("ol li")) == 2


# The recurrence editor's layout ---------------------------------------------------------------------------


def test_add_form_puts_each_rhythms_questions_in_a_fieldset_saying_when_it_applies(client, editor):
    client.force_login(editor)

    soup = BeautifulSoup(client.get(ADD).content, "html.parser")
    groups = [
        (
            group["data-rhythm-group"],
            group.legend.get_text(strip=True),
            [label.find(string=True).strip() for label in group.select(".w-field__label:not(legend)")],
        )
        for group in soup.select("fieldset[data-rhythm-group]")
    ]

    assert groups == [
        (
            "WEEKLY MONTHLY",
            "Si l'atelier se répète (chaque semaine ou chaque mois)",
            ["Toutes les … semaines (ou mois)", "Jours"],
        ),
        ("MONTHLY", "Si l'atelier revient chaque mois", ["Chaque mois, le …"]),
        (
            "WEEKLY MONTHLY",
            "Fin de la série et séances retirées (si l'atelier se répète)",
            ["Fin de la série", "Jusqu'au", "Nombre de séances", "Séances retirées"],
        ),
    ]
    assert soup.select("label[for=id_raw_rrule]") == []
    assert soup.select_one("input[name=raw_rrule]")["type"] == "hidden"


def test_add_form_labels_start_with_a_capital_and_name_the_rich_text_editor(client, editor):
    client.force_login(editor)

    soup = BeautifulSoup(client.get(ADD).content, "html.parser")
    labels = [label.find(string=True).strip() for label in soup.select("#w-editor-form .w-field__label")]
    options = json.loads(soup.select_one("input[name=description]")["data-w-init-detail-value"])

    assert [label for label in labels if label[:1].islower()] == []
    assert {"Thèmes", "Publics", "Prise en charge spécifique"} <= set(labels)
    assert options["ariaLabelledBy"] == "id_description-label"
    assert soup.select_one("#id_description-label").get_text(strip=True) == "Description"
