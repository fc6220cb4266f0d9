"""Page types, rendering, navigation, search, feeds and error pages of the foundation."""

import datetime
import html as html_lib

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Page, Site

from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from projects.models import ProjectIndexPage, ProjectPage

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page as a reader sees it: HTML entities decoded."""
    return html_lib.unescape(response.content.decode())


ARTICLE_SLUG = "/actualites/assemblee-generale-2021-fonds-impulsion/"


def test_page_creation_rules():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert NewsPage.allowed_parent_page_models() == [NewsIndexPage]
    assert NewsIndexPage.allowed_parent_page_models() == [HomePage]
    assert ProjectPage.allowed_parent_page_models() == [ProjectIndexPage]
    assert NewsPage.allowed_subpage_models() == []


def test_only_one_home_and_one_news_index(demo_site):
    assert not HomePage.can_create_at(Page.get_first_root_node())
    assert not NewsIndexPage.can_create_at(demo_site)
    assert StandardPage.can_create_at(demo_site)
    assert not NewsPage.can_create_at(demo_site)


def test_demo_loader_is_idempotent(demo_site):
    counts = (Page.objects.count(), demo_site.key_figures.count(), demo_site.revisions.count())
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        Page.objects.count(),
        demo_site.key_figures.count(),
        demo_site.revisions.count(),
    ) == counts
    assert Site.objects.get(is_default_site=True).root_page_id == demo_site.pk


def test_demo_loader_does_not_overwrite_staff_edits(demo_site):
    news = NewsPage.objects.get(slug="assemblee-generale-2021-fonds-impulsion")
    news.title = "Titre corrigé par l'équipe"
    news.save_revision().publish()
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert NewsPage.objects.get(pk=news.pk).title == "Titre corrigé par l'équipe"


def test_home_page_shows_purpose_figures_projects_news_and_calls_to_action(client, demo_site):
    response = client.get("/")
    assert response.status_code == 200
    html = text_of(response)
    assert "Notre raison d'être" in html
    assert "130" in html and "idées de projets captées" in html
    assert "3\u202f000" in html, "thousands are grouped with a narrow no-break space"
    assert "L'atelier textile jurassien" in html
    assert "Assemblée générale" in html
    assert "Soutenir le fonds d'impulsion" in html


def test_news_article_renders_the_ag_text(client, demo_site):
    response = client.get(ARTICLE_SLUG)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Conliège" in html
    assert "philanthropie de territoire" in html
    assert '<nav class="breadcrumbs' in html


def test_news_index_paginates_and_filters_by_tag(client, demo_site):
    index = NewsIndexPage.objects.get()
    for day in range(12):
        page = NewsPage(
            title=f"Brève {day}",
            slug=f"breve-{day}",
            intro="…",
            date=datetime.date(2024, 1, day + 1),
        )
        index.add_child(instance=page)
        if day == 0:
            page.tags.add("atelier")
            page.save_revision().publish()
    first = client.get("/actualites/").content.decode()
    assert "Page 1 sur 2" in first
    assert "Brève 11" in first and "Brève 0" not in first
    last = client.get("/actualites/?page=999").content.decode()
    assert "Page 2 sur 2" in last
    assert client.get("/actualites/?page=abc").status_code == 200
    tagged = client.get("/actualites/?tag=atelier").content.decode()
    assert "Brève 0" in tagged and "Brève 5" not in tagged


def test_rss_feed_lists_the_news(client, demo_site):
    response = client.get("/actualites/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "Assemblée générale" in response.content.decode()


def test_menu_comes_from_the_page_tree(client, demo_site):
    html = client.get("/").content.decode()
    nav = html[html.index('aria-label="Menu principal"') :]
    nav = nav[: nav.index("</nav>")]
    assert 'href="/actualites/"' in nav
    assert 'href="/projets/"' in nav
    assert "mentions-legales" not in nav


def test_footer_shows_organisation_and_legal_pages(client, demo_site):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert "SCIC (société coopérative d'intérêt collectif)" in html_lib.unescape(footer)
    for url in ("/mentions-legales/", "/confidentialite/", "/accessibilite/"):
        assert f'href="{url}"' in footer
        assert client.get(url).status_code == 200


def test_search_finds_the_assembly_article_with_french_stemming(client, demo_site):
    response = client.get("/recherche/", {"q": "assemblée"})
    assert response.status_code == 200
    assert "Assemblée générale : le Clus'Ter Jura crée un fonds d'impulsion" in text_of(response)


def test_search_never_shows_draft_or_private_pages(client, demo_site):
    index = NewsIndexPage.objects.get()
    draft = NewsPage(
        title="Assemblée secrète en brouillon", slug="brouillon", intro="x", live=False
    )
    index.add_child(instance=draft)
    private = NewsPage(title="Assemblée réservée aux associés", slug="privee", intro="x")
    index.add_child(instance=private)
    private.save_revision().publish()
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    html = client.get("/recherche/", {"q": "assemblée"}).content.decode()
    assert "brouillon" not in html
    assert "réservée aux associés" not in html
    assert client.get("/actualites/privee/").status_code == 302


def test_search_without_query_or_with_a_huge_one_does_not_fail(client, demo_site):
    assert client.get("/recherche/").status_code == 200
    assert client.get("/recherche/", {"q": "x" * 5000}).status_code == 200
    assert client.get("/recherche/", {"q": "<script>alert(1)</script>"}).status_code == 200
    assert (
        b"<script>alert(1)</script>"
        not in client.get("/recherche/", {"q": "<script>alert(1)</script>"}).content
    )


def test_sitemap_and_robots(client, demo_site):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/actualites/assemblee-generale-2021-fonds-impulsion/" in sitemap
    assert "/mentions-legales/" in sitemap
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots.content.decode()
    assert f"Sitemap: {settings.BASE_URL}/sitemap.xml" in robots.content.decode()


def test_unknown_page_is_a_french_404(client, demo_site):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_server_error_page_is_french_and_standalone(rf):
    from home.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Un problème est survenu" in response.content.decode()


def test_pages_make_no_request_to_another_host(client, demo_site):
    for url in ("/", "/actualites/", ARTICLE_SLUG, "/recherche/?q=jura"):
        html = client.get(url).content.decode()
        for attr in ('src="http', 'src="//', 'href="//', "@import", "fonts.googleapis"):
            assert attr not in html, f"{url} loads {attr}"


def test_an_expired_form_is_explained_in_french(demo_site):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/recherche/", {"q": "x"})
    assert response.status_code == 403
    assert "Votre formulaire a expiré" in response.content.decode()


def test_search_stems_french_words_on_both_databases(client, demo_site):
    """A plural finds the singular: PostgreSQL's "french" configuration, SQLite's stemmed
    index (home/search_backend.py; more in test_search_stemming.py)."""
    text = text_of(client.get("/recherche/", {"q": "assemblées générales"}))
    assert "Assemblée générale : le Clus'Ter Jura crée un fonds d'impulsion" in text


def test_links_to_the_news_follow_the_slug_staff_choose(client, demo_site):
    assert 'href="/actualites/rss/"' in client.get("/").content.decode()
    index = NewsIndexPage.objects.get()
    index.slug = "journal"
    index.save_revision().publish()

    html = client.get("/").content.decode()
    assert 'href="/journal/rss/"' in html
    assert 'href="/journal/"' in html
    assert "/actualites/" not in html
    assert client.get("/journal/rss/").status_code == 200
