"""The ateliers admin as a browser drives it: its addresses, what its forms submit, what its pages show."""

from datetime import date, timedelta

from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tests.network.admin_forms import form_values

INDEX = reverse("ateliers:index")
ADD = reverse("ateliers:add")
PREVIEW = reverse("ateliers:preview")


def url(name, atelier):
    return reverse(f"ateliers:{name}", args=[atelier.pk])


def message_texts(response) -> list[str]:
    """Messages as a person reads them: the text, without the buttons Wagtail appends."""
    return [
        BeautifulSoup(str(message), "html.parser").find(string=True).strip()
        for message in get_messages(response.wsgi_request)
    ]


def listed_titles(response) -> set[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        cell.get_text(" ", strip=True)
        for cell in soup.select("table.listing tbody td.title .title-wrapper a")
    }


def next_weekday(weekday: int, after: date | None = None) -> date:
    """The first `weekday` (0 = Monday) strictly after `after` (default: today), a week ahead at least."""
    day = (after or timezone.localdate()) + timedelta(days=7)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def last_thursday(year: int, month: int) -> date:
    day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 3) % 7)


def atelier_form_data(client, **changes):
    """What the add form submits, with the fields a person fills in."""
    data = form_values(client.get(ADD).content.decode(), "form[method=post]")
    data.update(
        {
            "title": ["Tablette pour débuter"],
            "summary": ["Apprendre les gestes de base."],
            "themes": ["Maîtrise des outils numériques du quotidien"],
            "publics": ["Seniors"],
        }
    )
    data.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    return data
