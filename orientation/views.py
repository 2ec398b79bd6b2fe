"""The public results page `/recherche/`: places and ateliers that fit « De quoi avez-vous besoin ? »."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from network.text import meta_description

from .search import HelpQuery, find_help


@require_GET
def results(request):
    """Read the question from the query string (never an error: unknown values are ignored), search, show.

    Results pages are not for search engines (`noindex`): each question is its own address, and the places
    and ateliers have their own pages in the sitemap."""
    query = HelpQuery.from_params(request.GET)
    found = find_help(query)
    return render(
        request,
        "orientation/results.html",
        {
            "query": query,
            "results": found,
            "agenda_url": reverse("events:agenda"),
            "meta_description": meta_description(
                _(
                    "Trouver de l'aide avec le numérique près de chez vous : les lieux et les ateliers "
                    "qui répondent à votre besoin, et pourquoi."
                )
            ),
        },
    )
