import re
import unicodedata

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page
from wagtail.search.query import PlainText

from home.links import absolute_url
from home.models import paginate
from home.sitemaps import BaseUrlSitemap

SEARCH_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
# More words than anyone types: each one is a term the database must match.
MAX_QUERY_WORDS = 20
# Letters and digits only: punctuation is syntax for SQLite's FTS5 (quotes,
# parentheses, `*`, `-`, `^`, `:`) and for PostgreSQL's tsquery (`&`, `|`, `!`, `<->`).
WORD = re.compile(r"[^\W_]+")

# Wagtail's sitemap view, given our sitemap class (site/urls.py).
SITEMAPS = {"wagtail": BaseUrlSitemap}


def clean_query(raw: str) -> str:
    """The query as shown back: control and invisible format characters
    (NUL, ESC, bidirectional overrides, zero-width spaces) removed, spaces collapsed."""
    text = unicodedata.normalize("NFC", raw[: MAX_QUERY_LENGTH * 2])
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or not unicodedata.category(char).startswith("C")
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def search_terms(query: str) -> str:
    """The words of `query`, space-separated, for the search backend.

    Both database backends pass a term into their full-text syntax, so a stray
    quote or a NUL gave a 500. Words alone find what a visitor means:
    `"assemblée` finds what `assemblée` finds, and operators are plain words.
    """
    return " ".join(WORD.findall(query)[:MAX_QUERY_WORDS])


@require_GET
def search(request):
    """Full-text search over published, public pages only; any string gives a page."""
    query = clean_query(request.GET.get("q", ""))
    results = None
    if query:
        terms = search_terms(query)
        if terms:
            pages = Page.objects.live().public().exclude(depth__lte=1)
            found = pages.search(PlainText(terms, operator="and"))
        else:
            found = Page.objects.none()
        results = paginate(request, found, SEARCH_PER_PAGE)
        # One query per page type rather than one per result.
        ids = [page.pk for page in results.object_list]
        specific = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
        results.object_list = [specific[pk] for pk in ids if pk in specific]
    return render(request, "home/search.html", {"query": query, "results": results})


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /recherche/",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No database or context processors: this page must render when they fail.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
