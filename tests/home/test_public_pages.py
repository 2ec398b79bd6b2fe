"""The demo's public pages, rendered as a visitor gets them: links on the site's public address, and French
that reads right (issue 18).

The demo (territory, ateliers, cycle) is loaded once for the module, inside a transaction rolled back at the
end. The site's public address (`WAGTAILADMIN_BASE_URL`) is `https://maillage.example.org`, while Wagtail's
`Site` record keeps the `localhost` its first migration gave it: the situation of a deployment whose `Site`
was never edited, where a link built from the `Site` or from the request would point nowhere. So no page may
hold `localhost` (or the development address `127.0.0.1`).

The French checks read the visible text (scripts, styles and tags removed) and ignore what people typed as
names (structures, bassins, ateliers): « Centre social de Le Blanc » is a name, not our sentence.
"""

import html
import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from events.demo import load_demo_ateliers
from events.models import Atelier
from network.demo import load_demo_territory
from network.models import BassinPage, StructurePage
from programmes.demo import load_demo_cycle
from programmes.models import CyclePage

PUBLIC_ADDRESS = "https://maillage.example.org"
LOCAL_HOSTS = ("localhost", "127.0.0.1")
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
# What a French reader must never meet on our pages, with the reason shown when a check fails.
FRENCH_MISTAKES = [
    (re.compile(r"[a-zéèêàç]\((?:s|e|es|x)\)"), "« (s) » au lieu d'un vrai pluriel"),
    (re.compile(r"\b(?:[Dd]e|[àÀ]) Les? \b"), "« de Le » / « à Le » sans contraction"),
    (re.compile(r"\b[Dd]e (?=[AEIOUÉÈÊaeiouéèê])"), "« de » sans élision devant une voyelle"),
    (re.compile(rf"\b1 (?:{MONTHS})\b"), "« 1 » au lieu de « 1er »"),
    (re.compile(r"\bbassin Bassin\b"), "« bassin » répété"),
    (re.compile(r"décrit par l'étude|d'après l'étude"), "vocabulaire de l'étude"),
    (
        re.compile(
            r"\b(?:Home|Search|Submit|Read more|Next|Previous|Loading|Subscribe|Download|Sign in|Log in)\b"
        ),
        "mot anglais",
    ),
]


@pytest.fixture(scope="module")
def demo_pages(django_db_setup, django_db_blocker):
    """The demo loaded once; returns the public addresses to render and the names people typed."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo_territory(accounts=False)
            load_demo_ateliers()
            load_demo_cycle(accounts=False)
            assert Site.objects.get(is_default_site=True).hostname == "localhost"
            bassins = list(BassinPage.objects.live().order_by("path"))
            structures = list(StructurePage.objects.live().order_by("path"))
            with_ateliers = (
                StructurePage.objects.live().filter(ateliers__isnull=False).order_by("path").first()
            )
            ateliers = list(Atelier.objects.public().order_by("pk")[:40])
            cycle = CyclePage.objects.live().first()
            first_of_next_month = (timezone.localdate().replace(day=28) + timedelta(days=4)).replace(day=1)
            urls = [
                "/",
                "/agenda/",
                f"/agenda/?du={first_of_next_month.isoformat()}",
                "/agenda/s-abonner/",
                "/structures/",
                *(bassin.url for bassin in bassins),
                *(f"/bassins/{bassin.slug}/agenda/" for bassin in bassins),
                *(f"/bassins/{bassin.slug}/agenda/s-abonner/" for bassin in bassins),
                *(structure.url for structure in structures),
                f"/structures/{with_ateliers.slug}/agenda/",
                f"/structures/{with_ateliers.slug}/agenda/s-abonner/",
                *(atelier.get_absolute_url() for atelier in ateliers),
                cycle.url,
                cycle.url + "imprimer/",
                cycle.url + "s-abonner/",
            ]
            names = sorted(
                {page.title for page in [*bassins, *structures]}
                | set(Atelier.objects.values_list("title", flat=True)),
                key=len,
                reverse=True,
            )
            jsonld = (structures[0].url, ateliers[0].get_absolute_url())
            yield {"urls": urls, "names": names, "cycle": cycle.url, "jsonld": jsonld}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def rendered(demo_pages, db, settings):
    """Every public page of the demo as {address: HTML}, the site's public address set."""
    settings.WAGTAILADMIN_BASE_URL = PUBLIC_ADDRESS
    client = Client()
    pages = {}
    for url in demo_pages["urls"]:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def visible_text(page: str, names: list[str]) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for name in names:
        text = text.replace(name, " ")
    return re.sub(r"\s+", " ", text)


def test_no_public_page_links_to_a_local_address(demo_pages, rendered):
    leaks = {url: host for url, page in rendered.items() for host in LOCAL_HOSTS if host in page}

    assert leaks == {}
    cycle_page = rendered[demo_pages["cycle"]]
    print_page = rendered[demo_pages["cycle"] + "imprimer/"]
    assert f'value="{PUBLIC_ADDRESS}{demo_pages["cycle"]}"' in cycle_page
    assert f"{PUBLIC_ADDRESS}{demo_pages['cycle']}" in print_page
    # Search engines read the JSON-LD of structure and atelier pages: their own address, on the public one.
    structure_url, atelier_url = demo_pages["jsonld"]
    assert f'"{PUBLIC_ADDRESS}{structure_url}"' in rendered[structure_url]
    assert f'"{PUBLIC_ADDRESS}{atelier_url}"' in rendered[atelier_url]


def test_public_pages_read_as_french(demo_pages, rendered):
    mistakes = []
    for url, page in rendered.items():
        text = visible_text(page, demo_pages["names"])
        for pattern, reason in FRENCH_MISTAKES:
            for match in pattern.finditer(text):
                mistakes.append((url, reason, text[max(match.start() - 40, 0) : match.end() + 40]))

    assert mistakes == []


def test_home_title_and_introduction_say_different_things(rendered):
    home = rendered["/"]
    title = visible_text(re.search(r"<h1[^>]*>(.*?)</h1>", home, re.S).group(1), [])
    intro = visible_text(re.search(r'class="hero__intro[^"]*">(.*?)</div>', home, re.S).group(1), [])

    assert title.strip().rstrip(".").casefold() not in intro.casefold()
    assert intro.strip().rstrip(".").casefold() not in title.casefold()
