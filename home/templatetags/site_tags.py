"""Navigation shared by every page: main menu and breadcrumbs."""

from django import template
from django.core.cache import cache
from wagtail.models import Page, Site

register = template.Library()


def _site_root(request):
    """The site's root page, looked up once per request."""
    if not hasattr(request, "_site_root_cache"):
        site = Site.find_for_request(request)
        request._site_root_cache = site.root_page if site else None
    return request._site_root_cache


@register.inclusion_tag("components/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    current = context.get("page")
    root = _site_root(request)
    items = []
    if root is not None:
        items = list(root.get_children().live().public().in_menu())
    current_path = getattr(current, "path", "")
    for item in items:
        item.is_active = bool(current_path) and current_path.startswith(item.path)
    return {"request": request, "menu_items": items, "root": root, "current": current}


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    request = context["request"]
    page = context.get("page")
    root = _site_root(request)
    ancestors = []
    if page is not None and root is not None and getattr(page, "depth", 0) > root.depth:
        ancestors = list(Page.objects.ancestor_of(page).filter(depth__gte=root.depth))
    return {"request": request, "ancestors": ancestors, "page": page}


NEWS_INDEX_CACHE_KEY = "news-index-url:%s"


@register.simple_tag(takes_context=True)
def news_index_url(context) -> str:
    """The URL of the site's news index (its slug is the staff's to change), or "".

    Cached per site: every page links to it (RSS in the head, footer); the cache is
    cleared when a news index is published, unpublished, moved or deleted (home.signals).
    """
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return ""
    key = NEWS_INDEX_CACHE_KEY % site.pk

    def lookup() -> str:
        from home.models import NewsIndexPage

        index = NewsIndexPage.objects.live().public().descendant_of(site.root_page).first()
        return index.get_url(request) if index else ""

    return cache.get_or_set(key, lookup, timeout=3600)
