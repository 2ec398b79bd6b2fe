"""The agenda's week and month views: the seven days, the accessible month table, busy days folded into a
link, periods brought back into range, the first week with sessions, the view switch keeping the filters."""

from datetime import date, time, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from events.views.agenda import month_start, week_code, week_label, week_start
from tests.factories import AtelierFactory

from .agenda_pages import listed_titles

pytestmark = pytest.mark.django_db

# ---- week and month views ----


def test_week_view_lists_the_seven_days_of_the_week(client, catalogue, tuesday):
    monday = tuesday - timedelta(days=1)

    response = client.get("/agenda/", {"vue": "semaine", "semaine": week_code(monday), "soir": "on"})

    days = response.context["days"]
    assert [day.date for day in days] == [monday + timedelta(days=n) for n in range(7)]
    assert [[o.atelier.title for o in day.sessions] for day in days] == [
        [],
        ["Démarches en soirée"],
        [],
        [],
        [],
        [],
        [],
    ]
    assert response.context["result_count"] == 1
    previous = week_code(monday - timedelta(days=7))
    assert f'href="?vue=semaine&amp;semaine={previous}&amp;soir=on"' in response.text
    assert "Pas d'atelier ce jour-là." in response.text


def test_a_week_writes_its_month_and_year_once_when_it_can():
    assert [
        week_label(date(2026, 12, 7), date(2026, 12, 13)),
        week_label(date(2026, 11, 30), date(2026, 12, 6)),
        week_label(date(2026, 12, 28), date(2027, 1, 3)),
        week_label(date(2027, 2, 1), date(2027, 2, 7)),
    ] == [
        "Semaine du 7 au 13 décembre 2026",
        "Semaine du 30 novembre au 6 décembre 2026",
        "Semaine du 28 décembre 2026 au 3 janvier 2027",
        "Semaine du 1er au 7 février 2027",
    ]


def test_week_and_month_links_come_before_and_after_the_period_each_with_its_name(client, catalogue, tuesday):
    week = client.get("/agenda/", {"vue": "semaine", "semaine": week_code(tuesday)}).text
    month = client.get("/agenda/", {"vue": "mois", "mois": f"{tuesday:%Y-%m}"}).text

    assert [week.count(label) for label in ('aria-label="Changer de semaine"', "après la semaine")] == [1, 1]
    assert [month.count(label) for label in ('aria-label="Changer de mois"', "après le mois")] == [1, 1]
    assert week.count('<span class="period-nav__label">Semaine suivante</span>') == 2
    assert week.count('<span class="period-nav__short" aria-hidden="true">Suivante</span>') == 2
    assert month.count('<span class="period-nav__label">Mois précédent</span>') == 2


def test_week_and_month_codes_fall_back_on_the_current_period():
    today = timezone.localdate()

    assert week_start("n'importe quoi", today) == today - timedelta(days=today.weekday())
    assert week_start("2025-W53", today) == today - timedelta(days=today.weekday())  # 2025 has 52 weeks
    assert week_start("2026-W50", today).isoformat() == "2026-12-07"
    assert month_start("2026-13", today) == today.replace(day=1)
    assert month_start("2026-12", today).isoformat() == "2026-12-01"


def test_month_view_is_an_accessible_calendar_table(client, mediatheque, tuesday):
    for index in range(5):
        AtelierFactory(
            structure=mediatheque, title=f"Atelier {index}", start_date=tuesday, start_time=time(9 + index)
        )
    month = f"{tuesday:%Y-%m}"

    response = client.get("/agenda/", {"vue": "mois", "mois": month, "gratuit": "on"})
    text = response.text

    assert response.context["result_count"] == 5
    assert '<caption id="calendrier-titre">Calendrier des ateliers, ' in text
    assert text.count('<th scope="col">') == 7
    assert '<th scope="col">Lundi</th>' in text
    cell = next(cell for week in response.context["weeks"] for cell in week if cell["date"] == tuesday)
    assert [o.atelier.title for o in cell["shown"]] == ["Atelier 0", "Atelier 1", "Atelier 2"]
    assert cell["more"] == 2
    day = tuesday.isoformat()
    assert f'href="?gratuit=on&amp;du={day}&amp;au={day}">et 2 autres séances' in text


@override_settings(MAILLAGE_AGENDA_DAY_LIMIT=2)
def test_week_view_folds_a_busy_day_into_a_link_to_its_list(client, mediatheque, tuesday):
    for index in range(5):
        AtelierFactory(
            structure=mediatheque, title=f"Atelier {index}", start_date=tuesday, start_time=time(9 + index)
        )
    AtelierFactory(structure=mediatheque, title="Mercredi", start_date=tuesday + timedelta(days=1))

    response = client.get("/agenda/", {"vue": "semaine", "du": tuesday.isoformat()})

    by_date = {day.date: day for day in response.context["days"]}
    assert [o.atelier.title for o in by_date[tuesday].sessions] == ["Atelier 0", "Atelier 1"]
    assert by_date[tuesday].more == 3
    assert [o.atelier.title for o in by_date[tuesday + timedelta(days=1)].sessions] == ["Mercredi"]
    assert by_date[tuesday + timedelta(days=1)].more == 0
    assert response.context["result_count"] == 6
    day = tuesday.isoformat()
    assert (
        f'<a href="?du={day}&amp;au={day}">Voir les 3 autres séances<span class="visually-hidden"> du '
        in response.text
    )
    folded = client.get("/agenda/", {"du": day, "au": day})
    assert listed_titles(folded) == [f"Atelier {index}" for index in range(5)]


def test_month_view_counts_every_session_of_a_folded_day(client, mediatheque, tuesday):
    AtelierFactory(structure=mediatheque, title="Tôt le matin", start_date=tuesday, start_time=time(8))
    for index in range(9):
        AtelierFactory(
            structure=mediatheque, title=f"Atelier {index}", start_date=tuesday, start_time=time(9 + index)
        )

    response = client.get("/agenda/", {"vue": "mois", "mois": f"{tuesday:%Y-%m}"})

    cell = next(cell for week in response.context["weeks"] for cell in week if cell["date"] == tuesday)
    assert [o.atelier.title for o in cell["shown"]] == ["Tôt le matin", "Atelier 0", "Atelier 1"]
    assert (cell["count"], cell["more"]) == (10, 7)
    assert response.context["result_count"] == 10


@pytest.mark.parametrize(
    ("params", "period"),
    [
        ({"vue": "mois", "du": "9999-12-31"}, "Décembre 2999"),
        ({"vue": "mois", "du": "0001-01-01"}, "Janvier 1900"),
        ({"vue": "mois", "mois": "0001-01"}, "Janvier 1900"),
        ({"vue": "mois", "mois": "9998-12"}, "Décembre 2999"),
        ({"vue": "semaine", "semaine": "0001-W01"}, "Semaine du 1er au 7 janvier 1900"),
        ({"vue": "semaine", "du": "9999-12-31"}, "Semaine du 30 décembre 2999 au 5 janvier 3000"),
    ],
)
def test_periods_out_of_range_are_brought_back_into_it(client, db, params, period):
    response = client.get("/agenda/", params)

    assert response.status_code == 200
    assert response.context["period_label"] == period


def test_view_switch_links_keep_the_filters(client, catalogue):
    response = client.get("/agenda/", {"soir": "on", "page": "1"})

    assert 'href="?soir=on&amp;vue=semaine"' in response.text
    assert 'href="?soir=on&amp;vue=mois"' in response.text


def test_week_view_opens_on_the_first_week_with_sessions(client, mediatheque):
    later = timezone.localdate() + timedelta(days=30)
    AtelierFactory(structure=mediatheque, title="Plus tard", start_date=later)

    response = client.get("/agenda/", {"vue": "semaine"})

    assert response.context["current_week"] == week_code(later - timedelta(days=later.weekday()))
    assert [o.atelier.title for day in response.context["days"] for o in day.sessions] == ["Plus tard"]


def test_week_view_asked_for_a_week_shows_that_week(client, mediatheque):
    AtelierFactory(structure=mediatheque, start_date=timezone.localdate() + timedelta(days=30))
    today = timezone.localdate()

    response = client.get("/agenda/", {"vue": "semaine", "semaine": week_code(today)})

    assert response.context["current_week"] == week_code(today)
    assert response.context["result_count"] == 0


def test_month_view_also_lists_its_busy_days_for_narrow_screens(client, catalogue, tuesday):
    response = client.get("/agenda/", {"vue": "mois", "mois": f"{tuesday.year}-{tuesday.month:02d}"})

    assert '<div class="month-list">' in response.text
    assert response.text.count('class="session__title"') == sum(
        1 for week in response.context["weeks"] for cell in week for _ in cell["shown"]
    )
