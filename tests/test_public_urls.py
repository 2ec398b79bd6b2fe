"""Every public address answers any query string without a server error (property-based, `hypothesis`).

Addresses are typed by hand, kept for years, cut and pasted, and probed by robots: whatever the query string,
a public page answers with a page (200), a redirect, 400 or 404, never 500. The addresses come from the
URLconfs (the fixed ones) and from the demo data (every live public Wagtail page — home, bassins,
structures, the cycle's programme — and the exports of one bassin, one structure, one atelier). The keys the
views read are drawn more often than random ones, the inputs issue 17 found answering 500 are always
tried, with values of every shape: dates out of range, weeks
and months that do not exist, huge page numbers, slugs, junk.
"""

from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from wagtail.models import Page

from events.demo import load_demo_ateliers
from events.models import Atelier
from network.demo import load_demo_territory
from network.models import BassinPage, StructurePage
from programmes.demo import load_demo_cycle

EXAMPLES_PER_URL = 30

# Fixed public addresses, from the URLconfs (config/urls.py and the apps' urls.py).
FIXED_URLS = [
    "/",
    "/agenda/",
    "/agenda.json",
    "/agenda.ics",
    "/widget/agenda/",
    "/integrer-l-agenda/",
    "/structures/",
    "/recherche/",
    "/comptes/login/",
    "/comptes/signup/",
    "/comptes/password/reset/",
    "/pro/",
    "/lettre/preferences/",
    "/aide/",
    "/aide/lieu/",
    "/aide/criteres/",
    "/aide/resultat/",
    "/api/v1/bassins/",
    "/api/v1/structures/",
    "/api/v1/ateliers/",
    "/api/v1/sessions/",
    "/donnees/",
    "/donnees/lieux.csv",
    "/donnees/lieux.json",
    "/donnees/ateliers.json",
    "/donnees/seances.csv",
]

# Query-string keys the public views read.
KEYS = [
    "page",
    "du",
    "au",
    "vue",
    "semaine",
    "mois",
    "bassin",
    "structure",
    "cycle",
    "commune",
    "theme",
    "public",
    "niveau",
    "format",
    "gratuit",
    "accessible",
    "soir",
    "weekend",
    "places",
    "limite",
    "q",
    "type",
    "service",
    "next",
    "lat",
    "lon",
    "besoin",
    "pres",
    "critere",
    "page_size",
    "updated_since",
    "start_after",
    "start_before",
    "atelier",
]

numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
dates = st.dates().map(lambda day: day.isoformat()) | st.from_regex(r"\A-?\d{1,6}-\d{1,3}-\d{1,3}\Z")
weeks = st.from_regex(r"\A\d{4}-W\d{1,3}\Z") | st.builds(
    lambda year, week: f"{year:04d}-W{week:02d}", st.integers(0, 9999), st.integers(0, 60)
)
months = st.builds(lambda year, month: f"{year:04d}-{month:02d}", st.integers(0, 9999), st.integers(0, 20))
words = st.sampled_from(["semaine", "mois", "liste", "on", "bourges", "vierzon", "Bourges", "", "0", "-1"])
values = numbers | dates | weeks | months | words | st.text(max_size=30)
pairs = st.lists(st.tuples(st.sampled_from(KEYS), values), max_size=5) | st.lists(
    st.tuples(st.sampled_from(KEYS) | st.text(min_size=1, max_size=10), values), max_size=8
)
raw_junk = st.binary(max_size=60).map(lambda raw: quote_from_bytes(raw, safe="=&"))


@pytest.fixture(scope="module")
def public_urls(django_db_setup, django_db_blocker):
    """The demo territory, its ateliers and cycle, loaded once for the module and rolled back at the end;
    returns every public address to try."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo_territory(accounts=False)
            load_demo_ateliers()
            load_demo_cycle(accounts=False)
            bassin = BassinPage.objects.live().order_by("path").first()
            structure = StructurePage.objects.live().filter(ateliers__isnull=False).order_by("path").first()
            atelier = Atelier.objects.public().order_by("pk").first()
            urls = [
                *FIXED_URLS,
                *(page.url for page in one_page_of_each_type()),
                f"/bassins/{bassin.slug}/agenda/",
                f"/bassins/{bassin.slug}/agenda.ics",
                f"/structures/{structure.slug}/agenda/",
                f"/structures/{structure.slug}/agenda.ics",
                f"/structures/{structure.slug}/rejoindre/",
                f"/ateliers/{atelier.pk}/",
                f"/ateliers/{atelier.pk}.ics",
                f"/borne/{bassin.slug}/",
                f"/borne/{bassin.slug}/lieu/",
                f"/borne/{bassin.slug}/criteres/",
                f"/borne/{bassin.slug}/resultat/",
                f"/donnees/bassins/{bassin.slug}/lieux.json",
                f"/donnees/bassins/{bassin.slug}/seances.json",
            ]
            yield list(dict.fromkeys(urls))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def one_page_of_each_type() -> list:
    """One live public page of each Wagtail page type (the first in the tree), as its specific class."""
    first = {}
    for page in Page.objects.live().public().filter(depth__gt=1).order_by("path"):
        first.setdefault(page.content_type_id, page)
    return [page.specific for page in first.values()]


def test_public_urls_cover_every_kind_of_page(public_urls, db):
    """The addresses the property runs on reach every page type of the demo and every public URLconf."""
    page_types = {type(page).__name__ for page in one_page_of_each_type()}
    kinds = {url.split("/")[1] for url in public_urls}

    assert {"HomePage", "BassinPage", "StructurePage", "CyclePage"} <= page_types
    assert {page.url for page in one_page_of_each_type()} <= set(public_urls)
    assert {"", "agenda", "agenda.ics", "bassins", "structures", "ateliers", "pro", "comptes"} <= kinds


def test_every_public_url_answers_any_query_string_without_a_server_error(public_urls, db):
    client = Client()
    for url in public_urls:
        _no_server_error(client, url)


def _no_server_error(client, url):
    @settings(
        max_examples=EXAMPLES_PER_URL,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=pairs.map(lambda items: urlencode(items)) | raw_junk)
    @example(query="page=99999999999999999999")  # the answers of issue 17, always tried
    @example(query="vue=mois&du=9999-12-31")
    @example(query="vue=mois&du=0001-01-01")
    @example(query="vue=semaine&semaine=0001-W01")
    @example(query="vue=semaine&du=9999-12-31&limite=99999999999999999999")
    def check(query):
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, (url, query, response.status_code)

    check()
