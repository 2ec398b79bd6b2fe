"""One search for places and ateliers: « De quoi avez-vous besoin ? » answered from the network's real data.

`find_help(HelpQuery)` is the public API used by the results page, the guided path `/aide/`, the kiosk and
`/pro/` (see docs/development.md). It reads the question (needs of the lexicon, words forgiven their
misspellings, a commune named in the text, « la semaine prochaine »), scores every place and atelier of the
cached index (`orientation.index`, `orientation.ranking`) and loads only what it shows: a fixed number of
queries whatever the size of the territory (the communes named in the text, the sessions, the places; the
index when the cache is cold).
"""

import re
from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from events import enums as event_enums
from events.models import Occurrence
from network.communes import Point, point_from_commune, point_from_position
from network.models import StructurePage

from .enums import Constraint, Who
from .index import SearchIndex, get_index
from .models import Need
from .periods import Period
from .ranking import KEEP_SHARE, Question, atelier_fit, distance_factor, distance_reason, place_fit
from .understanding import understand

MAX_TEXT = 200
MAX_NEAR = 120
MAX_CHOICES = 12
SESSIONS_PER_ATELIER = 3
SESSIONS_PER_PLACE = 3
# Sessions farther than this from « près de … » are left out (a remote session has no distance).
SESSION_RADIUS_KM = 40
# Ateliers considered for sessions, best first: bounds the size of the one session query.
MAX_ATELIERS = 200
SLUG = re.compile(r"^[a-z0-9-]{1,60}$")


def _values(params, key) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(key)
    else:
        value = params.get(key, [])
        values = [value] if isinstance(value, str) else list(value)
    return [str(value) for value in values][:MAX_CHOICES]


def _value(params, key) -> str:
    values = _values(params, key)
    return values[0] if values else ""


@dataclass(frozen=True)
class HelpQuery:
    text: str = ""
    needs: tuple[str, ...] = ()
    near: Point | None = None
    near_text: str = ""
    constraints: frozenset[str] = frozenset()
    publics: frozenset[str] = frozenset()
    bassin_id: int | None = None
    include_pro: bool = False

    @classmethod
    def from_params(cls, params) -> "HelpQuery":
        """The query of a GET request (`q`, `besoin`, `pres`, `lat`, `lon`, `critere`, `public`): unknown or
        invalid values are dropped, lengths bounded, never an error. A position wins over a commune typed."""
        text = " ".join(_value(params, "q").split())[:MAX_TEXT]
        needs = tuple(dict.fromkeys(slug for slug in _values(params, "besoin") if SLUG.match(slug)))
        near_text = " ".join(_value(params, "pres").split())[:MAX_NEAR]
        near = point_from_position(_value(params, "lat") or None, _value(params, "lon") or None)
        if near is not None:
            near_text = ""
        elif near_text:
            near = point_from_commune(near_text)
        constraints = frozenset(value for value in _values(params, "critere") if value in Constraint.values)
        publics = frozenset(value for value in _values(params, "public") if value in Who.values)
        return cls(
            text=text,
            needs=needs,
            near=near,
            near_text=near_text,
            constraints=constraints,
            publics=publics,
        )

    def to_params(self) -> list[tuple[str, str]]:
        params = []
        if self.text:
            params.append(("q", self.text))
        params += [("besoin", slug) for slug in self.needs]
        if self.near_text:
            params.append(("pres", self.near_text))
        elif self.near is not None:
            params += [("lat", f"{self.near.latitude:.5f}"), ("lon", f"{self.near.longitude:.5f}")]
        params += [("critere", value) for value in sorted(self.constraints)]
        params += [("public", value) for value in sorted(self.publics)]
        return params

    @property
    def is_blank(self) -> bool:
        return not (
            self.text or self.needs or self.near or self.near_text or self.constraints or self.publics
        )


@dataclass
class PlaceResult:
    structure: StructurePage
    score: float
    reasons: list[str]
    distance_km: float | None
    next_sessions: list[Occurrence] = field(default_factory=list)


@dataclass
class SessionResult:
    occurrence: Occurrence
    score: float
    reasons: list[str]
    distance_km: float | None


@dataclass
class HelpResults:
    query: HelpQuery
    needs: list[Need]
    places: list[PlaceResult]
    sessions: list[SessionResult]
    near_not_found: bool
    near: Point | None = None  # where distances are measured from (typed, positioned or named in the text)
    period: Period | None = None
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (as typed, as read)
    contact: tuple[str, str] | None = None  # (place, phone) to call when the results are thin
    wants_ateliers: bool = False  # the question asks for ateliers (« atelier », « cours », « apprendre »)

    @property
    def is_thin(self) -> bool:
        return len(self.places) < 3 or not self.sessions

    def is_empty(self) -> bool:
        return not self.places and not self.sessions

    def what_to_do(self) -> list[str]:
        """What to try next, in French, when the search found nothing or little."""
        advice = []
        if self.near_not_found:
            advice.append(
                _(
                    "Nous n'avons pas reconnu la commune « %(name)s » : vérifiez son nom "
                    "ou choisissez-la dans la liste."
                )
                % {"name": self.query.near_text}
            )
        if not self.is_empty() and not self.is_thin:
            return advice
        if self.near is not None:
            advice.append(_("Cherchez plus loin : retirez la commune pour voir tout le territoire."))
        if self.query.constraints:
            advice.append(_("Retirez un critère : moins de lieux les remplissent tous."))
        if self.period is not None:
            advice.append(_("Essayez d'autres dates : l'agenda montre tous les ateliers à venir."))
        else:
            advice.append(_("Consultez l'agenda de tous les ateliers à venir."))
        if self.query.text:
            advice.append(
                _("Dites-le autrement, en peu de mots : « carte grise », « smartphone », « imprimer ».")
            )
        if self.contact:
            advice.append(
                _("Appelez %(place)s au %(phone)s : on vous orientera.")
                % {"place": self.contact[0], "phone": self.contact[1]}
            )
        else:
            advice.append(
                _("Rendez-vous dans une maison France Services : on vous y aide pour vos démarches.")
            )
        return advice


def _place_distance(place, near: Point | None) -> tuple[float | None, str]:
    """Distance to the place, or to the nearest stop of an itinerant service (then its commune)."""
    if near is None:
        return None, ""
    best = near.distance_km(place.latitude, place.longitude)
    where = ""
    for latitude, longitude, commune in place.stops:
        distance = near.distance_km(latitude, longitude)
        if distance is not None and (best is None or distance < best):
            best, where = distance, commune
    return best, where


def _keep(scored: list, key) -> list:
    if not scored:
        return []
    best = max(key(item) for item in scored)
    return [item for item in scored if key(item) > 0 and key(item) >= KEEP_SHARE * best]


def find_help(query: HelpQuery, *, now=None, place_limit=10, session_limit=10) -> HelpResults:
    """The places and upcoming sessions that fit `query`, best first, each with its reasons.

    Every place and atelier of the index is scored in Python (a few hundred: cheaper than asking the
    database to rank, and the same on SQLite and PostgreSQL); only what is shown is loaded: the sessions of
    the best ateliers in one query, the places shown in another. A blank query costs nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if query.is_blank:
        return HelpResults(query=query, needs=[], places=[], sessions=[], near_not_found=False)
    index = get_index()
    understood = understand(query, index, today)
    question, near, period = understood.question, understood.near, understood.period
    near_not_found = bool(query.near_text) and query.near is None
    results = HelpResults(
        query=query,
        needs=[],
        places=[],
        sessions=[],
        near_not_found=near_not_found,
        near=near,
        period=period,
        corrections=understood.corrections,
        wants_ateliers=question.wants_ateliers,
        contact=_contact(index, near, query.bassin_id),
    )
    if understood.not_understood or not (question.has_content or query.constraints or near):
        return results

    def in_scope(bassin_id):
        return query.bassin_id is None or bassin_id == query.bassin_id

    # Ateliers: fit of each, then their sessions in one query.
    atelier_total = max(len(index.ateliers), 1)
    atelier_scores = {}
    for atelier in index.ateliers.values():
        if not in_scope(atelier.bassin_id) or not (atelier.public or query.include_pro):
            continue
        fit = atelier_fit(atelier, question, index.atelier_frequency, atelier_total)
        atelier_scores[atelier.pk] = fit
    kept_ateliers = dict(_keep(list(atelier_scores.items()), lambda item: item[1].score))

    def atelier_order(pk):
        """Best fit first; among equals (« près de Vatan » alone), the nearest place's ateliers."""
        distance, _where = _place_distance(index.places[index.ateliers[pk].structure_id], near)
        return (-kept_ateliers[pk].score, distance or 0, pk)

    best_ateliers = sorted(kept_ateliers, key=atelier_order)[:MAX_ATELIERS]
    occurrences = _sessions(query, best_ateliers, now, period) if best_ateliers else []

    # Places: fit, distance, then the rows of those shown.
    place_total = max(len(index.places), 1)
    with_sessions = {occurrence.atelier.structure_id for occurrence in occurrences}
    scored = []
    for place in index.places.values():
        if not in_scope(place.bassin_id):
            continue
        fit = place_fit(place, question, index.place_frequency, place_total, place.pk in with_sessions)
        distance, where = _place_distance(place, near)
        scored.append((place, fit, distance, where))
    scored = _keep(scored, lambda item: item[1].score)
    scored.sort(key=lambda item: (-item[1].score * distance_factor(item[2]), item[2] or 0, item[0].title))
    scored = scored[:place_limit]
    rows = StructurePage.objects.in_bulk([place.pk for place, *_rest in scored])
    by_place: dict[int, list] = {}
    for occurrence in occurrences:
        by_place.setdefault(occurrence.atelier.structure_id, []).append(occurrence)
    for place, fit, distance, where in scored:
        reasons = list(fit.reasons)
        if distance is not None:
            reasons.append(distance_reason(distance, where))
        results.places.append(
            PlaceResult(
                structure=rows[place.pk],
                score=round(fit.score * distance_factor(distance), 3),
                reasons=reasons,
                distance_km=distance,
                next_sessions=by_place.get(place.pk, [])[:SESSIONS_PER_PLACE],
            )
        )

    results.sessions = _session_results(occurrences, kept_ateliers, near, period)[:session_limit]
    results.needs = _needs(question)
    return results


def _sessions(query: HelpQuery, atelier_ids, now, period: Period | None) -> list[Occurrence]:
    """The next sessions (at most `SESSIONS_PER_ATELIER` each) of the ateliers kept, in one query."""
    sessions = Occurrence.objects.for_members() if query.include_pro else Occurrence.objects.public()
    sessions = sessions.upcoming(now).filter(atelier_id__in=atelier_ids)
    sessions = sessions.exclude(status=event_enums.Status.CANCELLED)
    if period is not None:
        sessions = sessions.between(period.start, period.end)
    if Constraint.SOIR in query.constraints:
        sessions = sessions.evening()
    if Constraint.SAMEDI in query.constraints:
        sessions = sessions.filter(local_date__week_day=7)
    sessions = sessions.annotate(
        atelier_rank=Window(
            RowNumber(), partition_by=[F("atelier_id")], order_by=[F("start").asc(), F("pk").asc()]
        )
    ).filter(atelier_rank__lte=SESSIONS_PER_ATELIER)
    return list(sessions.select_related("atelier", "atelier__structure").order_by("start", "pk")[:600])


def _session_results(occurrences, fits, near: Point | None, period) -> list[SessionResult]:
    if not occurrences:
        return []
    best = max(fits[occurrence.atelier_id].score for occurrence in occurrences)
    results = []
    for occurrence in occurrences:
        atelier = occurrence.atelier
        fit = fits[occurrence.atelier_id]
        distance = None
        if near is not None and atelier.format != event_enums.Format.REMOTE:
            if occurrence.latitude is not None:
                distance = near.distance_km(occurrence.latitude, occurrence.longitude)
            else:
                coordinates = atelier.coordinates()
                distance = near.distance_km(*coordinates) if coordinates else None
            if distance is not None and distance > SESSION_RADIUS_KM:
                continue
        reasons = list(fit.reasons)
        if period is not None:
            reasons.append(period.label[:1].upper() + period.label[1:])
        if occurrence.is_evening:
            reasons.append(_("Le soir"))
        if distance is not None:
            reasons.append(distance_reason(distance))
        tier = round(3 * fit.score / best) if best > 0 else 0
        results.append(
            (tier, occurrence.start, distance or 0, occurrence.pk, fit, reasons, distance, occurrence)
        )
    results.sort(key=lambda item: (-item[0], item[1], item[2], item[3]))
    return [
        SessionResult(occurrence=item[7], score=round(item[4].score, 3), reasons=item[5], distance_km=item[6])
        for item in results
    ]


def _needs(question: Question) -> list[Need]:
    """The needs recognised, as `Need` rows rebuilt from the index (no query)."""
    return [
        Need(
            pk=need.pk,
            slug=need.slug,
            label=need.label,
            short_label=need.reason_label,
            services=sorted(need.services),
            publics=sorted(need.publics),
            equipment=sorted(need.equipment),
        )
        for need in question.needs
    ]


def _contact(index: SearchIndex, near: Point | None, bassin_id) -> tuple[str, str] | None:
    """A place to call when the results are thin: the nearest with a phone number (in the bassin if any)."""
    candidates = [
        place
        for place in index.places.values()
        if place.phones and (bassin_id is None or place.bassin_id == bassin_id)
    ]
    if not candidates:
        return None
    if near is not None:
        candidates.sort(key=lambda place: (_place_distance(place, near)[0] or 10_000, place.title))
    else:
        candidates.sort(key=lambda place: place.title)
    return candidates[0].title, candidates[0].phones[0]
