"""French around names and dates in templates: `{{ structure.title|de }}` (« de la Maison… », « du Centre… »,
« d'Issoudun »), `{{ structure.title|a }}` (« à l'ASEPT », « au Blanc »), `{{ bassin.title|bassin_name }}`
(« bassin d'Issoudun »), `{{ day|date_fr:"l j F Y" }}` (« mardi 1er décembre 2026 »).

The rules live in `network.text`, so that Python code (views, e-mails) writes the same French.
"""

from django import template

from ..text import a_name, de_name, french_date
from ..text import bassin_name as bassin_phrase

register = template.Library()


@register.filter
def de(name) -> str:
    return de_name(str(name)) if name else ""


@register.filter
def a(name) -> str:
    return a_name(str(name)) if name else ""


@register.filter
def bassin_name(title) -> str:
    return bassin_phrase(str(title)) if title else ""


@register.filter(expects_localtime=True)
def date_fr(value, pattern: str = "j F Y") -> str:
    return french_date(value, pattern)
