"""Forgiving word search over the agenda: any word may match an atelier's title, summary, description or
its structure's name, accents and case aside.

Why this shape: the public types « demarches impots » as often as « Démarches impôts », and a question rather
than a title. Each word is matched on its own (OR), with a trailing plural « s »/« x » dropped. Accents are
folded in the query and, in the database, matched by a case-insensitive pattern that accepts every accented
form of each letter (`iregex`: Django's REGEXP on SQLite, `~*` on PostgreSQL), without the `unaccent`
extension or a search column (no migration). The match runs as a subquery of the agenda's own query, so
searching costs no extra SQL query. Ranking is not done here: the agenda stays in date order.
"""

import re

from django.db.models import Q

from network.text import fold_accents

from .models import Atelier

MAX_WORDS = 8
# Words that would match nearly every atelier, in their accent-free form.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "j",
        "je",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "ma",
        "me",
        "mes",
        "mon",
        "ne",
        "pas",
        "pour",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "ton",
        "un",
        "une",
        "vos",
        "votre",
        "y",
        "plus",
        "qui",
        "que",
        "est",
        "comment",
    ]
)
# Each plain letter and the accented letters it stands for, both cases: a folded word becomes a pattern
# (« demarche » → « d[eéèêëÉÈÊË]m[aàâäÀÂÄ]rch[eéèêëÉÈÊË] »), matched case-insensitively on the stored text.
_VARIANTS = {
    "a": "aàâäáÀÂÄÁ",
    "e": "eéèêëÉÈÊË",
    "i": "iîïíÎÏÍ",
    "o": "oôöóÔÖÓ",
    "u": "uùûüúÙÛÜÚ",
    "c": "cçÇ",
    "y": "yÿŸ",
    "n": "nñÑ",
}
_FIELDS = ("title", "summary", "description", "structure__title")


def search_words(text: str) -> list[str]:
    """The words of `text` worth matching: folded, without stop words nor a plural ending, at most
    `MAX_WORDS` (« Les tablettes à Vierzon » → ["tablette", "vierzon"])."""
    words = []
    folded_text = fold_accents(text or "").replace("œ", "oe").replace("æ", "ae")
    for word in re.findall(r"\w+", folded_text):
        if word in STOP_WORDS or len(word) < 2:
            continue
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def word_pattern(word: str) -> str:
    """A regular expression matching `word` (folded, letters and digits only) whatever its accents, the
    same on SQLite (Django's REGEXP) and on PostgreSQL (`~*`). « oe » also matches « œ »."""
    pattern = "".join(f"[{_VARIANTS[char]}]" if char in _VARIANTS else re.escape(char) for char in word)
    return pattern.replace("[oôöóÔÖÓ][eéèêëÉÈÊË]", "(?:[oôöóÔÖÓ][eéèêëÉÈÊË]|[œŒ])")


def matching_ateliers(words: list[str]):
    """Ateliers where any of `words` (from `search_words`) appears, for use as a subquery.

    A pattern per word on the stored columns, OR'ed: no nested function per accent, which SQLite's
    parser cannot take in numbers, and no extension on PostgreSQL."""
    condition = Q()
    for word in words:
        pattern = word_pattern(word)
        for name in _FIELDS:
            condition |= Q(**{f"{name}__iregex": pattern})
    return Atelier.objects.filter(condition).values("pk")


def search_occurrences(occurrences, text: str):
    """The sessions of `occurrences` whose atelier matches a word of `text`; all of them when `text` has no
    word worth matching."""
    words = search_words(text)
    if not words:
        return occurrences
    return occurrences.filter(atelier__in=matching_ateliers(words))
