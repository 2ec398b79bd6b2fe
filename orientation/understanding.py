"""Reading a question: which needs of the lexicon it names, which words to match, where and when.

« je n'arrive plus à ouvrir mes mails » → the need « Mon adresse e-mail » (keyword « mail »), the words
« ouvrir », « mail »; « atelier smartphone Issoudun la semaine prochaine » → the need « téléphone », near
Issoudun, next week. Every step is a plain rule a coordinator can follow:
- words are folded and made singular (`orientation.words`), then read against the vocabulary (a
  misspelling becomes the close word it stands for);
- a need is named when one of its keywords appears, words in a row (« pas cher », « carte grise »); when
  a longer keyword of another need covers the same words (« ordinateur reconditionné » for « matériel »
  covers « ordinateur »), only the longer one counts;
- a need counts more when named by a longer keyword, stop words included (« pas cher » is precise);
- a commune of the territory named in the text (« près d'Issoudun », « au Blanc ») is where distances are
  measured from, unless the person gave one;
- « la semaine prochaine », « ce week-end »… bound the dates of the sessions (`orientation.periods`).
"""

from dataclasses import dataclass
from datetime import date

from network.communes import Point
from network.models import Commune
from network.models.commune import search_key

from .enums import Who
from .index import NeedEntry, SearchIndex
from .periods import Period, read_period
from .ranking import ATELIER_WORDS, Question, publics_of
from .words import FUZZY_MIN_LENGTH, IGNORED, normalize, tokens

# « au Blanc » is « à le Blanc », « du Blanc » « de le Blanc »: a commune named « Le … » or « Les … »
# appears contracted in a sentence.
CONTRACTED_ARTICLES = {"au": "le", "du": "le", "aux": "les", "des": "les"}
MAX_COMMUNE_WORDS = 4
# A need named by a keyword of n words counts 1 + SPECIFICITY × (n − 1) times.
SPECIFICITY = 0.5


@dataclass
class Understanding:
    question: Question
    near: Point | None
    period: Period | None
    corrections: list[tuple[str, str]]
    typed_words: int = 0  # words of the question worth matching, understood or not

    @property
    def not_understood(self) -> bool:
        """Words were typed, and none of them means anything to the search (« xylophone »)."""
        return bool(self.typed_words) and not self.question.has_content


def communes_in(text: str, ignored_words) -> tuple[Point | None, set[str]]:
    """The commune named in `text` (« atelier smartphone Issoudun », « près de Saint-Amand », « au Blanc »),
    the longest name first, and the normalized words it used. One query for every name the text may hold."""
    words = search_key(text).split()
    grams: dict[str, tuple[int, tuple[str, ...]]] = {}
    for size in range(MAX_COMMUNE_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            gram = words[start : start + size]
            if size == 1 and (len(gram[0]) < 3 or gram[0] in ignored_words):
                continue
            grams.setdefault(" ".join(gram), (size, tuple(gram)))
            article = CONTRACTED_ARTICLES.get(words[start - 1]) if start else None
            if article:
                grams.setdefault(" ".join([article, *gram]), (size, (words[start - 1], *gram)))
    if not grams:
        return None, set()
    found = list(Commune.objects.filter(search_name__in=list(grams)).order_by("-population")[:20])
    if not found:
        return None, set()
    commune = max(found, key=lambda item: (grams[item.search_name][0], item.population))
    used = {normalize(word) for word in grams[commune.search_name][1]}
    return Point(commune.latitude, commune.longitude, commune.name), used


def _read_tokens(words: list[str], index: SearchIndex) -> tuple[list[str], list[tuple[str, str]]]:
    """Each word as the vocabulary word it stands for (itself when known or too short to guess)."""
    read, corrections = [], []
    for word in words:
        if word in index.vocabulary.words or len(word) < FUZZY_MIN_LENGTH or word in IGNORED:
            read.append(word)
            continue
        readings = index.vocabulary.read(word)
        if readings:
            read.append(readings[0].as_word)
            corrections.append((word, readings[0].as_word))
        else:
            read.append(word)
    return read, corrections


def _find(phrase: tuple[str, ...], words: list[str]) -> frozenset[int]:
    """Positions of the first run of `words` equal to `phrase`, or an empty set."""
    size = len(phrase)
    for start in range(len(words) - size + 1):
        if tuple(words[start : start + size]) == phrase:
            return frozenset(range(start, start + size))
    return frozenset()


def named_needs(words: list[str], needs: list[NeedEntry]) -> dict[str, tuple[NeedEntry, frozenset[int]]]:
    """The needs whose keywords appear in `words` (read tokens), each with the positions of its longest
    keyword found; a need whose words are all inside a longer keyword of another need is left out."""
    found = {}
    for need in needs:
        best = frozenset()
        for phrase in need.phrases:
            positions = _find(phrase, words)
            content = {position for position in positions if words[position] not in IGNORED}
            if content and len(positions) > len(best):
                best = positions
        if best:
            found[need.slug] = (need, best)
    return {
        slug: (need, positions)
        for slug, (need, positions) in found.items()
        if not any(
            other != slug and positions < other_positions for other, (_n, other_positions) in found.items()
        )
    }


def understand(query, index: SearchIndex, today: date) -> Understanding:
    period = read_period(query.text, today)
    lexicon_words = {word for need in index.needs for phrase in need.content_phrases for word in phrase}
    near, commune_words = query.near, set()
    if query.text:
        named, commune_words = communes_in(query.text, IGNORED | lexicon_words)
        near = near or named
    skipped = commune_words | (period.words if period else set())
    all_words = [word for word in tokens(query.text) if word not in skipped]
    read, corrections = _read_tokens(all_words, index)

    needs: list[NeedEntry] = []
    weights: dict[str, float] = {}
    typed: dict[str, tuple[str, ...]] = {}
    for slug in query.needs:
        need = index.need(slug)
        if need is not None and need not in needs:
            needs.append(need)
            weights[slug] = 1.0
    for slug, (need, positions) in named_needs(read, index.needs).items():
        weight = 1.0 + SPECIFICITY * (len(positions) - 1)
        typed[slug] = tuple(read[position] for position in sorted(positions) if read[position] not in IGNORED)
        if need not in needs:
            needs.append(need)
        weights[slug] = max(weights.get(slug, 0.0), weight)
    if Who.EMPLOI in query.publics and index.need("emploi") is not None and index.need("emploi") not in needs:
        needs.append(index.need("emploi"))
        weights["emploi"] = 1.0

    # « atelier », « cours » say what kind of help, not what about: they choose sessions (`wants_ateliers`).
    all_content = [word for word in read if len(word) >= 2 and word not in IGNORED]
    content_words = list(dict.fromkeys(word for word in all_content if word not in ATELIER_WORDS))
    readings = [index.vocabulary.read(word) for word in content_words[:16]]
    question = Question(
        readings=[options for options in readings if options],
        needs=needs,
        need_weights=weights,
        typed_keywords=typed,
        constraints=query.constraints,
        publics=publics_of(query.publics) | frozenset(public for need in needs for public in need.publics),
        wants_ateliers=bool(ATELIER_WORDS & set(all_content)),
    )
    return Understanding(
        question=question,
        near=near,
        period=period,
        corrections=sorted(set(corrections)),
        typed_words=len(content_words),
    )
