"""How well a place or an atelier fits a question, with the reasons people read.

Deterministic and explainable: a score is a sum of named parts, each adding a reason when it counts.
- a need recognised in the question (`Need`) counts for the places that offer one of its services, have the
  equipment it calls for, welcome the public it names, or whose texts and ateliers use its words;
- each word of the question counts where it is written, by the weight of the field (the offer more than
  the name, see `index.PLACE_FIELD_WEIGHTS`) and by how rare it is across places (a word every place uses
  says little: inverse document frequency);
- constraints (free, wheelchair, evening…) and publics add when met, and take a little when not;
- distance divides the fit (`distance_factor`), so that near places come first among equal fits.
Nothing here reads a place's name to decide that it fits: names weigh 0.4 of an offer word.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from network import enums
from network.text import lower_first

from .enums import WHO_PUBLICS, Constraint, Equipment, Who
from .index import AtelierEntry, NeedEntry, PlaceEntry
from .words import Reading

SERVICE_POINTS = 2.5
EQUIPMENT_POINTS = 2.5
PUBLIC_POINTS = 1.5
PHRASE_POINTS = 0.5
PHRASE_CAP = 1.5
# The very keyword the person typed (« ameli », « carte grise ») written in a place's texts or ateliers.
TYPED_KEYWORD_POINTS = 1.5
CONSTRAINT_POINTS = 1.0
CONSTRAINT_MISS = -0.5
ATELIER_BONUS = 1.0
# A place at this many km counts half as much as the same place next door.
HALF_FIT_KM = 20.0
# Parts of the fit below this share of the best are not shown: they fit too little to be worth a visit.
KEEP_SHARE = 0.25
# Words saying the person wants a group session, not a desk.
ATELIER_WORDS = frozenset(["atelier", "cour", "formation", "initiation", "apprendre", "stage", "lecon"])

SUPPORT_CONSTRAINTS = {
    Constraint.SURDITE: {enums.PriseEnCharge.SURDITE},
    Constraint.LANGUE: {enums.PriseEnCharge.ANGLAIS, enums.PriseEnCharge.AUTRES_LANGUES},
}


@dataclass
class Question:
    """What `find_help` understood, in the shape the scoring reads."""

    readings: list[list[Reading]]  # per content word of the question, how it may be read
    needs: list[NeedEntry]
    need_weights: dict[str, float]  # slug -> how precisely the question names it (1 for a button)
    typed_keywords: dict[str, tuple[str, ...]]  # slug -> the keyword's words as the question says them
    constraints: frozenset[str]
    publics: frozenset[str]  # national `Public` values
    wants_ateliers: bool

    @property
    def has_content(self) -> bool:
        return bool(self.readings or self.needs or self.publics)


@dataclass
class Fit:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str = "") -> None:
        self.score += points
        if reason and points > 0 and reason not in self.reasons:
            self.reasons.append(reason)


def idf(frequency: int, total: int) -> float:
    return math.log(1 + total / (1 + frequency))


def distance_factor(distance_km: float | None) -> float:
    return 1.0 if distance_km is None else 1.0 / (1.0 + distance_km / HALF_FIT_KM)


def distance_reason(distance_km: float, where: str = "") -> str:
    text = _("À moins d'1 km") if distance_km < 1 else _("À %(km)d km") % {"km": round(distance_km)}
    return _("%(distance)s (passe à %(commune)s)") % {"distance": text, "commune": where} if where else text


def _service_label(value: str) -> str:
    return str(enums.Service(value).label) if value in enums.Service.values else value


def _need_reason(need: NeedEntry, service: str) -> str:
    label = _service_label(service)
    if need.reason_label.casefold() in label.casefold():
        return label
    return f"{label} : {need.reason_label}"


def _phrase_hits(need: NeedEntry, words: dict[str, float]) -> int:
    return sum(1 for phrase in need.content_phrases if all(word in words for word in phrase))


def _typed_keyword_points(question: Question, need: NeedEntry, weight: float, words) -> float:
    typed = question.typed_keywords.get(need.slug)
    return TYPED_KEYWORD_POINTS * weight if typed and all(word in words for word in typed) else 0.0


def _word_points(question: Question, words: dict[str, float], frequency: dict[str, int], total: int):
    """Points of the question's words found in `words`, and the vocabulary words found."""
    points, found = 0.0, []
    for readings in question.readings:
        best, best_word = 0.0, ""
        for reading in readings:
            weight = words.get(reading.as_word, 0.0)
            value = weight * reading.quality * idf(frequency.get(reading.as_word, 0), total)
            if value > best:
                best, best_word = value, reading.as_word
        if best:
            points += best
            found.append(best_word)
    return points, found


def place_fit(place: PlaceEntry, question: Question, frequency, total, has_ateliers: bool) -> Fit:
    fit = Fit()
    for need in question.needs:
        weight = question.need_weights.get(need.slug, 1.0)
        common = sorted(need.services & place.services)
        if common:
            fit.add(SERVICE_POINTS * weight, _need_reason(need, common[0]))
        for equipment in sorted(need.equipment & place.equipment):
            fit.add(EQUIPMENT_POINTS * weight, str(_equipment_label(equipment)))
        publics = sorted(need.publics & place.publics)
        if publics:
            fit.add(
                PUBLIC_POINTS, _("Accueille spécialement : %(public)s") % {"public": _public_list(publics)}
            )
        fit.add(min(PHRASE_CAP, PHRASE_POINTS * _phrase_hits(need, place.words)))
        fit.add(_typed_keyword_points(question, need, weight, place.words))
    points, found = _word_points(question, place.words, frequency, total)
    if points:
        titles = [place.atelier_titles[word] for word in found if word in place.atelier_titles]
        if titles:
            fit.add(points, _("Atelier « %(title)s »") % {"title": titles[0]})
        else:
            fit.add(points, _("Parle de : %(words)s") % {"words": ", ".join(found)})
    publics = sorted(question.publics & place.publics)
    if publics:
        fit.add(PUBLIC_POINTS, _("Accueille spécialement : %(public)s") % {"public": _public_list(publics)})
    if has_ateliers:
        bonus = ATELIER_BONUS if question.wants_ateliers else ATELIER_BONUS / 2
        fit.add(bonus, _("Ateliers à venir"))
    if not question.has_content:
        fit.add(1.0)
    for constraint in sorted(question.constraints):
        met, reason = place_meets(place, constraint)
        fit.add(CONSTRAINT_POINTS if met else CONSTRAINT_MISS, reason if met else "")
    return fit


def place_meets(place: PlaceEntry, constraint: str) -> tuple[bool, str]:
    if constraint == Constraint.GRATUIT:
        free = {enums.Frais.GRATUIT, enums.Frais.GRATUIT_SOUS_CONDITION} & place.fees
        return bool(free), _("Gratuit") if enums.Frais.GRATUIT in free else _("Gratuit sous condition")
    if constraint == Constraint.FAUTEUIL:
        return place.wheelchair, _("Accessible en fauteuil")
    if constraint in SUPPORT_CONSTRAINTS:
        supports = sorted(SUPPORT_CONSTRAINTS[constraint] & place.supports)
        return bool(supports), _("Prise en charge : %(what)s") % {"what": _support_list(supports)}
    if constraint == Constraint.SOIR:
        return place.evening, _("Ouvert le soir")
    if constraint == Constraint.SAMEDI:
        return place.saturday, _("Ouvert le samedi")
    if constraint == Constraint.SANS_DEPLACEMENT:
        if place.itinerant:
            return True, _("Service itinérant : vient dans les communes")
        return place.remote, _("Accompagnement à distance")
    return False, ""


def atelier_fit(atelier: AtelierEntry, question: Question, frequency, total) -> Fit:
    fit = Fit()
    for need in question.needs:
        weight = question.need_weights.get(need.slug, 1.0)
        common = sorted(need.services & atelier.themes)
        if common:
            fit.add(
                SERVICE_POINTS * weight,
                _("Thème : %(theme)s") % {"theme": lower_first(_service_label(common[0]))},
            )
        publics = sorted(need.publics & atelier.publics)
        if publics:
            fit.add(PUBLIC_POINTS, _("Pour : %(public)s") % {"public": _public_list(publics)})
        fit.add(min(PHRASE_CAP, PHRASE_POINTS * _phrase_hits(need, atelier.words)))
        fit.add(_typed_keyword_points(question, need, weight, atelier.words))
    points, found = _word_points(question, atelier.words, frequency, total)
    if points:
        fit.add(points, _("Parle de : %(words)s") % {"words": ", ".join(found)})
    publics = sorted(question.publics & atelier.publics)
    if publics:
        fit.add(PUBLIC_POINTS, _("Pour : %(public)s") % {"public": _public_list(publics)})
    if not question.has_content:
        fit.add(1.0)
    if Constraint.GRATUIT in question.constraints:
        fit.add(CONSTRAINT_POINTS if atelier.free else -CONSTRAINT_POINTS, _("Gratuit"))
    if Constraint.FAUTEUIL in question.constraints:
        fit.add(CONSTRAINT_POINTS if atelier.wheelchair else CONSTRAINT_MISS, _("Accessible en fauteuil"))
    for constraint, supports in SUPPORT_CONSTRAINTS.items():
        if constraint in question.constraints:
            met = sorted(supports & atelier.supports)
            reason = _("Prise en charge : %(what)s") % {"what": _support_list(met)}
            fit.add(CONSTRAINT_POINTS if met else CONSTRAINT_MISS, reason)
    if Constraint.SANS_DEPLACEMENT in question.constraints:
        fit.add(2 * CONSTRAINT_POINTS if atelier.remote else CONSTRAINT_MISS, _("À distance"))
    return fit


def publics_of(who: frozenset[str]) -> frozenset[str]:
    return frozenset(str(WHO_PUBLICS[Who(value)]) for value in who if Who(value) in WHO_PUBLICS)


def _equipment_label(value: str) -> str:
    return Equipment(value).label


def _public_list(values) -> str:
    return ", ".join(lower_first(str(enums.Public(value).label)) for value in values)


def _support_list(values) -> str:
    return ", ".join(lower_first(str(enums.PriseEnCharge(value).label)) for value in values)
