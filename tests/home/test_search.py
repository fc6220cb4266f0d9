"""The site search takes any string, and its pagination keeps the query as typed.

These tests run on SQLite (the default) and on PostgreSQL (DATABASE_URL): each
database's full-text backend has its own syntax, and neither may turn a visitor's
stray quote or operator into a server error.
"""

import html as html_lib
import re
import unicodedata

import pytest

from home.models import NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db

ARTICLE_TITLE = "Assemblée générale : le Clus'Ter Jura crée un fonds d'impulsion"

# Strings that are syntax for SQLite's FTS5 or PostgreSQL's tsquery, control
# characters, and a query far longer than the search box allows.
ODD_QUERIES = [
    '"',
    '""',
    '"assemblée',
    "'",
    "\x00",
    "assemblée\x00générale",
    "*",
    "(",
    ")",
    "()",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(",
    "-",
    "+",
    "^",
    ":",
    "title:assemblée",
    "a:",
    "!",
    "&",
    "|",
    "<->",
    "\\",
    "%",
    "_",
    "{}",
    "[",
    "assemblée OR",
    "AND assemblée",
    "assemblée AND (",
    "assemblée*",
    "jura:*",
    "\t\n\r",
    "\x1b[31m",
    "\u202e",
    "\u200b",
    "😀",
    "x" * 1000,
    "assemblée " * 100,
    '"' * 1000,
]


def text_of(response) -> str:
    """The page as a reader sees it: HTML entities decoded."""
    return html_lib.unescape(response.content.decode())


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_give_a_results_page_never_an_error(client, demo_site, query):
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 200
    text = text_of(response)
    assert '<input type="search" id="q" name="q"' in text
    if any(not char.isspace() and unicodedata.category(char)[0] != "C" for char in query):
        # Something visible was typed: results, or the French "no result" message.
        assert re.search(r"(Aucun résultat|\d+ résultats?) pour «", text)
    else:
        # Only invisible characters (NUL, bidi override, zero-width space, blanks):
        # the search form again, as if nothing had been typed.
        assert "pour «" not in text


def test_nul_byte_in_the_address_is_not_an_error(client, demo_site):
    """`?q=%00` as a robot types it, straight in the address."""
    response = client.get("/recherche/?q=%00")
    assert response.status_code == 200
    response = client.get("/recherche/?q=assembl%C3%A9e%00")
    assert response.status_code == 200
    assert ARTICLE_TITLE in text_of(response)


def test_a_stray_quote_still_finds_the_words_around_it(client, demo_site):
    """Punctuation is not syntax: `"assemblée` finds what `assemblée` finds."""
    text = text_of(client.get("/recherche/", {"q": '"assemblée'}))
    assert ARTICLE_TITLE in text
    text = text_of(client.get("/recherche/", {"q": '(assemblée) "générale*'}))
    assert ARTICLE_TITLE in text


def test_a_query_with_only_punctuation_says_no_result_in_french(client, demo_site):
    text = text_of(client.get("/recherche/", {"q": '"'}))
    assert "Aucun résultat" in text


def test_control_characters_are_not_echoed_back(client, demo_site):
    response = client.get("/recherche/", {"q": "jura\x1b[31m\x00"})
    assert response.status_code == 200
    assert "\x1b" not in response.content.decode()
    assert "\x00" not in response.content.decode()


def test_search_still_shows_only_live_public_pages(client, demo_site):
    index = NewsIndexPage.objects.get()
    index.add_child(
        instance=NewsPage(title="Zygomorphe en brouillon", slug="zygo", intro="x", live=False)
    )
    text = text_of(client.get("/recherche/", {"q": '"zygomorphe'}))
    assert "Zygomorphe en brouillon" not in text
    assert "Aucun résultat" in text


@pytest.fixture
def many_news(demo_site):
    """Twelve published articles whose title holds `velo+` and `é&x=1`, tagged `atelier`."""
    index = NewsIndexPage.objects.get()
    for number in range(12):
        page = NewsPage(
            title=f"Atelier velo+ é&x=1 numéro {number}", slug=f"velo-{number}", intro="…"
        )
        index.add_child(instance=page)
        page.tags.add("atelier")
        page.save_revision().publish()
    return index


def next_page_link(html: str) -> str:
    """The address behind "Page suivante", as the browser will follow it."""
    match = re.search(r'<a href="([^"]*)" rel="next">Page suivante</a>', html)
    assert match, "no link to the next page"
    return html_lib.unescape(match.group(1))


@pytest.mark.parametrize("query", ["velo+", "é&x=1"])
def test_search_pagination_keeps_the_query_as_typed(client, many_news, query):
    first = client.get("/recherche/", {"q": query})
    link = next_page_link(first.content.decode())
    second = client.get("/recherche/" + link)
    assert second.status_code == 200
    assert second.context["query"] == query
    text = text_of(second)
    assert f"pour « {query} »" in text
    assert "Page 2 sur 2" in text
    # No stray parameter was made out of the query (`&x=1` stays inside q).
    assert "x" not in second.wsgi_request.GET


def test_search_pagination_keeps_other_parameters_and_replaces_the_page(client, many_news):
    first = client.get("/recherche/", {"q": "velo+", "page": "1"})
    link = next_page_link(first.content.decode())
    assert link.count("page=") == 1
    second = client.get("/recherche/" + link)
    previous = re.search(r'<a href="([^"]*)" rel="prev">', second.content.decode())
    assert previous
    third = client.get("/recherche/" + html_lib.unescape(previous.group(1)))
    assert third.context["query"] == "velo+"
    assert "Page 1 sur 2" in text_of(third)


def test_news_pagination_keeps_the_tag(client, many_news):
    first = client.get("/actualites/", {"tag": "atelier"})
    text = text_of(first)
    assert "Page 1 sur 2" in text
    link = next_page_link(first.content.decode())
    second = client.get("/actualites/" + link)
    text = text_of(second)
    assert "Page 2 sur 2" in text
    assert "— atelier" in text
    # Only tagged articles: the demo's untagged articles stay out of the filtered pages.
    assert ARTICLE_TITLE not in text
