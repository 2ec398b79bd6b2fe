"""Text helpers shared by every app: accent folding (sorting, search) and French around names and dates.

French readers type "mediatheque" as often as "médiathèque". SQLite's full-text index folds accents by
itself, PostgreSQL's "french" configuration does not (it would need the `unaccent` extension, which a
hosted database may refuse), so the search index also receives an accent-free copy of the words people
look for, and queries are folded the same way before they are sent.
"""

import unicodedata

from django.utils.text import Truncator

# French dates live in the outbox, the lowest layer, so that e-mails sent from there write « 1er » too.
from outbox.dates import french_date as french_date

# Search engines show about this many characters of a page's meta description; longer text is cut by them.
META_DESCRIPTION_LENGTH = 160


def fold_accents(text: str) -> str:
    """Fold « Écrivain Public » into « ecrivain public »: accents dropped, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def meta_description(*sentences) -> str:
    """The sentences a search engine shows under a page's title: joined, blanks collapsed, bounded to
    `META_DESCRIPTION_LENGTH` characters with « … », so that the person reads whole words, not a cut tag."""
    text = " ".join(" ".join(str(sentence).split()) for sentence in sentences if sentence)
    return Truncator(text).chars(META_DESCRIPTION_LENGTH)


def lower_first(text: str) -> str:
    """« Aide aux démarches » → « aide aux démarches », to list labels inside a sentence."""
    return text[:1].lower() + text[1:]


# ---- French grammar around names -----------------------------------------------------------------------
#
# Structure and bassin names are typed by people (« Maison des Expressions… », « ASEPT – Bus numérique »,
# « Le Blanc », « Bassin de vie d'Issoudun »), and sentences put « de » or « à » before them. French then
# contracts (« du Centre », « au Blanc »), elides (« d'Issoudun », « de l'ASEPT ») and adds the article a
# common noun takes (« de la Maison… »). The first word decides; the nouns and acronyms that open the names
# of the network's places are listed with their article, and any other name is taken as a proper name
# (a commune, a brand), which takes no article.

_VOWELS = "aeiouyàâäéèêëîïôöùûüÿœæ"
_MASCULINE = frozenset(
    [
        "bureau",
        "bus",
        "centre",
        "cias",
        "ccas",
        "département",
        "pij",
        "bij",
        "rbij",
        "point",
        "pôle",
        "réseau",
        "relais",
        "service",
        "tiers-lieu",
        "cyber-base",
        "secours",
        "imep",
        "infolab",
        "lieu",
        "local",
        "club",
        "foyer",
    ]
)
_FEMININE = frozenset(
    [
        "maison",
        "mission",
        "médiathèque",
        "mairie",
        "commune",
        "communauté",
        "bibliothèque",
        "caf",
        "msap",
        "msa",
        "ville",
        "ligue",
        "fabrique",
        "grange",
        "bge",
        "carsat",
        "cyber",
        "structure",
        "antenne",
        "permanence",
        "cité",
    ]
)
_PLURAL = frozenset(
    ["associations", "centres", "promeneurs", "amis", "ateliers", "espaces", "maisons", "médiathèques"]
)
# Nouns and acronyms that take « l' »: those starting with a vowel that a name uses with its article.
_ELIDED = frozenset(
    [
        "asept",
        "association",
        "espace",
        "epn",
        "école",
        "université",
        "office",
        "udaf",
        "adil",
        "unité",
        "agence",
        "atelier",
        "accueil",
        "institut",
        "ufcv",
        "apf",
    ]
)


def _first_word(name: str) -> str:
    word = name.split(maxsplit=1)[0] if name.split() else ""
    return word.strip("«»\"'’()").casefold()


def _starts_with_vowel(name: str) -> bool:
    return bool(name) and (fold_accents(name[:1]) in _VOWELS or name[:1].casefold() in _VOWELS)


def _article_form(name: str) -> tuple[str, str]:
    """(article kind, name without a leading « Le »/« Les »): « le », « les », « la », « l' » or ""."""
    stripped = name.strip()
    head, _sep, rest = stripped.partition(" ")
    if head in ("Le", "le") and rest:
        return "le", rest
    if head in ("Les", "les") and rest:
        return "les", rest
    if head in ("La", "la") or stripped[:2].casefold() in ("l'", "l’"):
        return "as-is", stripped
    word = _first_word(stripped)
    if word in _PLURAL:
        return "les-noun", stripped
    if word in _ELIDED:
        return "l'", stripped
    if word in _MASCULINE:
        return "le-noun", stripped
    if word in _FEMININE:
        return "la", stripped
    return "", stripped


def de_name(name: str) -> str:
    """« de » before a name: « de la Maison… », « du Centre… », « du Blanc », « de l'ASEPT », « d'Issoudun ».

    « de La Riche » keeps the article of a commune's name; only « Le » and « Les » contract (« du Blanc »).
    """
    kind, rest = _article_form(name)
    if kind == "le":
        return f"du {rest}"
    if kind in ("les", "les-noun"):
        return f"des {rest}"
    if kind == "le-noun":
        return f"du {rest}"
    if kind == "la":
        return f"de la {rest}"
    if kind == "l'":
        return f"de l'{rest}"
    if kind == "" and _starts_with_vowel(rest):
        return f"d'{rest}"
    return f"de {rest}"


def a_name(name: str) -> str:
    """« à » before a name: « à la Maison… », « au Centre… », « au Blanc », « à l'ASEPT », « à Issoudun »."""
    kind, rest = _article_form(name)
    if kind in ("le", "le-noun"):
        return f"au {rest}"
    if kind in ("les", "les-noun"):
        return f"aux {rest}"
    if kind == "la":
        return f"à la {rest}"
    if kind == "l'":
        return f"à l'{rest}"
    return f"à {rest}"


_BASSIN_PREFIXES = ("bassin de vie ", "bassin ")


def bassin_name(title: str) -> str:
    """« bassin d'Issoudun » for « Bassin de vie d'Issoudun », « bassin de Bourges » for « Bourges »: what
    follows « dans le » or « les lieux du » without saying « bassin » twice."""
    rest = title.strip()
    for prefix in _BASSIN_PREFIXES:
        if rest.casefold().startswith(prefix):
            rest = rest[len(prefix) :].strip()
            break
    if rest.casefold().startswith(("de ", "d'", "d’", "du ", "des ")):
        return f"bassin {rest}"
    return f"bassin {de_name(rest)}"
