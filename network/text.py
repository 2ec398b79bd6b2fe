"""Text folding shared by sorting and search.

French readers type "mediatheque" as often as "médiathèque". SQLite's full-text index folds accents by
itself, PostgreSQL's "french" configuration does not (it would need the `unaccent` extension, which a
hosted database may refuse), so the search index also receives an accent-free copy of the words people
look for, and queries are folded the same way before they are sent.
"""

import unicodedata


def fold_accents(text: str) -> str:
    """Fold « Écrivain Public » into « ecrivain public »: accents dropped, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
