"""The search indexes of structures: the directory's own full-text column, and Wagtail's index deferred while
a batch of structures is written (an import).

The directory (/structures/?q=) searches a `tsvector` column of its own on PostgreSQL (`search_vector`,
GIN-indexed), written by the database after each save of a structure (`StructurePage.save`,
`write_search_vectors`): Wagtail's generic index joins a separate table and ranks on a concatenation that no
index serves, too slow at national scale. Its words are folded in Python before the database turns them
into lexemes (`search_texts`), like the queries (`search_query`): PostgreSQL's "french" configuration keeps
accents, and the `unaccent` extension may be refused by a hosted database (see `network.text`). SQLite has
no such column type: there, the directory keeps Wagtail's index (`has_search_vector`).

Wagtail's search index is written after every save of an indexed page, one structure at a time; on
PostgreSQL each write also recomputes an average over the whole index, so an import of thousands of places
would pay a full scan per place. Inside `search_index_deferred()` a structure's save leaves both indexes
alone (`StructurePage.get_indexed_instance` answers None, `save` writes no vector), and the workflow that
opened it indexes the batch once, with the backends' bulk `add_bulk` (what `manage.py update_index` uses)
and `write_search_vectors`. Like Wagtail's own `disable_reference_index_auto_update`, the switch is per
thread and per task: concurrent requests still index their saves.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce
from operator import add

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connections
from django.db.models import Case, Value, When

from . import enums
from .text import fold_accents

# PostgreSQL's text-search configuration: French stemming (« médiathèques » finds « médiathèque ») and stop
# words, the configuration Wagtail's backend is given too (`WAGTAILSEARCH_BACKENDS`).
SEARCH_CONFIG = "french"
# The fields the search vector is made of: a save that writes none of them leaves the vector as it is.
SEARCHED_FIELDS = frozenset(
    {
        "title",
        "commune",
        "presentation_resume",
        "presentation_detail",
        "services",
        "publics_specifiquement_adresses",
        "prise_en_charge_specifique",
        "dispositif_programmes_nationaux",
        "labels_regionaux",
        "typologie",
    }
)

_deferred = ContextVar("maillage_structure_search_index_deferred", default=False)


@contextmanager
def search_index_deferred():
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def is_search_index_deferred() -> bool:
    return _deferred.get()


def has_search_vector(using: str) -> bool:
    """Whether the database `using` keeps the directory's own search column (PostgreSQL only)."""
    return connections[using].vendor == "postgresql"


def keyword_words(structure) -> str:
    """The words a person may type that are not in the name: services, publics, labels, types (folded)."""
    labels = dict(enums.Typologie.choices)
    words = [
        *structure.services,
        *structure.publics_specifiquement_adresses,
        *structure.prise_en_charge_specifique,
        *structure.dispositif_programmes_nationaux,
        *structure.labels_regionaux,
        *(str(labels.get(code, code)) for code in structure.typologie),
    ]
    return fold_accents(" ".join(words))


def search_texts(structure) -> dict[str, str]:
    """{weight: folded text} of a structure's search vector, weightiest first, as Wagtail's boosts ranked
    them: its name and commune (A), what it offers and to whom (B), its short (C) and long (D) presentation.

    Reads attributes only, so that a migration's historical model can use it too."""
    return {
        "A": fold_accents(f"{structure.title} {structure.commune}"),
        "B": keyword_words(structure),
        "C": fold_accents(structure.presentation_resume),
        "D": fold_accents(structure.presentation_detail),
    }


def search_vector(structure) -> SearchVector:
    """The database expression of a structure's search vector: its texts become lexemes in PostgreSQL."""
    vectors = [
        SearchVector(Value(text), weight=weight, config=SEARCH_CONFIG)
        for weight, text in search_texts(structure).items()
    ]
    return reduce(add, vectors)


# Rows whose vectors one UPDATE writes (a CASE of this many branches, four parameters each).
VECTOR_BATCH = 500


def write_search_vectors(queryset, structures) -> None:
    """Have the database compute the search vectors of `structures` (saved instances), through `queryset`
    (the model's manager, or a migration's historical one), one UPDATE per `VECTOR_BATCH`. A no-op where the
    database keeps no search column (`has_search_vector`).

    The instances are left as they are: the field keeps, in memory and in revisions, only what was read,
    never an expression."""
    if not has_search_vector(queryset.db):
        return
    batch = []
    for structure in structures:
        batch.append(structure)
        if len(batch) == VECTOR_BATCH:
            _write_vectors(queryset, batch)
            batch = []
    if batch:
        _write_vectors(queryset, batch)


def _write_vectors(queryset, batch) -> None:
    vectors = Case(
        *(When(pk=structure.pk, then=search_vector(structure)) for structure in batch),
        output_field=SearchVectorField(),
    )
    queryset.filter(pk__in=[structure.pk for structure in batch]).update(search_vector=vectors)


def search_query(terms: str) -> SearchQuery:
    """Every word of `terms` (accents and case ignored, French stems), never read as query syntax."""
    return SearchQuery(fold_accents(terms), config=SEARCH_CONFIG, search_type="plain")
