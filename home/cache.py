"""The full-page cache of public pages, and the fragments every page shows.

An anonymous visitor asking for a public page gets it from the cache, without a
database query: `PageCacheMiddleware` sits right after WhiteNoise, before sessions,
authentication and the page tree. What it stores is decided on the way out, and
only when nothing in the request or the response says the page could differ from
one visitor to the next:

- only GET and HEAD, outside the private paths (settings.PAGE_CACHE_EXCLUDED_PATHS:
  the admin, /compte/, /dons/, /extranet/, documents...);
- never for a request that carries a session cookie (a logged-in visitor, or an
  anonymous one whose session holds something, such as a just-made registration):
  telling who is logged in would cost a database query, so such a request is
  neither served from the cache nor stored; logging out deletes the cookie;
- only a 200 answer without Set-Cookie (so never a page with a CSRF token: Django
  sends its cookie with every form), no CSP nonce, no `private`, `no-store` or
  `no-cache`, and no Vary other than Cookie (the key already says "no session")
  and Accept-Encoding/Accept-Language.

Entries are keyed by host, scheme, path and the query string in a fixed order
(tracking parameters dropped), and carry the site's cache version: one number for
the whole site, replaced when anything a public page shows changes (a page
published, unpublished, moved, deleted or made private, site settings, snippets,
images, and the figures apps compute: an idea received, a registration, a gift
confirmed). `invalidate()` replaces it at once and again when the transaction
commits, so a page rendered from data being replaced is stored under the old
version and never served. Entries also expire after PAGE_CACHE_SECONDS, at the
next local midnight (calls and workshops change state by date), or earlier when
a view says so (`expires_by`).

The menu, footer and organisation details are cached as fragments under the same
version, for every visitor, logged in or not; so are the figures apps compute over
their records (home.figures), so that a page's cost does not grow with them. Wagtail's
routing of a path to its page is cached too (`process_view`), for pages under no view
restriction: the page is then read in one query instead of one per level of the path
plus the site, its root, and the check of the view restrictions.

The cache lives in CACHES["pages"]: Redis when REDIS_URL is set (shared by every
app server), else files on the local disk (shared by the workers of one machine,
so that a page published through one worker is fresh in the others).
"""

import contextvars
import datetime
import hashlib
import logging
import pickle
import secrets
import time
from collections.abc import Callable, Iterable
from functools import partial
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import parse_etags, quote_etag

logger = logging.getLogger(__name__)

# The layout of what is stored: a release that changes it changes this number, so that
# it never reads what an older release wrote.
FORMAT = 2
VERSION_KEY = "page-cache:version"
ENTRY_KEY = f"page-cache:{FORMAT}:page:%s"
ROUTE_KEY = f"page-cache:{FORMAT}:route:%s"
FRAGMENT_KEY = f"page-cache:{FORMAT}:fragment:%s:%s"
FRAGMENT_SECONDS = 3600
ROUTE_SECONDS = 3600
# The request being answered, for code that is not given it (figures, model methods):
# its cache version is read once per request.
_current_request: contextvars.ContextVar = contextvars.ContextVar("page_cache_request")
# Fragments and routes also kept in this process's memory, under the version they were
# read with: the version is read from the shared cache at each request, so a memory
# copy is dropped as soon as anything changes, on whichever server. Read from the
# shared cache, a copy is kept at most MEMORY_SECONDS (its own time may be nearly up).
MEMORY_SECONDS = 60
MEMORY_MAX = 1000
_MISSING = object()
_memory: dict[str, tuple[float, object]] = {}
_memory_version: list = [None]
# Query parameters that only say where a visitor came from: the page is the same.
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")
TRACKING_NAMES = frozenset({"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"})
# A response may vary on these and still be stored: the key holds "no session cookie",
# and the site has one language and no negotiated encoding.
STORABLE_VARY = frozenset({"cookie", "accept-encoding", "accept-language"})
PRIVATE_CACHE_CONTROL = ("private", "no-store", "no-cache", "max-age=0")
# Headers of the stored answer that belong to one response only.
UNSTORED_HEADERS = frozenset({"x-cache", "date", "set-cookie"})


def store():
    return caches[settings.PAGE_CACHE_ALIAS]


def is_enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def fragments_enabled() -> bool:
    return settings.PAGE_CACHE_FRAGMENTS


# --- the version ---------------------------------------------------------------------


def _new_version() -> str:
    return secrets.token_hex(8)


def current_version(request: HttpRequest | None = None) -> str:
    """The site's cache version, read once per request.

    Raises when the cache cannot be reached (and marks the request, so that its
    fragments are built without asking the cache again).
    """
    if request is None:
        request = _current_request.get(None)
    version = getattr(request, "_page_cache_version", None)
    if version is None:
        try:
            cache = store()
            version = cache.get(VERSION_KEY)
            if version is None:
                # First use, or the version was evicted: what was stored before is stale.
                cache.add(VERSION_KEY, _new_version(), None)
                version = cache.get(VERSION_KEY) or _new_version()
        except Exception:
            if request is not None:
                request._page_cache_down = True
            raise
        if request is not None:
            request._page_cache_version = version
    return version


def invalidate(*, purge: Iterable[str] = (), purge_pages: Iterable[int] = ()) -> None:
    """Everything cached so far (pages and fragments) is stale.

    Replaces the version now and again once the current transaction commits: a page
    rendered in between, from the data being replaced, is stored under the version
    of the moment and never served after the commit. When a front-end cache (CDN) is
    configured (WAGTAILFRONTENDCACHE), the paths in `purge` and the pages whose ids
    are in `purge_pages` (with their routes) are purged from it after the commit;
    page publications are purged by Wagtail's own frontend_cache app.
    """
    purge, purge_pages = tuple(purge), tuple(purge_pages)
    if connection.in_atomic_block:
        _replace_version()
    transaction.on_commit(partial(_replace_version, purge, purge_pages), robust=True)


def _replace_version(purge: tuple[str, ...] = (), purge_pages: tuple[int, ...] = ()) -> None:
    try:
        store().set(VERSION_KEY, _new_version(), None)
    except Exception:
        # The cache is down: nothing is served from it until it is back, and entries
        # from before the outage expire within PAGE_CACHE_SECONDS.
        logger.exception("Page cache: the version could not be replaced.")
    if (purge or purge_pages) and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        _purge_frontend_cache(purge, purge_pages)


def _purge_frontend_cache(paths: tuple[str, ...], page_ids: tuple[int, ...]) -> None:
    from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache, purge_urls_from_cache
    from wagtail.models import Page

    from home.links import absolute_url

    if paths:
        purge_urls_from_cache([absolute_url(path) for path in paths])
    if page_ids:
        purge_pages_from_cache(Page.objects.live().filter(pk__in=page_ids).specific())


def _invalidate_on_signal(sender, **kwargs) -> None:
    invalidate()


def invalidate_on_change(*models) -> None:
    """Replace the version whenever one of `models` is saved or deleted: what public
    pages show of them (taxonomies, settings, allocations...)."""
    for model in models:
        uid = f"page-cache:{model._meta.label}"
        post_save.connect(_invalidate_on_signal, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_invalidate_on_signal, sender=model, dispatch_uid=f"{uid}:delete")


def connect() -> None:
    """Pages, their privacy, images and sites (home's AppConfig.ready); each app
    connects its own models (home its settings) with `invalidate_on_change`."""
    from django.apps import apps
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_invalidate_on_signal, dispatch_uid=f"page-cache:{id(signal)}")
    # Saves and deletions of any page (drafts too: cheap, and pages created in code
    # without a publication), restrictions added or removed (a page made private).
    page_models = [model for model in apps.get_models() if issubclass(model, Page)]
    invalidate_on_change(*page_models, PageViewRestriction, Site, get_image_model())


# --- fragments ------------------------------------------------------------------------


def _remembered(version: str, key: str):
    if _memory_version[0] != version:
        _memory.clear()
        _memory_version[0] = version
        return _MISSING
    item = _memory.get(key)
    if item is None or item[0] < time.monotonic():
        return _MISSING
    return item[1]


def _remember(version: str, key: str, value, seconds: int) -> None:
    if _memory_version[0] == version:
        if len(_memory) >= MEMORY_MAX:
            _memory.clear()
        _memory[key] = (time.monotonic() + seconds, value)


def fragment(
    request: HttpRequest | None,
    name: str,
    build: Callable[[], object],
    *,
    seconds: int | Callable[[], int] = FRAGMENT_SECONDS,
    keep: Callable[[object], bool] | None = None,
):
    """`build()`, cached under the current version (menu items, organisation...), in
    the shared cache and in this process's memory; built each time while the cache is
    unreachable. The value is shared by the requests that read it: never change it.
    `keep(value)` false: the value is used for this request only. `seconds` may be a
    function, asked once the value is built."""
    if request is None:
        request = _current_request.get(None)
    if not fragments_enabled() or getattr(request, "_page_cache_down", False):
        # Built once for this request only (a menu, a figure... asked for twice).
        if request is None:
            return build()
        built = request.__dict__.setdefault("_page_cache_built", {})
        if name not in built:
            built[name] = build()
        return built[name]
    try:
        version = current_version(request)
        key = FRAGMENT_KEY % (version, name)
        value = _remembered(version, key)
        if value is not _MISSING:
            return value
        value = store().get(key)
    except Exception:
        logger.exception("Page cache: fragment %s not read.", name)
        if request is not None:
            request._page_cache_down = True
        return build()
    if value is None:
        value = build()
        if keep is not None and not keep(value):
            return value
        if callable(seconds):
            seconds = seconds()
        if seconds <= 0:
            return value
        _remember(version, key, value, seconds)
        try:
            store().set(key, value, seconds)
        except Exception:
            logger.exception("Page cache: fragment %s not stored.", name)
    else:
        _remember(
            version,
            key,
            value,
            MEMORY_SECONDS if callable(seconds) else min(seconds, MEMORY_SECONDS),
        )
    return value


# --- routes: a path to its page -------------------------------------------------------


def _no_view_restriction():
    from wagtail.models import PageViewRestriction

    return PageViewRestriction.objects.none()


def _route_key(request: HttpRequest, path: str) -> str:
    raw = f"{request.get_host()}\n{path}"
    return ROUTE_KEY % hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _use_cached_route(request: HttpRequest, path: str) -> None:
    """Before Wagtail's serve view: the route of `path`, if cached, so that Wagtail
    neither looks the site up nor walks the tree; otherwise remember to store it."""
    if getattr(request, "_page_cache_down", False):
        return
    key = _route_key(request, path)
    try:
        version = current_version(request)
        entry = _remembered(version, key)
        if entry is _MISSING:
            entry = store().get(key)
            if entry is not None and entry["version"] == version:
                _remember(version, key, entry, MEMORY_SECONDS)
    except Exception:
        logger.exception("Page cache: routes unavailable.")
        request._page_cache_down = True
        return
    if entry is None or entry["version"] != version:
        request._page_cache_route_key = key
        return
    from django.http import Http404

    # A copy of its own for each request: nothing one request sets on them reaches another.
    page = pickle.loads(entry["page"])  # noqa: S301 (written by this site, in its own cache)
    # Cached only for a page under no view restriction: Wagtail's check finds none.
    page.get_view_restrictions = _no_view_restriction
    request._wagtail_site = pickle.loads(entry["site"])  # noqa: S301 (idem)
    try:
        request._wagtail_route_for_request = page.route(request, entry["remaining"])
    except Http404:
        del request._wagtail_route_for_request
        del request._wagtail_site


def _store_route(request: HttpRequest, response: HttpResponse) -> None:
    """After Wagtail's serve view: keep the route it found, for a page that is live and
    under no view restriction."""
    route = getattr(request, "_wagtail_route_for_request", None)
    site = getattr(request, "_wagtail_site", None)
    if route is None or site is None or response.status_code >= 500:
        return
    page = route[0]
    if not page.live or page.get_view_restrictions().exists():
        return
    from wagtail.models import Site

    root_path = site.root_page.url_path
    if not page.url_path.startswith(root_path):
        return
    page_parts = [part for part in page.url_path[len(root_path) :].split("/") if part]
    path_parts = [part for part in request._page_cache_route_path.split("/") if part]
    if path_parts[: len(page_parts)] != page_parts:
        return
    # Fresh copies, as the database has them, rather than the objects this request used.
    fresh_page = type(page)._default_manager.filter(pk=page.pk).first()
    if fresh_page is None:
        return
    entry = {
        "version": request._page_cache_version,
        "site": pickle.dumps(Site.objects.select_related("root_page").get(pk=site.pk)),
        "page": pickle.dumps(fresh_page),
        "remaining": path_parts[len(page_parts) :],
    }
    try:
        store().set(request._page_cache_route_key, entry, ROUTE_SECONDS)
    except Exception:
        logger.exception("Page cache: route not stored.")


# --- pages ----------------------------------------------------------------------------


def expires_by(request: HttpRequest, when: datetime.datetime) -> None:
    """The page being rendered changes at `when` (a deadline, a start time): its
    cached copy must not outlive it."""
    previous = getattr(request, "_page_cache_until", None)
    if previous is None or when < previous:
        request._page_cache_until = when


def normalised_query(query_string: str) -> str:
    pairs = [
        (name, value)
        for name, value in parse_qsl(query_string, keep_blank_values=True)
        if name not in TRACKING_NAMES and not name.startswith(TRACKING_PREFIXES)
    ]
    return urlencode(sorted(pairs))


def entry_key(request: HttpRequest) -> str:
    raw = "\n".join(
        [
            request.scheme,
            request.get_host(),
            request.path,
            normalised_query(request.META.get("QUERY_STRING", "")),
        ]
    )
    return ENTRY_KEY % hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def is_cacheable_request(request: HttpRequest) -> bool:
    """Could this request be answered from the cache (and its answer stored)?"""
    if not is_enabled() or request.method not in ("GET", "HEAD"):
        return False
    if request.path_info.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Is this answer the same for every anonymous visitor?"""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:  # a CSRF token (any form), a session, messages...
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if getattr(request, "_csp_nonce", None):  # a nonce is for one response only
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in PRIVATE_CACHE_CONTROL):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if vary - STORABLE_VARY:
        return False
    # Belt and braces: a form's token without its cookie (the cookie check above
    # catches every form rendered with {% csrf_token %}).
    return b"csrfmiddlewaretoken" not in response.content


def _next_local_midnight(now: datetime.datetime) -> datetime.datetime:
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))


def seconds_to_keep(request: HttpRequest, maximum: int) -> int:
    """How long what `request` rendered may be kept: at most `maximum` seconds, until the
    next local midnight, and until what the views set with `expires_by`."""
    now = timezone.now()
    limits = [_next_local_midnight(now)]
    until = getattr(request, "_page_cache_until", None)
    if until is not None:
        limits.append(until)
    seconds = maximum
    for limit in limits:
        seconds = min(seconds, int((limit - now).total_seconds()))
    return seconds


def _wagtail_serve():
    from wagtail.views import serve

    return serve


def _cached_response(request: HttpRequest, entry: dict) -> HttpResponse:
    etag = entry["etag"]
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match and (etag in parse_etags(if_none_match) or if_none_match.strip() == "*"):
        response = HttpResponse(status=304)
        for name, value in entry["headers"]:
            if name.lower() in ("cache-control", "etag", "vary", "expires"):
                response[name] = value
    else:
        response = HttpResponse(b"" if request.method == "HEAD" else entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
    response["X-Cache"] = "hit"
    return response


class PageCacheMiddleware:
    """Serve and store public pages for anonymous visitors (see the module docstring).

    Placed right after WhiteNoise: a hit costs one cache read (the version and the
    entry together) and nothing else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self._answer(request)
            if hasattr(request, "_page_cache_route_key"):
                _store_route(request, response)
            return response
        finally:
            _current_request.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Before Wagtail's serve view, the cached route of the path (see the module
        docstring)."""
        if (
            fragments_enabled()
            and view_func is _wagtail_serve()
            and not request.path_info.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
        ):
            path = view_kwargs.get("path", view_args[0] if view_args else "")
            request._page_cache_route_path = path
            _use_cached_route(request, path)
        return None

    def _answer(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = entry_key(request)
        try:
            found = store().get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY) or current_version(request)
        except Exception:
            logger.exception("Page cache unavailable: the page is rendered.")
            request._page_cache_down = True
            return self.get_response(request)
        request._page_cache_version = version
        entry = found.get(key)
        if entry is not None and entry["version"] == version:
            return _cached_response(request, entry)
        response = self.get_response(request)
        response["X-Cache"] = "miss"
        if is_storable(request, response):
            self._store(request, response, key, version)
        return response

    def _store(self, request, response, key: str, version: str) -> None:
        seconds = seconds_to_keep(request, settings.PAGE_CACHE_SECONDS)
        if seconds <= 0:
            return
        if "Cache-Control" not in response:
            response["Cache-Control"] = (
                f"public, max-age={min(seconds, settings.PAGE_CACHE_MAX_AGE)}"
            )
        if not response.has_header("ETag"):
            response["ETag"] = quote_etag(
                hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            )
        entry = {
            "version": version,
            "etag": response["ETag"],
            "headers": [
                (name, value)
                for name, value in response.items()
                if name.lower() not in UNSTORED_HEADERS
            ],
            "content": response.content,
        }
        try:
            store().set(key, entry, seconds)
        except Exception:
            logger.exception("Page cache: %s not stored.", request.path)
