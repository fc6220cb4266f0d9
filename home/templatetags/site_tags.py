"""Navigation and organisation details shared by every page: main menu, breadcrumbs,
footer. What every page shows is cached under the page cache's version (home.cache),
so publishing, moving or deleting a page, or editing the settings, refreshes it."""

import hashlib

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from home import cache as page_cache

register = template.Library()


def _site(request):
    """The request's Wagtail site and its root page, looked up once per request (and kept
    with the page cache's fragments: Wagtail asks the database at each request)."""
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = page_cache.fragment(
            request, f"site:{request.get_host()}", lambda: _find_site(request)
        )
    return request._wagtail_site


def _find_site(request):
    site = Site.find_for_request(request)
    return Site.objects.select_related("root_page").get(pk=site.pk) if site else None


@register.inclusion_tag("components/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    current = context.get("page")
    site = _site(request)

    def build() -> list[dict]:
        if site is None:
            return []
        items = site.root_page.get_children().live().public().in_menu()
        return [
            {"pk": item.pk, "path": item.path, "title": item.title, "url": item.get_url(request)}
            for item in items.only("pk", "path", "title", "url_path", "depth")
        ]

    key = f"menu:{site.pk if site else 0}:{request.get_host()}"
    current_path = getattr(current, "path", "")
    current_pk = getattr(current, "pk", None)
    items = [
        {
            **item,
            "is_active": bool(current_path) and current_path.startswith(item["path"]),
            "is_current": item["pk"] == current_pk,
        }
        for item in page_cache.fragment(request, key, build)
    ]
    return {"request": request, "menu_items": items}


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    request = context["request"]
    page = context.get("page")
    site = _site(request)
    root = site.root_page if site else None
    ancestors = []
    if page is not None and root is not None and getattr(page, "depth", 0) > root.depth:
        ancestors = page_cache.fragment(
            request,
            f"ancestors:{page.path}:{root.depth}",
            lambda: list(Page.objects.ancestor_of(page).filter(depth__gte=root.depth)),
        )
    # A route under the page (a form, a map...) names itself: the page becomes a link.
    return {
        "request": request,
        "ancestors": ancestors,
        "page": page,
        "subpage_title": context.get("subpage_title", ""),
    }


@register.simple_tag(takes_context=True)
def news_index_url(context) -> str:
    """The URL of the site's news index (its slug is the staff's to change), or "".

    Every page links to it (RSS in the head, footer): cached with the page cache's
    version, replaced when any page is published, unpublished, moved or deleted.
    """
    request = context["request"]
    site = _site(request)
    if site is None:
        return ""

    def build() -> str:
        from home.models import NewsIndexPage

        index = NewsIndexPage.objects.live().public().descendant_of(site.root_page).first()
        return index.get_url(request) if index else ""

    return page_cache.fragment(request, f"news-index-url:{site.pk}:{request.get_host()}", build)


@register.simple_tag(takes_context=True)
def organisation(context):
    """The organisation's settings of the request's site (home.OrganisationSettings),
    cached: the title of every page and the footer show them."""
    from home.models import OrganisationSettings

    request = context["request"]
    site = _site(request)
    if site is None:
        return None
    return page_cache.fragment(
        request, f"organisation:{site.pk}", lambda: OrganisationSettings.for_request(request)
    )


@register.simple_tag(takes_context=True)
def site_footer(context) -> str:
    """The footer (components/footer.html), rendered once per version and host: the
    organisation's details, its legal pages and the news feed."""
    request = context["request"]

    def build() -> str:
        return render_to_string(
            "components/footer.html",
            {"request": request, "org": organisation(context)},
        )

    site = _site(request)
    return mark_safe(  # noqa: S308 (rendered by the template engine, escaped there)
        page_cache.fragment(request, f"footer:{site.pk if site else 0}:{request.get_host()}", build)
    )


@register.tag("cached")
def cached(parser, token):
    """{% cached "name" [vary_on ...] %}…{% endcached %}: the HTML inside, rendered once
    per version of the page cache (home.cache.fragment), host and `vary_on` values, for
    every visitor. Only for what is the same for everyone: a part that asks for a CSRF
    token or a CSP nonce is rendered each time and never kept."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% cached %} needs a name.")
    nodelist = parser.parse(("endcached",))
    parser.delete_first_token()
    return CachedNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class CachedNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        raw = "\n".join([request.get_host(), *(str(part.resolve(context)) for part in self.parts)])
        key = "html:" + hashlib.sha256(raw.encode()).hexdigest()
        token_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        nonce = getattr(request, "_csp_nonce", None)
        nonce_before = bool(nonce)

        def build() -> tuple[str, object]:
            # What the part shows may end at a time (a workshop starting: expires_by).
            html = self.nodelist.render(context)
            return html, getattr(request, "_page_cache_until", None)

        def for_everyone(value) -> bool:
            html = value[0]
            if "csrfmiddlewaretoken" in html:
                return False
            if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != token_before:
                return False
            return not nonce or (nonce_before and str(nonce) not in html)

        html, until = page_cache.fragment(
            request,
            key,
            build,
            keep=for_everyone,
            seconds=lambda: page_cache.seconds_to_keep(request, page_cache.FRAGMENT_SECONDS),
        )
        if until is not None:
            page_cache.expires_by(request, until)
        return mark_safe(html)  # noqa: S308 (rendered by the template engine, escaped there)
