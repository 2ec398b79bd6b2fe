"""A cycle's programme embedded elsewhere: the widget help page keeps the chosen cycle in the snippet."""

import pytest
from django.urls import reverse

from .factories import CycleFactory

pytestmark = pytest.mark.django_db


def test_widget_help_offers_cycles_and_keeps_the_chosen_one(client):
    cycle = CycleFactory(title="Human Tech Days 2027", slug="human-tech-days-2027")

    response = client.get(reverse("events:widget_help"), {"cycle": cycle.slug, "limite": "10"})

    assert response.context["snippet"].startswith(
        '<iframe src="http://127.0.0.1:8000/widget/agenda/?cycle=human-tech-days-2027&amp;limite=10"'
    )
    assert (
        '<option value="human-tech-days-2027" selected>Human Tech Days 2027</option>'
        in response.content.decode()
    )


def test_widget_help_drops_an_unknown_cycle(client, db):
    response = client.get(reverse("events:widget_help"), {"cycle": "inconnu"})

    assert "cycle=" not in response.context["snippet"]


def test_a_cycle_widget_leads_to_the_cycle_programme(client):
    cycle = CycleFactory(title="Human Tech Days 2027", slug="human-tech-days-2027")

    response = client.get(reverse("events:widget"), {"cycle": cycle.slug, "theme": "x", "limite": "3"})

    assert response.context["agenda_url"] == f"{cycle.url}?theme=x"
