import logging
import re
import secrets
import sys
import unicodedata
from functools import partial

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe
from wagtail.models import Page
from wagtail.search.query import PlainText

from home.links import absolute_url
from home.models import paginate
from home.sitemaps import BaseUrlSitemap

logger = logging.getLogger(__name__)

SEARCH_PER_PAGE = 10
# What the 503 page asks clients (and crawlers) to wait before trying again.
RETRY_AFTER_SECONDS = 60
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
    # Searched only when the template renders the results: a cached part does not.
    results = SimpleLazyObject(partial(search_results, request, query)) if query else None
    return render(request, "home/search.html", {"query": query, "results": results})


def search_results(request, query: str):
    """The page of results for `query` (?page=), live public pages in their specific form."""
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
    return results


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
    """Django's handler500, called while the exception is being handled.

    A database that cannot be reached (down, restarting, unreachable) is an outage,
    not a bug: the visitor gets the French 503 page with Retry-After, and the next
    request reconnects by itself (CONN_HEALTH_CHECKS). Nothing was written: the
    failed query's transaction never committed. No database or context processors
    here: these pages must render when they fail.
    """
    from django.template import loader

    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def database_unavailable(error: BaseException | None) -> bool:
    """True for a lost or refused database connection, whatever layer raised it: Django
    wraps the driver's OperationalError (refused, closed, timed out, SQLite's lock
    timeout) and InterfaceError (a connection already closed). Errors in the SQL itself
    (ProgrammingError, IntegrityError) remain bugs: a 500."""
    return isinstance(error, OperationalError | InterfaceError)


@never_cache
@require_safe
def health(request):
    """For the load balancer and the supervisor: can this app server reach the database
    and the cache? 200 when both answer, 503 otherwise; never cached, no detail of the
    failure (it is logged)."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "indisponible",
            **{name: "ok" if fine else "indisponible" for name, fine in checks.items()},
        },
        status=200 if healthy else 503,
    )


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Health check: the database does not answer.", exc_info=True)
        return False


def _cache_answers() -> bool:
    key, token = "health-check", secrets.token_hex(8)
    try:
        cache.set(key, token, timeout=30)
        return cache.get(key) == token
    except Exception:  # Redis down, refused, timed out: any client error
        logger.warning("Health check: the cache does not answer.", exc_info=True)
        return False
