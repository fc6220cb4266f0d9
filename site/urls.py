from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import documents as home_documents
from home import views as home_views

# Staff work in Wagtail's admin only: Django's own admin is not served.
urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # Documents are served by home.documents.serve only (privacy, streaming, Range, log):
    # it takes Wagtail's serve route; the rest of Wagtail's document URLs follow.
    re_path(r"^documents/(\d+)/(.*)$", home_documents.serve, name="document_serve"),
    path("documents/", include(wagtaildocs_urls)),
    # Where Wagtail's default model stored documents: never served, whatever is there.
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/{home_documents.PRIVATE_MEDIA_FOLDER}/(?P<path>.*)$",
        home_documents.refuse_private_media,
    ),
    path("recherche/", home_views.search, name="search"),
    path("dons/", include("donations.urls")),
    # Accounts: login, logout, passwords, invitations, two-factor (extranet/urls.py).
    path("compte/", include("extranet.urls")),
    # Wagtail's own front-end login form: the site has one, at LOGIN_URL.
    path("_util/login/", RedirectView.as_view(url=settings.LOGIN_URL, query_string=True)),
    path("sitemap.xml", sitemap, {"sitemaps": home_views.SITEMAPS}, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    # For the load balancer: 200 when the database and the cache answer, else 503.
    path("health/", home_views.health, name="health"),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    from django.conf.urls.static import static

    # Images only: documents are not under MEDIA_ROOT (see home.storage), and the view
    # refuses MEDIA_ROOT/documents/ even through `..`.
    urlpatterns += static(
        settings.MEDIA_URL,
        view=home_documents.serve_public_media,
        document_root=settings.MEDIA_ROOT,
    )

if settings.BENCH_ENDPOINTS:
    from home import bench as home_bench

    # The benchmark's ceiling (bench/serve.py sets BENCH_ENDPOINTS), never in production.
    urlpatterns += [path("bench/constant/", home_bench.constant)]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
