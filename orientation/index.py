"""The search index: what each place and each atelier offers, as words and facts, built in a fixed number of
queries and kept in the cache.

Why an index in the cache rather than full-text search in the database: the issue asks for the same
forgiving matching on SQLite and PostgreSQL (« French full-text configuration plus trigram or an
equivalent »). PostgreSQL's `french` configuration needs `unaccent` and `pg_trgm` for accents and
misspellings, SQLite has neither; a territory has a few hundred places and ateliers, whose words fit in a few
hundred kilobytes. So the index is built in Python from 5 queries (needs, view restrictions, places, their
stops, ateliers with sessions ahead), whatever the size of the territory, stored in Django's cache (Redis
in production) and read back in one cache call. It is dropped when a place is published, unpublished,
moved or deleted, when an atelier or a need is saved or deleted, and when a calendar import has written
ateliers in bulk (`orientation.signals`); it expires after `INDEX_TIMEOUT` seconds anyway, for what changes
without any of those (a session passing, bulk writes of other apps).
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

from events import enums as event_enums
from events.models import Atelier
from network import enums
from network.models import ItinerantStop, StructurePage
from network.templatetags.network_tags import phone_fr

from .models import Need
from .words import Vocabulary, text_words, tokens

CACHE_KEY = "orientation:index:v1"
INDEX_TIMEOUT = 5 * 60
EVENING_MINUTE = 18 * 60
SATURDAY = 5

# How much a word says about a place, by where it is written: its offer (services, publics, ateliers) says
# more than its name, which alone must never make a place fit (« Maison des Expressions » is no answer).
PLACE_FIELD_WEIGHTS = (
    ("services", 2.0),
    ("ateliers", 1.5),
    ("presentation", 1.0),
    ("equipment", 1.0),
    ("labels", 1.0),
    ("publics", 1.0),
    ("title", 0.4),
)
ATELIER_FIELD_WEIGHTS = (("title", 2.0), ("themes", 1.5), ("summary", 1.0), ("publics", 1.0))


@dataclass
class NeedEntry:
    pk: int
    slug: str
    label: str
    reason_label: str
    services: frozenset[str]
    publics: frozenset[str]
    equipment: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]  # each keyword as its words, stop words kept (« pas cher »)
    content_phrases: tuple[tuple[str, ...], ...]  # the same without stop words, to find them in a text


@dataclass
class PlaceEntry:
    pk: int
    bassin_id: int
    title: str
    commune: str
    latitude: float | None
    longitude: float | None
    stops: tuple[tuple[float, float, str], ...]
    services: frozenset[str]
    publics: frozenset[str]
    supports: frozenset[str]
    fees: frozenset[str]
    itinerant: bool
    remote: bool
    evening: bool
    saturday: bool
    wheelchair: bool
    equipment: frozenset[str]
    phones: tuple[str, ...] = ()
    words: dict[str, float] = field(default_factory=dict)  # word -> weight of the best field it is in
    atelier_titles: dict[str, str] = field(default_factory=dict)  # word -> an atelier title holding it


@dataclass
class AtelierEntry:
    pk: int
    structure_id: int
    bassin_id: int
    title: str
    themes: frozenset[str]
    publics: frozenset[str]
    supports: frozenset[str]
    free: bool
    wheelchair: bool
    remote: bool
    public: bool
    words: dict[str, float] = field(default_factory=dict)


@dataclass
class SearchIndex:
    needs: list[NeedEntry]
    places: dict[int, PlaceEntry]
    ateliers: dict[int, AtelierEntry]
    place_frequency: dict[str, int]  # word -> number of places holding it
    atelier_frequency: dict[str, int]
    vocabulary: Vocabulary

    def need(self, slug: str) -> NeedEntry | None:
        return next((need for need in self.needs if need.slug == slug), None)


def _add_words(words: dict[str, float], text: str, weight: float) -> None:
    for word in text_words(text):
        if words.get(word, 0.0) < weight:
            words[word] = weight


def _need_entry(need: Need) -> NeedEntry:
    phrases, content_phrases = [], []
    for keyword in need.keyword_list():
        phrase = tuple(tokens(keyword))
        content = tuple(word for word in phrase if word in text_words(keyword))
        if phrase and phrase not in phrases:
            phrases.append(phrase)
        if content and content not in content_phrases:
            content_phrases.append(content)
    return NeedEntry(
        pk=need.pk,
        slug=need.slug,
        label=need.label,
        reason_label=need.reason_label,
        services=frozenset(need.services),
        publics=frozenset(need.publics),
        equipment=frozenset(need.equipment),
        phrases=tuple(phrases),
        content_phrases=tuple(content_phrases),
    )


def _typology_words(structure) -> str:
    labels = dict(enums.Typologie.choices)
    return " ".join(str(labels.get(code, code)) for code in structure.typologie)


def _place_entry(structure, stops) -> PlaceEntry:
    hours = structure.opening_hours
    equipment = set()
    if structure.has_printer:
        equipment.add("imprimante")
    if structure.has_free_wifi:
        equipment.add("wifi")
    if (structure.computers or 0) + (structure.laptops or 0) > 0:
        equipment.add("ordinateurs")
    texts = {
        "services": " ".join(structure.services),
        "presentation": f"{structure.presentation_resume} {structure.presentation_detail}",
        "equipment": structure.equipment_note,
        "labels": " ".join(
            [
                _typology_words(structure),
                *structure.dispositif_programmes_nationaux,
                *structure.labels_regionaux,
                *structure.formations_labels,
                structure.autres_formations_labels,
                *structure.modalites_accompagnement,
            ]
        ),
        "publics": " ".join(structure.publics_specifiquement_adresses + structure.prise_en_charge_specifique),
        "title": structure.title,
    }
    words: dict[str, float] = {}
    for name, weight in PLACE_FIELD_WEIGHTS:
        if name in texts:
            _add_words(words, texts[name], weight)
    supports = frozenset(structure.prise_en_charge_specifique)
    return PlaceEntry(
        pk=structure.pk,
        bassin_id=structure.bassin_id,
        title=structure.title,
        commune=structure.commune,
        latitude=structure.latitude,
        longitude=structure.longitude,
        stops=tuple(stops),
        services=frozenset(structure.services),
        publics=frozenset(structure.publics_specifiquement_adresses),
        supports=supports,
        fees=frozenset(structure.frais_a_charge),
        itinerant=structure.is_itinerant or bool(stops),
        remote=enums.ModaliteAccompagnement.A_DISTANCE in structure.modalites_accompagnement,
        evening=hours.known and hours.opens_after(EVENING_MINUTE),
        saturday=hours.known and bool(hours.days[SATURDAY]),
        wheelchair=enums.PriseEnCharge.HANDICAPS_MOTEURS in supports or bool(structure.fiche_acces_libre),
        equipment=frozenset(equipment),
        phones=tuple(phone_fr(number) for number in structure.telephone),
        words=words,
    )


def _atelier_entry(atelier) -> AtelierEntry:
    words: dict[str, float] = {}
    texts = {
        "title": atelier.title,
        "themes": " ".join(atelier.themes),
        "summary": atelier.summary,
        "publics": " ".join(atelier.publics),
    }
    for name, weight in ATELIER_FIELD_WEIGHTS:
        _add_words(words, texts[name], weight)
    return AtelierEntry(
        pk=atelier.pk,
        structure_id=atelier.structure_id,
        bassin_id=atelier.structure.bassin_id,
        title=atelier.title,
        themes=frozenset(atelier.themes),
        publics=frozenset(atelier.publics),
        supports=frozenset(atelier.accessibility),
        free=atelier.is_free,
        wheelchair=atelier.wheelchair_accessible
        or enums.PriseEnCharge.HANDICAPS_MOTEURS in atelier.accessibility,
        remote=atelier.format != event_enums.Format.ON_SITE,
        public=atelier.visibility == event_enums.Visibility.PUBLIC
        and atelier.kind == event_enums.Kind.ATELIER,
        words=words,
    )


def build_index() -> SearchIndex:
    """Read the lexicon, the places that receive the public and the ateliers with sessions ahead.

    Five queries whatever the numbers: needs, view restrictions (`public()`), places, stops, ateliers."""
    needs = [_need_entry(need) for need in Need.objects.order_by("sort_order", "label")]
    structures = list(
        StructurePage.objects.live()
        .public()
        .receiving_public()
        .filter(status=enums.StructureStatus.ACTIVE)
        .defer("referral_contact", "intake_capacity")
    )
    stops: dict[int, list] = {}
    for stop in ItinerantStop.objects.filter(page__in=[structure.pk for structure in structures]).exclude(
        latitude=None
    ):
        stops.setdefault(stop.page_id, []).append((stop.latitude, stop.longitude, stop.commune))
    places = {structure.pk: _place_entry(structure, stops.get(structure.pk, [])) for structure in structures}

    ateliers = {}
    today = timezone.localdate()
    queryset = (
        Atelier.objects.for_members()
        .filter(structure__in=list(places), last_session_date__gte=today)
        .select_related("structure")
        .only(
            "pk",
            "title",
            "summary",
            "themes",
            "publics",
            "accessibility",
            "price",
            "wheelchair_accessible",
            "format",
            "visibility",
            "kind",
            "start_time",
            "structure__bassin_id",
            "structure_id",
        )
    )
    for atelier in queryset:
        entry = _atelier_entry(atelier)
        ateliers[entry.pk] = entry
        place = places[entry.structure_id]
        _add_words(place.words, f"{atelier.title} {atelier.summary}", dict(PLACE_FIELD_WEIGHTS)["ateliers"])
        if entry.public:
            for word in text_words(atelier.title):
                place.atelier_titles.setdefault(word, atelier.title)
            # A place whose public ateliers start after 18 h is somewhere to go in the evening.
            place.evening = place.evening or atelier.start_time.hour >= event_enums.EVENING_HOUR

    # Where a place is says nothing of what it offers: distance is measured, not matched (« Cher » is no
    # price, « Blanc » no colour).
    geography = {word for structure in structures for word in text_words(structure.commune)}
    geography |= {word for label in enums.Departement.values for word in text_words(label)}
    for entry in (*places.values(), *ateliers.values()):
        for word in geography & entry.words.keys():
            del entry.words[word]

    place_frequency: dict[str, int] = {}
    for place in places.values():
        for word in place.words:
            place_frequency[word] = place_frequency.get(word, 0) + 1
    atelier_frequency: dict[str, int] = {}
    for atelier in ateliers.values():
        for word in atelier.words:
            atelier_frequency[word] = atelier_frequency.get(word, 0) + 1
    vocabulary_words = set(place_frequency) | set(atelier_frequency)
    for need in needs:
        for phrase in need.content_phrases:
            vocabulary_words.update(phrase)
    return SearchIndex(
        needs=needs,
        places=places,
        ateliers=ateliers,
        place_frequency=place_frequency,
        atelier_frequency=atelier_frequency,
        vocabulary=Vocabulary(vocabulary_words),
    )


def get_index() -> SearchIndex:
    """The index from the cache, built and stored when missing. The key holds today's date: ateliers whose
    last session is past leave the index the next day."""
    key = f"{CACHE_KEY}:{timezone.localdate().isoformat()}"
    index = cache.get(key)
    if index is None:
        index = build_index()
        cache.set(key, index, INDEX_TIMEOUT)
    return index


def forget_index() -> None:
    """Drop the cached index (today's): the next search rebuilds it."""
    cache.delete(f"{CACHE_KEY}:{timezone.localdate().isoformat()}")
