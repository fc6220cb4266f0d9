"""Search finds a word's other forms: "vélos" finds what "vélo" finds.

PostgreSQL stems with its `french` configuration, each query word searched with its
singular and plural forms; SQLite (the default database) with home.search_backend's
light French stemmer, applied to the index and to the query. These tests run on both
(DATABASE_URL=postgres://… for PostgreSQL).
"""

import html as html_lib
import re

import pytest
from django.db import connection
from wagtail.search.backends import get_search_backend

from home.models import NewsIndexPage, NewsPage
from home.search_backend import french_stem, stem_text, word_forms

# Forms of one word that must meet, whatever the database.
SAME_WORD = [
    ("vélo", "vélos"),
    ("atelier", "ateliers"),
    ("coopérative", "coopératives"),
    ("coopérative", "coopératif"),
    ("assemblée", "assemblées"),
    ("général", "généraux"),
    ("générale", "général"),
    ("cheval", "chevaux"),
    ("travail", "travaux"),
    ("bateau", "bateaux"),
    ("jeu", "jeux"),
    ("idée", "idées"),
    ("animatrice", "animateurs"),
    ("vendeuse", "vendeur"),
    ("culturelle", "culturels"),
    ("jurassienne", "jurassien"),
    ("boulangère", "boulanger"),
    ("engagée", "engagés"),
    ("financer", "financement"),
    ("Énergie", "énergies"),
    ("œuvre", "oeuvres"),
]


@pytest.mark.parametrize(("one", "other"), SAME_WORD)
def test_forms_of_a_word_share_their_stem(one, other):
    assert french_stem(one) == french_stem(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("vélo", "velours"), ("mer", "mère"), ("coopérative", "coopération"), ("rive", "rif")],
)
def test_different_words_keep_different_stems(one, other):
    assert french_stem(one) != french_stem(other)


@pytest.mark.parametrize("word", ["des", "les", "bus", "2026", "a1", "x"])
def test_short_words_and_numbers_are_only_folded(word):
    assert french_stem(word) == word.lower()


def test_stem_text_splits_on_apostrophes_hyphens_and_punctuation():
    assert stem_text("L'atelier vélo-école : 12 vélos !") == "l ateli velo ecol 12 velo"
    assert stem_text("") == ""


def text_of(response) -> str:
    return html_lib.unescape(response.content.decode())


def found_titles(client, query: str) -> set[str]:
    """The titles listed on every page of the results for `query`."""
    titles, page = set(), 1
    while True:
        response = client.get("/recherche/", {"q": query, "page": page})
        assert response.status_code == 200
        results = response.context["results"]
        titles |= {result.title for result in results.object_list}
        if not results.has_next():
            return titles
        page += 1


@pytest.fixture
def bicycle_news(demo_site):
    """Two articles: one with "vélo" only, the other with "vélos" only."""
    index = NewsIndexPage.objects.get()
    for slug, title, intro in [
        ("velo-singulier", "Réparer son vélo soi-même", "Un atelier de réparation à Dole."),
        ("velos-pluriel", "Des vélos pour les apprentis", "Trente vélos remis en état."),
    ]:
        page = NewsPage(title=title, slug=slug, intro=intro)
        index.add_child(instance=page)
        page.save_revision().publish()
    return index


@pytest.mark.django_db
def test_the_plural_finds_what_the_singular_finds_and_back(client, bicycle_news):
    singular = found_titles(client, "vélo")
    plural = found_titles(client, "vélos")
    assert {"Réparer son vélo soi-même", "Des vélos pour les apprentis"} <= singular
    assert singular == plural


@pytest.mark.django_db
def test_stemming_keeps_every_word_of_the_query_required(client, bicycle_news):
    """Both words of "vélos Dole" are needed: only the article that speaks of Dole."""
    assert found_titles(client, "vélos Dole") == {"Réparer son vélo soi-même"}
    assert found_titles(client, "vélo apprentis") == {"Des vélos pour les apprentis"}


@pytest.mark.django_db
def test_on_the_demo_site_velo_and_velos_find_the_same_pages(client, demo_site):
    """What the issue saw: "vélo" and "vélos" found different pages on the default
    database. The demo's mobility workshop and call both speak of "vélos"."""
    singular = found_titles(client, "vélo")
    assert {
        "Mobilités du Haut-Jura : partager la route",
        "Se déplacer autrement dans le Haut-Jura",
    } <= singular
    assert found_titles(client, "vélos") == singular
    assert found_titles(client, "Vélos") == singular


@pytest.mark.django_db
def test_each_database_keeps_its_own_french_search():
    backend = get_search_backend()
    if connection.vendor == "postgresql":
        # PostgreSQL's own French configuration, kept.
        assert type(backend).__name__ == "FrenchPostgresSearchBackend"
        assert backend.config == "french"
    else:
        assert type(backend).__name__ == "FrenchSQLiteSearchBackend"


@pytest.mark.django_db
def test_the_sqlite_index_stores_stems_and_autocomplete_keeps_words(bicycle_news):
    """On SQLite the title and body are stored as stems; on PostgreSQL, as its own
    French tsvector (checked above through the results)."""
    if connection.vendor != "sqlite":
        assert type(get_search_backend()).__name__ == "FrenchPostgresSearchBackend"
        return
    from wagtail.search.models import IndexEntry

    page = NewsPage.objects.get(slug="velos-pluriel")
    entry = IndexEntry.objects.get(object_id=str(page.pk), content_type__model="newspage")
    assert re.search(r"\bvelo\b", entry.title) and "vélos" not in entry.title
    assert "vélos" in entry.autocomplete


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("vélo", ["vélo", "vélos", "vélox"]),
        ("vélos", ["vélos", "vélo"]),
        ("jeux", ["jeux", "jeu"]),
        ("des", ["des"]),
        ("2026", ["2026"]),
    ],
)
def test_postgresql_searches_each_word_with_its_singular_and_plural(word, forms):
    """PostgreSQL's French stemmer keeps "vélos" and "jeux" apart from their singular."""
    assert word_forms(word) == forms
