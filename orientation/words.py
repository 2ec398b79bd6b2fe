"""Words as the search compares them: folded, singular, and forgiven their common misspellings.

Why not a database full-text search: the matching must be the same on SQLite (development, tests) and on
PostgreSQL (production), must forgive « smartfone », « ordinatuer » and « impots » without the `unaccent`
and `pg_trgm` extensions a hosted database may refuse, and must say *why* a place fits. The vocabulary is
small (the words of the lexicon and of a few hundred places and ateliers), so the equivalent of a trigram
index is done in process: each word of the question is looked up in the vocabulary exactly, then by a
shared stem, then by similarity (`difflib`, a ratio of at least `FUZZY_CUTOFF`), which is deterministic and
explainable (« smartfone » is read as « smartphone »).
"""

import difflib
import re
from dataclasses import dataclass

from events.text_search import STOP_WORDS
from network.text import fold_accents

# Words of a question that say nothing of the need (« je n'arrive plus à ouvrir mes mails »), on top of the
# agenda search's stop words (`events.text_search.STOP_WORDS`), in their folded, singular form.
QUESTION_WORDS = frozenset(
    [
        "ai",
        "aimerai",
        "aimerais",
        "arrive",
        "as",
        "avoir",
        "besoin",
        "bien",
        "cherche",
        "chercher",
        "chez",
        "dan",
        "dois",
        "doit",
        "donc",
        "elle",
        "etre",
        "il",
        "ils",
        "mettre",
        "moi",
        "n",
        "nous",
        "on",
        "ou",
        "par",
        "peu",
        "peut",
        "plu",
        "semaine",
        "peux",
        "pre",
        "proche",
        "quelqu",
        "quelqu'un",
        "quelque",
        "servir",
        "si",
        "suis",
        "tout",
        "tre",
        "trouver",
        "un",
        "utiliser",
        "veux",
        "voudrai",
        "voudrais",
        "vous",
        "lieu",
        "endroit",
        "aide",
        "aider",
        "numerique",
        "avec",
        "faire",
        "refaire",
        "savoir",
        "mieux",
        "bonjour",
        "merci",
        "svp",
        "ete",
        "fait",
        "mal",
        "quoi",
        "quel",
        "quelle",
        "qu",
        "c",
        "s",
        "t",
        "m",
    ]
)
_IGNORED_AS_TYPED = STOP_WORDS | QUESTION_WORDS
MAX_WORDS = 16
MAX_TEXT = 300
# Words of at least this length may be read as a close vocabulary word (shorter ones are too ambiguous:
# « cafe » is not « caf »).
FUZZY_MIN_LENGTH = 5
FUZZY_CUTOFF = 0.8
STEM_MIN_LENGTH = 6


def normalize(word: str) -> str:
    """« Tablettes » → « tablette », « Impôts » → « impot »: folded, and singular by a trailing s/x."""
    word = fold_accents(word).replace("œ", "oe").replace("æ", "ae")
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    return word


# Compared after `normalize`, so their singular forms too (« vous » → « vou », « dans » → « dan »).
IGNORED = _IGNORED_AS_TYPED | frozenset(normalize(word) for word in _IGNORED_AS_TYPED)


def tokens(text: str) -> list[str]:
    """Every word of `text`, normalized, stop words kept (phrases and commune names need them).

    Hyphenated and apostrophe-joined words give their parts (« e-mail » → « e », « mail », and « email »
    too, so that both spellings meet)."""
    folded = fold_accents((text or "")[:MAX_TEXT]).replace("’", "'")
    result = []
    for chunk in re.findall(r"\w+(?:-\w+)*", folded):
        parts = chunk.split("-")
        result.extend(normalize(part) for part in parts if part)
        if len(parts) > 1:
            result.append(normalize("".join(parts)))
    return result


def content_words(text: str) -> list[str]:
    """The words of `text` worth matching: normalized, without stop words, each once, at most `MAX_WORDS`."""
    words = []
    for word in tokens(text):
        if len(word) < 2 or word in IGNORED or word.isdigit() and len(word) < 2:
            continue
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def text_words(text: str) -> set[str]:
    """The set of content words of a stored text (a presentation, an atelier's title), for the index."""
    return {word for word in tokens(text) if len(word) >= 2 and word not in IGNORED}


@dataclass(frozen=True)
class Reading:
    """How a word of the question was read: `word` as typed (normalized), `as_word` the vocabulary word it
    stands for, `quality` 1 for the same word, less for a stem or a likely misspelling."""

    word: str
    as_word: str
    quality: float

    @property
    def corrected(self) -> bool:
        return self.word != self.as_word


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        length += 1
    return length


class Vocabulary:
    """The words the search knows (lexicon and index), to read a question's words forgivingly."""

    def __init__(self, words):
        self.words = frozenset(words)
        self._by_length: dict[int, list[str]] = {}
        for word in sorted(self.words):
            self._by_length.setdefault(len(word), []).append(word)

    def read(self, word: str) -> list[Reading]:
        """The vocabulary words `word` may stand for, best first (empty when none is close)."""
        if word in self.words:
            return [Reading(word, word, 1.0)]
        if len(word) < FUZZY_MIN_LENGTH:
            return []
        nearby = [
            candidate
            for length in range(len(word) - 3, len(word) + 4)
            for candidate in self._by_length.get(length, ())
        ]
        readings = []
        for candidate in nearby:
            prefix = _common_prefix(word, candidate)
            if prefix >= STEM_MIN_LENGTH and prefix >= min(len(word), len(candidate)) - 3:
                readings.append(Reading(word, candidate, 0.85))
        if not readings:
            for candidate in difflib.get_close_matches(word, nearby, n=2, cutoff=FUZZY_CUTOFF):
                ratio = difflib.SequenceMatcher(None, word, candidate).ratio()
                readings.append(Reading(word, candidate, round(0.9 * ratio, 3)))
        readings.sort(key=lambda reading: (-reading.quality, reading.as_word))
        return readings[:3]
