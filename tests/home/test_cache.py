"""The page cache (home/cache.py): anonymous visitors get public pages from it without
a database query; logged-in visitors, POSTs, pages with a form and private pages never
go through it; what changes a page (publishing, unpublishing, moving, deleting,
settings, an idea received) replaces it at once. Its fragments (menu, footer, figures,
routes, {% cached %} parts) make a page that is not served from it cheap, for every
visitor, and follow the same changes."""

import datetime
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from home import cache as page_cache
from home.models import KeyFigure, NewsPage, OrganisationSettings, StandardPage
from projects.services.ideas import submit_idea
from tests.extranet.test_security import EXTRANET_PAGES, associates, text_of  # noqa: F401
from tests.projects.factories import CallForIdeasIndexPageFactory, CallForIdeasPageFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NEWS = "/actualites/assemblee-generale-2021-fonds-impulsion/"


@pytest.fixture
def cached(settings, demo_site):
    """The page cache switched on as in production (the test settings keep it off)."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_FRAGMENTS = True
    return demo_site


@pytest.fixture
def fragments(settings, demo_site):
    """The page cache off (as for a logged-in visitor), its fragments on."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.PAGE_CACHE_FRAGMENTS = True
    return demo_site


def fetch(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    response.queries = len(queries)
    return response


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/projets/",
        "/projets/atelier-textile-jurassien/",
        "/actualites/",
        NEWS,
        "/recherche/?q=transition",
        "/fonds-impulsion/registre/",
        "/mentions-legales/",
    ],
)
def test_a_second_anonymous_visit_is_a_hit_without_any_query(client, cached, url):
    first = fetch(client, url)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss" and first.queries > 0
    assert first["Cache-Control"] == "public, max-age=60"

    second = fetch(client, url)
    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert second.queries == 0
    assert second.content == first.content
    assert second["Cache-Control"] == "public, max-age=60"
    assert second["Content-Type"] == first["Content-Type"]


def test_the_query_string_is_read_in_a_fixed_order_without_tracking_parameters(client, cached):
    assert fetch(client, "/actualites/?page=1&tag=assemblee")["X-Cache"] == "miss"
    again = fetch(client, "/actualites/?utm_source=lettre&tag=assemblee&page=1&fbclid=x")
    assert again["X-Cache"] == "hit" and again.queries == 0
    # A different query is a different page.
    assert fetch(client, "/actualites/?page=2&tag=assemblee")["X-Cache"] == "miss"
    assert fetch(client, "/recherche/?q=fonds")["X-Cache"] == "miss"


def test_a_browser_that_has_the_page_gets_304_and_head_gets_no_body(client, cached):
    first = client.get("/")
    etag = first["ETag"]
    not_modified = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get("/", HTTP_IF_NONE_MATCH='"autre"').status_code == 200
    head = client.head("/")
    assert head.status_code == 200 and head["X-Cache"] == "hit" and head.content == b""


def test_logged_in_visitors_are_neither_served_from_the_cache_nor_stored(client, cached):
    user = get_user_model().objects.create_user("camille", "camille@example.org", "x")
    logged_in = Client()
    logged_in.force_login(user)

    # Their pages are never stored: the next anonymous visit renders the page.
    first = fetch(logged_in, "/")
    assert first.status_code == 200 and "X-Cache" not in first and first.queries > 0
    assert fetch(client, "/")["X-Cache"] == "miss"
    # Nor served from the cache, even once an anonymous visit has stored the page.
    assert fetch(client, "/")["X-Cache"] == "hit"
    again = fetch(logged_in, "/")
    assert "X-Cache" not in again and again.queries > 0
    assert "public" not in again.get("Cache-Control", "")


def test_staff_see_their_toolbar_not_the_cached_page(client, cached):
    staff = get_user_model().objects.create_superuser("equipe", "equipe@example.org", "x")
    fetch(client, NEWS)
    assert fetch(client, NEWS)["X-Cache"] == "hit"
    logged_in = Client()
    logged_in.force_login(staff)
    page = logged_in.get(NEWS)
    assert "X-Cache" not in page
    assert b"wagtail-userbar" in page.content
    assert b"wagtail-userbar" not in client.get(NEWS).content


def test_posts_are_never_answered_from_the_cache(client, cached):
    assert fetch(client, "/")["X-Cache"] == "miss"
    posted = client.post("/")
    assert "X-Cache" not in posted
    assert fetch(client, "/")["X-Cache"] == "hit"


@pytest.fixture
def open_call(cached):
    index = CallForIdeasIndexPageFactory(parent=cached, slug="appels-cache", title="Appels")
    return CallForIdeasPageFactory(parent=index, title="Appel ouvert", slug="appel-ouvert")


def test_a_page_with_a_form_is_never_stored(client, open_call):
    """Its CSRF token and the form's start time are for one visitor only."""
    for url in (open_call.url, "/fonds-impulsion/"):
        first = fetch(client, url)
        assert first.status_code == 200
        assert b"csrfmiddlewaretoken" in first.content
        second = fetch(client, url)
        assert second["X-Cache"] == "miss" and second.queries > 0
        assert "public" not in second.get("Cache-Control", "")


@pytest.mark.parametrize("excluded", ["production", "none"])
def test_private_pages_and_documents_never_reach_an_anonymous_visitor(
    settings,
    cached,
    associates,  # noqa: F811 (the extranet's fixture)
    excluded,
):
    """An associate reads the extranet and its documents; an anonymous visitor asking
    for the same addresses afterwards is sent to the login page, never given the
    associate's page, even with the private paths taken off the exclusion list (the
    session cookie and the `private, no-store` answer keep them out on their own)."""
    if excluded == "none":
        settings.PAGE_CACHE_EXCLUDED_PATHS = ()
    from extranet.models import AssemblyDocument

    documents = [link.document for link in AssemblyDocument.objects.select_related("document")]
    assert documents
    associate = Client()
    associate.force_login(associates["associe1"].user)
    for url, (title, _sentence) in EXTRANET_PAGES.items():
        for _ in range(2):
            response = associate.get(url)
            assert response.status_code == 200 and title in text_of(response)
            assert response.get("X-Cache") != "hit"
    for document in documents:
        assert associate.get(document.url).status_code == 200

    anonymous = Client()
    for url, (title, sentence) in EXTRANET_PAGES.items():
        for _ in range(2):
            response = anonymous.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/compte/connexion/?next=")
            assert title not in text_of(response) and sentence not in text_of(response)
            assert response.get("X-Cache") != "hit"
    for document in documents:
        response = anonymous.get(document.url)
        assert response.status_code in (302, 403)
        assert "%PDF" not in text_of(response)
        assert response.get("X-Cache") != "hit"


def test_publishing_unpublishing_moving_and_deleting_refresh_the_pages(client, cached):
    news = NewsPage.objects.get(url_path__endswith="/assemblee-generale-2021-fonds-impulsion/")
    assert fetch(client, NEWS)["X-Cache"] == "miss"
    assert fetch(client, "/actualites/")["X-Cache"] == "miss"
    assert fetch(client, NEWS)["X-Cache"] == "hit"

    # Published: the page and the listing show the new title.
    news.title = "Assemblée générale : un nouveau titre publié"
    news.save_revision().publish()
    page = fetch(client, NEWS)
    assert page["X-Cache"] == "miss" and b"un nouveau titre publi" in page.content
    assert b"un nouveau titre publi" in fetch(client, "/actualites/").content

    # Unpublished: gone from its address and from the listing.
    fetch(client, NEWS)
    news.unpublish()
    assert client.get(NEWS).status_code == 404
    assert b"un nouveau titre publi" not in fetch(client, "/actualites/").content

    # Moved: the old address redirects (Wagtail's automatic redirect), the new one
    # answers, the footer links to it.
    legal = StandardPage.objects.get(slug="mentions-legales")
    accessibility = StandardPage.objects.get(slug="accessibilite")
    assert fetch(client, "/mentions-legales/").status_code == 200
    assert b'href="/mentions-legales/"' in fetch(client, "/").content
    assert fetch(client, "/")["X-Cache"] == "hit"
    legal.move(accessibility, pos="last-child")
    moved = client.get("/mentions-legales/")
    assert moved.status_code == 301
    assert moved["Location"] == "/accessibilite/mentions-legales/"
    home = fetch(client, "/")
    assert home["X-Cache"] == "miss"
    assert b'href="/accessibilite/mentions-legales/"' in home.content
    assert client.get("/accessibilite/mentions-legales/").status_code == 200

    # Deleted: gone.
    fetch(client, "/accessibilite/mentions-legales/")
    Page.objects.get(pk=legal.pk).delete()
    assert client.get("/accessibilite/mentions-legales/").status_code == 404
    assert b"mentions-legales" not in fetch(client, "/").content


def test_a_page_made_private_leaves_the_cache(client, cached):
    from wagtail.models import PageViewRestriction

    assert fetch(client, NEWS)["X-Cache"] == "miss"
    assert fetch(client, NEWS)["X-Cache"] == "hit"
    news = Page.objects.get(url_path__endswith="/assemblee-generale-2021-fonds-impulsion/")
    PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(NEWS).status_code == 302


def test_the_organisation_settings_show_at_once_in_the_footer(client, cached):
    assert b"03 84 12 34 56" not in fetch(client, "/").content
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.phone = "03 84 12 34 56"
    organisation.save()
    page = fetch(client, "/")
    assert page["X-Cache"] == "miss" and b"03 84 12 34 56" in page.content


def send_idea(call, title: str):
    return submit_idea(
        call=call,
        title=title,
        description="Une idée pour le territoire, décrite en quelques phrases.",
        involvement="contribute",
        name="Camille Martin",
        email="camille@example.org",
        consent_processing=True,
    )


def ideas_figure(response) -> str:
    figure = KeyFigure.objects.get(source="ideas")
    text = response.content.decode()
    label = text.index(figure.label)
    return text[text.rindex('class="figure__value"', 0, label) : label]


def test_an_idea_received_refreshes_the_home_figures(client, open_call):
    before = fetch(client, "/")
    assert fetch(client, "/")["X-Cache"] == "hit"
    count = KeyFigure.objects.get(source="ideas").value
    assert f"{count}" in ideas_figure(before)

    send_idea(open_call, "Une ressourcerie à Saint-Claude")
    after = fetch(client, "/")
    assert after["X-Cache"] == "miss"
    assert f"{count + 1}" in ideas_figure(after)


def test_a_view_can_shorten_an_entry_and_midnight_ends_every_entry(rf, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 300
    noon = timezone.make_aware(datetime.datetime(2026, 3, 2, 12, 0))
    monkeypatch.setattr(page_cache.timezone, "now", lambda: noon)
    request = rf.get("/")
    assert page_cache.seconds_to_keep(request, 300) == 300
    page_cache.expires_by(request, noon + datetime.timedelta(seconds=40))
    page_cache.expires_by(request, noon + datetime.timedelta(seconds=90))
    assert page_cache.seconds_to_keep(request, 300) == 40
    # Calls open and close, workshops pass, by the local date.
    before_midnight = timezone.make_aware(datetime.datetime(2026, 3, 2, 23, 59, 30))
    monkeypatch.setattr(page_cache.timezone, "now", lambda: before_midnight)
    assert page_cache.seconds_to_keep(rf.get("/"), 300) == 30


def test_the_site_still_answers_when_the_cache_is_down(client, cached, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert response.get("X-Cache") != "hit"


class _PurgeRecorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
        self.seen.append((self.path, self.headers["Host"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_server():
    _PurgeRecorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_cdn_is_told_to_purge_the_home_page_when_an_idea_arrives(
    open_call, settings, purge_server, django_capture_on_commit_callbacks
):
    settings.BASE_URL = "https://clusterjura.example"
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{purge_server.server_port}",
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        send_idea(open_call, "Un atelier vélo à Morez")
    assert ("/", "clusterjura.example") in _PurgeRecorder.seen


def test_frontend_cache_url_switches_on_wagtails_purge():
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environ.update(
        DJANGO_SETTINGS_MODULE="clusterjura.settings.base",
        SECRET_KEY="x" * 50,
        FRONTEND_CACHE_URL="http://127.0.0.1:6081",
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('wagtail.contrib.frontend_cache' in settings.INSTALLED_APPS, "
        "settings.WAGTAILFRONTENDCACHE['default']['LOCATION'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "http://127.0.0.1:6081"]
    environ.pop("FRONTEND_CACHE_URL")
    code = "import django; django.setup(); from django.conf import settings; print(hasattr(settings, 'WAGTAILFRONTENDCACHE'))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.stdout.split() == ["False"]


# --- fragments: what every visitor shares ----------------------------------------------


@pytest.mark.parametrize(
    ("url", "warm_budget"),
    [
        ("/mentions-legales/", 0),
        (NEWS, 0),
        ("/projets/", 0),
        ("/projets/atelier-textile-jurassien/", 0),
        ("/actualites/", 0),
        ("/actualites/?page=1&tag=assemblee", 0),
        ("/recherche/?q=transition", 0),
        ("/", 0),
    ],
)
def test_with_warm_fragments_a_page_costs_almost_no_query(client, fragments, url, warm_budget):
    """The page cache off (a logged-in visitor, an expired page): the route, the site,
    the menu, the footer, the figures and the {% cached %} parts come from the cache."""
    cold = fetch(client, url)
    warm = fetch(client, url)
    assert "X-Cache" not in warm
    assert cold.status_code == warm.status_code == 200
    assert warm.content == cold.content
    assert warm.queries <= warm_budget < cold.queries


def test_the_route_cache_never_skips_a_view_restriction(client, fragments):
    """A route is kept only for a page under no restriction, and a restriction added
    later replaces the version: the page is then refused."""
    from wagtail.models import PageViewRestriction

    legal = "/mentions-legales/"
    assert fetch(client, legal).status_code == 200
    assert fetch(client, legal).queries == 0  # the route came from the cache
    page = Page.objects.get(url_path__endswith=legal)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        refused = client.get(legal)
        assert refused.status_code == 302
        assert refused["Location"].startswith("/compte/connexion/")


def test_a_private_page_is_never_served_from_a_cached_route(client, fragments, associates):  # noqa: F811
    associate = Client()
    associate.force_login(associates["associe1"].user)
    assert associate.get("/extranet/").status_code == 200
    assert associate.get("/extranet/").status_code == 200
    assert client.get("/extranet/").status_code == 302


def test_cached_parts_follow_publications_for_logged_in_visitors_too(client, fragments):
    user = get_user_model().objects.create_user("camille", "camille@example.org", "x")
    logged_in = Client()
    logged_in.force_login(user)
    for visitor in (client, logged_in):
        assert b"Nouveau titre" not in visitor.get("/actualites/").content
        assert b"Nouveau titre" not in visitor.get(NEWS).content
    news = NewsPage.objects.get(url_path__endswith="/assemblee-generale-2021-fonds-impulsion/")
    news.title = "Nouveau titre"
    news.save_revision().publish()
    for visitor in (client, logged_in):
        assert b"Nouveau titre" in visitor.get("/actualites/").content
        assert b"Nouveau titre" in visitor.get(NEWS).content


def test_the_figures_are_counted_again_when_an_idea_arrives(client, fragments, open_call):
    count = KeyFigure.objects.get(source="ideas").value
    fetch(client, "/")
    assert fetch(client, "/").queries <= 2  # the figures came from the cache
    send_idea(open_call, "Un jardin partagé à Morez")
    assert f"{count + 1}" in ideas_figure(client.get("/"))


def render_cached_part(rf, source: str, **context) -> str:
    from django.template import Context, Template

    request = rf.get("/")
    return Template("{% load site_tags %}" + source).render(
        Context({"request": request, **context})
    )


def test_a_cached_part_with_a_form_token_or_a_nonce_is_never_kept(rf, fragments):
    from django.utils.csp import LazyNonce

    with_token = '{% cached "form" %}<form>{% csrf_token %}</form>{% endcached %}'
    first = render_cached_part(rf, with_token, csrf_token="jeton-1")
    second = render_cached_part(rf, with_token, csrf_token="jeton-2")
    assert "jeton-1" in first and "jeton-2" in second
    request = rf.get("/")
    request._csp_nonce = LazyNonce()
    from django.template import Context, Template

    with_nonce = Template(
        '{% load site_tags %}{% cached "script" %}<script nonce="{{ nonce }}"></script>'
        "{% endcached %}"
    )
    first = with_nonce.render(Context({"request": request, "nonce": request._csp_nonce}))
    other = rf.get("/")
    other._csp_nonce = LazyNonce()
    second = with_nonce.render(Context({"request": other, "nonce": other._csp_nonce}))
    assert first != second
    # The same part without either is kept: the second render reads the first.
    plain = '{% cached "plain" %}{{ value }}{% endcached %}'
    assert render_cached_part(rf, plain, value="un") == "un"
    assert render_cached_part(rf, plain, value="deux") == "un"


def test_without_fragments_everything_is_rendered_each_time(client, settings, demo_site):
    settings.PAGE_CACHE_FRAGMENTS = False
    fetch(client, "/projets/")  # renditions made
    first = fetch(client, "/projets/")
    assert fetch(client, "/projets/").queries == first.queries > 10


def test_the_home_page_is_kept_no_longer_than_until_the_next_workshop_starts(client, cached):
    from projects.models import WorkshopIndexPage
    from tests.projects.factories import WorkshopPageFactory

    WorkshopPageFactory(
        parent=WorkshopIndexPage.objects.get(),
        title="Atelier qui commence bientôt",
        starts_at=timezone.now() + datetime.timedelta(seconds=40),
    )
    page = client.get("/")
    assert "Atelier qui commence bientôt" in page.content.decode()
    max_age = int(page["Cache-Control"].rpartition("max-age=")[2])
    assert 0 < max_age <= 40
    # Served from the cache, it still says when it ends.
    assert client.get("/")["X-Cache"] == "hit"
