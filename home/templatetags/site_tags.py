"""Navigation shared by every page: main menu and breadcrumbs."""

from django import template
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
