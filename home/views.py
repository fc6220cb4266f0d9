from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from home.models import paginate

SEARCH_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    """Full-text search over published, public pages only."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        pages = Page.objects.live().public().exclude(depth__lte=1)
        results = paginate(request, pages.search(query), SEARCH_PER_PAGE)
        # One query per page type rather than one per result.
        ids = [page.pk for page in results.object_list]
        specific = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
        results.object_list = [specific[pk] for pk in ids if pk in specific]
    return render(
        request,
        "home/search.html",
        {"query": query, "results": results, "query_string": f"q={query}" if query else ""},
    )


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /recherche/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No database or context processors: this page must render when they fail.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
