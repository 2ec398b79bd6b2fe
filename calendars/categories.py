"""French keywords that map an imported event's CATEGORIES and SUMMARY to the themes of `events.enums.Theme`.

Structures tag their agenda entries freely ("Démarches CAF", "Atelier tablette", "Café numérique"), never with
the national schema's theme names, so an imported atelier would otherwise land without any theme and vanish
from the themed filters. A short keyword table, matched on whole words after accents and case are dropped,
gets most of them right; a coordinator can always correct the themes afterwards.

Keywords are written without accents, in lower case, as regular expressions (`\\w*` lets "parent" cover
"parents" and "parentalité"). Order of the table is the order of the enum, so results are deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from events.enums import Theme

KEYWORDS: dict[str, tuple[str, ...]] = {
    Theme.DEMARCHES.value: (
        r"demarches?",
        r"administrati\w*",
        r"caf",
        r"impots?",
        r"ameli",
        r"cpam",
        r"ants",
        r"franceconnect",
        r"france connect",
        r"carte grise",
        r"retraite",
        r"mes aides",
        r"france services",
        r"papiers",
    ),
    Theme.OUTILS_QUOTIDIEN.value: (
        r"tablettes?",
        r"smartphones?",
        r"telephones? portables?",
        r"mails?",
        r"e-mails?",
        r"emails?",
        r"courriels?",
        r"messagerie",
        r"ordinateurs?",
        r"clavier",
        r"souris",
        r"bureautique",
        r"traitement de texte",
        r"tableur",
        r"visio\w*",
    ),
    Theme.INSERTION_PRO.value: (
        r"cv",
        r"emplois?",
        r"embauche",
        r"candidatures?",
        r"lettres? de motivation",
        r"linkedin",
        r"france travail",
        r"pole emploi",
        r"insertion",
        r"formation professionnelle",
    ),
    Theme.SECURITE.value: (
        r"arnaques?",
        r"securi\w*",
        r"mots? de passe",
        r"phishing",
        r"hameconnage",
        r"virus",
        r"piratage",
        r"donnees personnelles",
        r"cybers\w*",
        r"rgpd",
    ),
    Theme.PARENTALITE.value: (
        r"parent\w*",
        r"enfants?",
        r"ados?",
        r"adolescents?",
        r"ecrans? en famille",
        r"controle parental",
        r"famille",
    ),
    Theme.LOISIRS.value: (
        r"photos?",
        r"photographie",
        r"jeux?",
        r"jeux video",
        r"creations?",
        r"creati\w*",
        r"impression 3d",
        r"fablab",
        r"musique",
        r"video",
        r"montage",
        r"dessin",
        r"genealogie",
    ),
    Theme.COMPREHENSION.value: (
        r"ia",
        r"intelligence artificielle",
        r"reseaux sociaux",
        r"chatgpt",
        r"infox",
        r"fake news",
        r"desinformation",
        r"algorithmes?",
        r"citoyennete numerique",
        r"culture numerique",
    ),
    Theme.ACCES_MATERIEL.value: (
        r"wi-?fi",
        r"acces libre",
        r"postes? en libre acces",
        r"libre service",
        r"pret de materiel",
    ),
    Theme.MATERIEL_SOLIDAIRE.value: (
        r"reconditionn\w*",
        r"prix solidaires?",
        r"vente solidaire",
        r"materiel solidaire",
    ),
}

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (theme, re.compile(r"\b(?:" + "|".join(words) + r")\b")) for theme, words in KEYWORDS.items()
)


def normalise(text: str) -> str:
    """Lower case, no accents, typographic apostrophes made plain: keywords are written this way."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=8192)
def themes_of_text(text: str) -> tuple[str, ...]:
    """Themes found in one piece of text; cached because feeds repeat the same categories and titles."""
    plain = normalise(text)
    return tuple(theme for theme, pattern in PATTERNS if pattern.search(plain))


def themes_for(categories: Iterable[str], summary: str = "") -> list[str]:
    """Themes of an event from its categories and title, in the enum's order, without duplicates."""
    found: set[str] = set()
    for text in (*categories, summary):
        if text:
            found.update(themes_of_text(text))
    return [theme for theme, _pattern in PATTERNS if theme in found]
