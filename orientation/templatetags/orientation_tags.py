"""Template helpers of the search: the home page's shortcuts and the address of a search."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


def results_url(params) -> str:
    return f"{reverse('orientation:results')}?{urlencode(list(params))}"


@register.simple_tag
def help_shortcuts() -> list[dict]:
    """Everyday needs, in people's words, each leading to the search with that question: places *and* the
    next ateliers that fit (« Ateliers pour les seniors » lists ateliers, not a directory of places)."""
    shortcuts = [
        (_("Faire mes démarches en ligne"), _("Impôts, CAF, carte grise, retraite, santé"), "", "demarches"),
        (
            _("Apprendre à utiliser mon téléphone"),
            _("Des ateliers pour débuter : appels, photos, applications"),
            _("apprendre à utiliser mon téléphone"),
            "",
        ),
        (
            _("Ateliers pour les seniors"),
            _("Ordinateur, tablette, internet, à son rythme"),
            _("ateliers pour les seniors"),
            "",
        ),
        (_("Imprimer, scanner, le wifi"), _("Un ordinateur, une imprimante, une connexion"), "", "imprimer"),
        (_("Trouver un emploi"), _("CV, candidatures, France Travail"), "", "emploi"),
    ]
    return [
        {
            "label": label,
            "hint": hint,
            "url": results_url([("q", text)] if text else [("besoin", need)]),
        }
        for label, hint, text, need in shortcuts
    ]


@register.simple_tag
def query_url(query, **changes) -> str:
    """The results page for `query` (a `HelpQuery`) with some keys changed; an empty value drops the key,
    and `pres=""` drops the position too (« Chercher dans tout le territoire »)."""
    params = [(key, value) for key, value in query.to_params() if key not in changes or changes[key]]
    if "pres" in changes and not changes["pres"]:
        params = [(key, value) for key, value in params if key not in ("lat", "lon")]
    return results_url(params)
