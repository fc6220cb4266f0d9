"""The site's search backend: Wagtail's database backend, where "vélos" finds what
"vélo" finds on either database.

- PostgreSQL keeps its `french` full-text configuration, which stems most words
  ("assemblées", "ateliers", "chevaux") but leaves a plural after a vowel alone
  ("vélos", "jeux"): each query word is searched with its singular and plural forms
  (`word_forms`: "vélo" OR "vélos" OR "vélox"), each stemmed by PostgreSQL.
- SQLite's FTS5 only matches whole words: the title and body of every indexed object
  are stored as word stems (`french_stem`) and each query word is stemmed the same way
  before it reaches FTS5.

Autocomplete (the admin's choosers) keeps the words as typed, as before.

After switching an existing SQLite database to this backend, run
`manage.py update_index` once so that what was indexed before is stemmed too.

`french_stem` is a light stemmer in the spirit of Savoy's (University of Neuchâtel):
it folds case and accents, removes plural marks and common feminine and derived
endings, and never shortens a word below three letters. It is deliberately
conservative: it conflates a word's forms ("coopérative", "coopératifs"), not
different words of one family ("coopération" stays apart).
"""

import functools
import re
import unicodedata

from django.db import connection

# Words written as a single token: letters and digits (FTS5's unicode61 tokenizer
# splits on everything else, apostrophes and hyphens included).
WORD = re.compile(r"[^\W_]+")
# Plurals in -aux whose singular ends in -ail.
AUX_TO_AIL = {
    "baux": "bail",
    "coraux": "corail",
    "emaux": "email",
    "soupiraux": "soupirail",
    "travaux": "travail",
    "vantaux": "vantail",
    "vitraux": "vitrail",
}
# Feminine and agent endings, on the singular: the first that fits is replaced.
ENDINGS = [
    ("trice", "teu"),  # animatrice -> animateu(r)
    ("euse", "eu"),  # vendeuse, heureuse
    ("eur", "eu"),  # vendeur
    ("ement", ""),  # financement -> financ(er)
    ("ive", "if"),  # coopérative -> coopératif
    ("elle", "el"),  # culturelle -> culturel
    ("enne", "en"),  # jurassienne -> jurassien
    ("ere", "er"),  # boulangère -> boulanger
]
MIN_STEM = 3


def fold(word: str) -> str:
    """Lower case without accents: "Œuvrée" -> "oeuvree"."""
    word = word.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def french_stem(word: str) -> str:
    """The stem shared by a French word's forms: "vélos" and "vélo" give "velo"."""
    word = fold(word)
    if len(word) <= MIN_STEM or not word.isalpha():
        return word
    if word in AUX_TO_AIL:
        word = AUX_TO_AIL[word]
    elif word.endswith("aux") and not word.endswith("eaux") and len(word) > 4:
        word = word[:-3] + "al"  # chevaux -> cheval, locaux -> local
    elif word[-1] in "sx":
        word = word[:-1]  # vélos, bateaux -> bateau, jeux -> jeu
    for ending, replacement in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            word = word[: -len(ending)] + replacement
            break
    if word.endswith("er") and len(word) > 5:
        word = word[:-2]  # infinitives: financer, engager, atelier
    while word.endswith("e") and len(word) > 4:
        word = word[:-1]  # engagée, engagé -> engag
    return word


def word_forms(word: str) -> list[str]:
    """The word with its singular and plural forms, for a database that stems the rest:
    "vélo" -> vélo, vélos, vélox; "jeux" -> jeux, jeu."""
    if len(word) <= MIN_STEM or not word.isalpha():
        return [word]
    if word[-1] in "sxSX":
        return [word, word[:-1]]
    return [word, word + "s", word + "x"]


def stem_text(text: str) -> str:
    """Every word of `text` stemmed, space-separated."""
    return " ".join(french_stem(word) for word in WORD.findall(text or ""))


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks up in a backend module)
    """Wagtail's database backend for the current database, stemmed on SQLite."""
    from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend

    backend = DatabaseSearchBackend(params)
    if connection.vendor == "postgresql":
        return _french_postgres_backend_class()(params)
    if connection.vendor != "sqlite":
        return backend
    # Imported only on SQLite: the module reads the SQLite index models at import.
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    if not isinstance(backend, SQLiteSearchBackend):
        return backend  # no FTS5: Wagtail's fallback backend, which stems nothing
    return _french_sqlite_backend_class()(params)


@functools.cache
def _french_sqlite_backend_class():
    """The SQLite classes, built once (their modules exist only on SQLite)."""
    from modelsearch.backends.database.sqlite.sqlite import (
        IndexEntry,
        ObjectIndexer,
        SQLiteIndex,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
    )
    from modelsearch.query import Phrase, PlainText
    from modelsearch.utils import get_content_type_pk

    class StemmedObjectIndexer(ObjectIndexer):
        """Title and body as stems; autocomplete as typed."""

        @property
        def title(self):
            return stem_text(ObjectIndexer.title.func(self))

        @property
        def body(self):
            return stem_text(ObjectIndexer.body.func(self))

    class StemmedSQLiteIndex(SQLiteIndex):
        def add_items(self, model, objs):
            """modelsearch's `SQLiteIndex.add_items`, with the stemming indexer."""
            if not model.get_search_fields():
                return
            indexers = [StemmedObjectIndexer(obj, self.backend) for obj in objs]
            if not indexers:
                return
            content_type_pk = get_content_type_pk(model)
            data = {
                indexer.id: (indexer.title, indexer.autocomplete, indexer.body)
                for indexer in indexers
            }
            entries = self.entries.filter(content_type_id=content_type_pk)
            indexed_ids = frozenset(
                entries.filter(object_id__in=data.keys()).values_list("object_id", flat=True)
            )
            for object_id in indexed_ids:
                title, autocomplete, body = data[object_id]
                entries.filter(object_id=object_id).update(
                    title=title, autocomplete=autocomplete, body=body
                )
            self.entries.bulk_create(
                IndexEntry(
                    content_type_id=content_type_pk,
                    object_id=object_id,
                    title=title,
                    autocomplete=autocomplete,
                    body=body,
                )
                for object_id, (title, autocomplete, body) in data.items()
                if object_id not in indexed_ids
            )
            self._refresh_title_norms()

    class StemmedSearchQueryCompiler(SQLiteSearchQueryCompiler):
        """Query words stemmed as the index is (autocomplete has its own compiler)."""

        def build_search_query_content(self, query, config=None):
            if isinstance(query, PlainText):
                query = PlainText(
                    " ".join(french_stem(term) for term in query.query_string.split()),
                    operator=query.operator,
                    boost=query.boost,
                )
            elif isinstance(query, Phrase):
                query = Phrase(stem_text(query.query_string))
            return super().build_search_query_content(query, config=config)

    class FrenchSQLiteSearchBackend(SQLiteSearchBackend):
        index_class = StemmedSQLiteIndex
        query_compiler_class = StemmedSearchQueryCompiler

    return FrenchSQLiteSearchBackend


@functools.cache
def _french_postgres_backend_class():
    """PostgreSQL's backend, its French configuration kept; each query word searched with
    its singular and plural forms."""
    from modelsearch.backends.database.postgres.postgres import (
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )
    from modelsearch.query import And, Or, PlainText

    class WordForm(PlainText):
        """One form of a query word, searched as it is."""

    class FormsSearchQueryCompiler(PostgresSearchQueryCompiler):
        def build_tsquery_content(self, query, config=None, invert=False):
            if (
                isinstance(query, PlainText)
                and not isinstance(query, WordForm)
                and query.query_string.split()
            ):
                groups = [
                    Or([WordForm(form) for form in word_forms(term)])
                    for term in query.query_string.split()
                ]
                combine = And if query.operator.lower() == "and" else Or
                query = groups[0] if len(groups) == 1 else combine(groups)
            return super().build_tsquery_content(query, config=config, invert=invert)

    class FrenchPostgresSearchBackend(PostgresSearchBackend):
        query_compiler_class = FormsSearchQueryCompiler

    return FrenchPostgresSearchBackend
