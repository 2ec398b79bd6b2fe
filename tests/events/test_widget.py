"""Tests of the embeddable agenda (/widget/agenda/) and of its help page (/integrer-l-agenda/)."""

import html
import re
from datetime import time, timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from events import enums
from events.domain import update_session
from tests.factories import AtelierFactory, BassinFactory, StructureFactory

WIDGET_URL = reverse("events:widget")
HELP_URL = reverse("events:widget_help")
DEMARCHES = enums.Theme.DEMARCHES.value


def get_widget(client, **params):
    return client.get(f"{WIDGET_URL}?{urlencode(params, doseq=True)}")


def widget_titles(response) -> list[str]:
    return [
        html.unescape(title)
        for title in re.findall(r'class="title"[^>]*>([^<]+)<', response.content.decode())
    ]


@pytest.fixture
def agenda(db):
    nord = BassinFactory(title="Bassin du Nord", slug="nord")
    sud = BassinFactory(title="Bassin du Sud", slug="sud")
    vierzon = StructureFactory(bassin=nord, title="Médiathèque de Vierzon", slug="mediatheque-vierzon")
    bourges = StructureFactory(bassin=sud, title="France Services Bourges", slug="fs-bourges")
    today = timezone.localdate()
    AtelierFactory(structure=vierzon, title="Tablette", start_date=today + timedelta(days=1))
    AtelierFactory(
        structure=vierzon,
        title="Réservé aux pros",
        start_date=today + timedelta(days=1),
        visibility=enums.Visibility.PROFESSIONALS,
    )
    AtelierFactory(
        structure=bourges,
        title="Démarches",
        themes=[DEMARCHES],
        start_date=today + timedelta(days=2),
        start_time=time(9, 30),
        end_time=time(11),
        rrule="FREQ=WEEKLY;COUNT=30",
    )
    AtelierFactory(structure=bourges, title="Passé", start_date=today - timedelta(days=2))
    return {"vierzon": vierzon, "bourges": bourges}


def test_widget_is_frameable_light_page(client, agenda):
    response = get_widget(client)

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors" not in response.get("Content-Security-Policy", "")
    assert widget_titles(response) == ["Tablette", "Démarches", "Démarches", "Démarches", "Démarches"]
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "site-header" not in content
    assert "Voir tout l'agenda" in content


def test_widget_links_open_the_atelier_page_in_a_new_window(client, agenda):
    atelier = agenda["vierzon"].ateliers.get(title="Tablette")

    content = get_widget(client, structure="mediatheque-vierzon").content.decode()

    assert f'href="/ateliers/{atelier.pk}/" target="_blank" rel="noopener"' in content
    assert 'href="/agenda/?structure=mediatheque-vierzon" target="_blank" rel="noopener"' in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"structure": "mediatheque-vierzon"}, ["Tablette"]),
        ({"bassin": "sud", "limite": 2}, ["Démarches", "Démarches"]),
        ({"theme": DEMARCHES, "limite": 50}, ["Démarches"] * 20),
        ({"structure": "fs-bourges", "limite": "abc"}, ["Démarches"] * 5),
    ],
)
def test_widget_filters_and_limits(client, agenda, params, expected):
    assert widget_titles(get_widget(client, **params)) == expected


def test_widget_shows_full_and_cancelled_plainly(client, agenda):
    atelier = agenda["bourges"].ateliers.get(title="Démarches")
    first, second = atelier.occurrences.order_by("start")[:2]
    update_session(atelier=atelier, original_start=first.recurrence_id, status=enums.Status.CANCELLED)
    update_session(atelier=atelier, original_start=second.recurrence_id, status=enums.Status.FULL)

    content = get_widget(client, structure="fs-bourges", limite=3).content.decode()

    assert re.findall(r'class="status status--\w+">([^<]+)<', content) == ["Annulé", "Complet"]
    assert "9 h 30 – 11 h" in content


def test_widget_help_page_renders_the_snippet_with_the_choices(client, agenda):
    response = client.get(HELP_URL, {"bassin": "sud", "theme": DEMARCHES, "limite": "10"})

    assert response.status_code == 200
    content = response.content.decode()
    query = urlencode({"bassin": "sud", "theme": DEMARCHES, "limite": 10})
    iframe = (
        f'<iframe src="http://127.0.0.1:8000/widget/agenda/?{query.replace("&", "&amp;")}" '
        'title="Agenda des ateliers – Maillage" width="100%" height="520" '
        'style="border: 1px solid #ccc; max-width: 100%;" loading="lazy"></iframe>'
    )
    assert response.context["snippet"] == iframe
    textarea = re.search(r'<textarea id="widget-snippet"[^>]*>([^<]*)</textarea>', content).group(1)
    assert html.unescape(textarea) == iframe
    assert '<label for="widget-snippet">Code à copier</label>' in content
    assert f'src="/widget/agenda/?{query.replace("&", "&amp;")}"' in content
    assert "<h1>Intégrer l'agenda sur votre site</h1>" in content


def test_widget_help_page_drops_unknown_values_from_the_snippet(client, agenda):
    response = client.get(HELP_URL, {"structure": '"><script>alert(1)</script>', "limite": "5"})

    assert "<script>alert" not in response.content.decode()
    assert response.context["snippet"].startswith(
        '<iframe src="http://127.0.0.1:8000/widget/agenda/?limite=5"'
    )


def test_widget_help_page_without_choices_offers_the_default_snippet(client, agenda):
    response = client.get(HELP_URL)

    assert response.context["snippet"].startswith(
        '<iframe src="http://127.0.0.1:8000/widget/agenda/?limite=5"'
    )
    assert 'value="fs-bourges"' in response.content.decode()


def test_widget_shows_an_all_day_session_and_a_sessions_own_title(client, agenda):
    today = timezone.localdate()
    journee = AtelierFactory(
        structure=agenda["vierzon"],
        title="Portes ouvertes",
        all_day=True,
        start_date=today + timedelta(days=1),
        start_time=time(0),
        end_time=time(0),
        end_date=today + timedelta(days=2),
    )
    update_session(
        atelier=journee,
        original_start=journee.occurrences.get().recurrence_id,
        title="Portes ouvertes : jeux",
    )

    content = html.unescape(get_widget(client, structure="mediatheque-vierzon").content.decode())

    assert "toute la journée" in content
    assert "Portes ouvertes : jeux" in content
    assert "0 h – 0 h" not in content
