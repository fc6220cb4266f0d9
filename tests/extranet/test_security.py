"""Nothing of the extranet leaks: not to an anonymous visitor, not to a logged-in
account that is no associate (`visiteur`), not to an associate of another college.

Covered, for each: every extranet page (home, general assemblies, the 2021 assembly,
working groups), the documents (Wagtail's checking view /documents/<id>/<file>, and the
media path), the search page, the sitemap, the RSS feed, and the API address. Each
check asserts that neither the page's title nor a sentence of its content is in the
response; anonymous visitors are sent to the login page, logged-in outsiders get 403.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import (
    BaseViewRestriction,
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
)
from wagtail.search.query import PlainText

from extranet.constants import DocumentKind
from extranet.demo import documents, pages, people
from extranet.demo.documents import placeholder_pdf
from extranet.models import AssemblyDocument, WorkingGroupDocument, WorkingGroupPage
from home.views import search_terms

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"

# url: (title, a sentence of its content)
EXTRANET_PAGES = {
    "/extranet/": ("Espace des associés", "documents des assemblées générales, les groupes"),
    "/extranet/assemblees-generales/": (
        "Assemblées générales",
        "Convocations, ordres du jour, résolutions",
    ),
    "/extranet/assemblees-generales/2021/": (
        "Assemblée générale 2021",
        "approuve les comptes de l'exercice 2020",
    ),
    "/extranet/groupes-de-travail/": (
        "Groupes de travail",
        "Les groupes de travail des associés, leurs documents",
    ),
    "/extranet/groupes-de-travail/raison-d-etre/": (
        "La raison d'être du cluster",
        "Comment mieux appréhender l'activité du cluster",
    ),
    "/extranet/groupes-de-travail/orientations-2021-2026/": (
        "Les orientations des projets 2021-2026",
        "Quelles orientations pour les projets 2021-2026",
    ),
    "/extranet/groupes-de-travail/fonds-d-impulsion/": (
        "La création d'un fonds d'impulsion",
        "Un fonds d'impulsion pour soutenir les projets",
    ),
}


class _Silent:
    def write(self, text):
        pass


@pytest.fixture
def associates(demo_site):
    found = {a.user.username: a for a in people.load(allowed=True, out=_Silent())}
    pages.load(demo_site, documents=documents.load())
    return found


@pytest.fixture
def visitor(associates):
    return get_user_model().objects.get(username="visiteur")


def text_of(response) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return body.decode("utf-8", "replace").replace("&#x27;", "'").replace("&#39;", "'")


def assert_reveals_nothing(response, *secrets):
    assert response.status_code != 200
    body = text_of(response)
    for secret in secrets:
        assert secret not in body, f"{secret!r} leaked ({response.status_code})"
    assert "%PDF" not in body


def test_the_pages_and_sentences_checked_are_really_there_for_an_associate(client, associates):
    """The checks below could not fail if these titles and sentences were wrong."""
    client.force_login(associates["associe1"].user)
    for url, (title, sentence) in EXTRANET_PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = text_of(response)
        assert title in body and sentence in body, url


@pytest.mark.parametrize("url", EXTRANET_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page_and_sees_nothing(client, associates, url):
    response = client.get(url)
    assert_reveals_nothing(response, *EXTRANET_PAGES[url])
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"
    login_page = client.get(response["Location"])
    assert_reveals_nothing_but_200(login_page, *EXTRANET_PAGES[url])


def assert_reveals_nothing_but_200(response, *secrets):
    assert response.status_code == 200
    body = text_of(response)
    for secret in secrets:
        assert secret not in body


@pytest.mark.parametrize("url", EXTRANET_PAGES)
def test_a_logged_in_non_associate_gets_a_403_and_sees_nothing(client, visitor, url):
    client.force_login(visitor)
    response = client.get(url)
    assert_reveals_nothing(response, *EXTRANET_PAGES[url])
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_the_documents_are_refused_to_anonymous_visitors_and_non_associates(
    client, visitor, settings
):
    links = list(AssemblyDocument.objects.select_related("document"))
    assert len(links) == 5
    for link in links:
        document = link.document
        assert_reveals_nothing(client.get(document.url), document.title)
        media = settings.MEDIA_URL + document.file.name
        assert_reveals_nothing(client.get(media), document.title)
    client.force_login(visitor)
    for link in links:
        assert_reveals_nothing(client.get(link.document.url), link.document.title)


@pytest.mark.parametrize("who", ["anonymous", "visiteur"])
def test_search_sitemap_feed_and_api_reveal_no_extranet_page(client, visitor, who):
    if who == "visiteur":
        client.force_login(visitor)
    everything = Page.objects.live()
    for url, (title, _sentence) in EXTRANET_PAGES.items():
        # The search index holds the page: only the public filter keeps it out.
        # Words only (PostgreSQL reads "2021-2026" as 2021 and -2026).
        words = " ".join(word for word in search_terms(title).split() if not word.isdigit())
        found = everything.search(PlainText(words, operator="and"))
        assert any(page.url_path.endswith(url[len("/") :]) for page in found), title
        response = client.get("/recherche/", {"q": words})
        assert response.status_code == 200
        body = text_of(response)
        results = body.split('class="results-count"', 1)[1]
        results = results.split("</h2>", 1)[1]  # after the echo of the query
        assert "/extranet/" not in results
        assert title not in results
    for url in ("/sitemap.xml", "/actualites/rss/"):
        response = client.get(url)
        assert response.status_code == 200
        body = text_of(response)
        assert "/actualites/" in body  # the public pages are there
        assert "/extranet/" not in body
        for title, sentence in EXTRANET_PAGES.values():
            assert title not in body and sentence not in body
    for url in ("/api/v2/pages/", "/api/v2/documents/", "/api/v2/images/"):
        assert client.get(url).status_code == 404


# Colleges -----------------------------------------------------------------------------


@pytest.fixture
def partners_only(associates):
    """The impulsion fund's working group, restricted to the partners' college, with a
    document in a collection restricted to that college too."""
    partners = associates["associe3"].college.group
    group = WorkingGroupPage.objects.get(slug="fonds-d-impulsion")
    restriction = PageViewRestriction.objects.create(
        page=group, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set([partners])
    root = Collection.get_first_root_node()
    collection = root.add_child(instance=Collection(name="Documents des partenaires"))
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=BaseViewRestriction.GROUPS
    )
    collection_restriction.groups.set([partners])
    document = get_document_model()(title="Plan de financement confidentiel", collection=collection)
    document.file.save("plan-financement.pdf", ContentFile(placeholder_pdf("Plan")), save=False)
    document._set_document_file_metadata()
    document.save()
    WorkingGroupDocument.objects.create(page=group, document=document, kind=DocumentKind.NOTES)
    return group, document


def test_an_associate_of_another_college_cannot_reach_the_page_nor_its_documents(
    client, associates, partners_only
):
    group, document = partners_only
    url = "/extranet/groupes-de-travail/fonds-d-impulsion/"
    client.force_login(associates["associe1"].user)  # the employees' college
    response = client.get(url)
    assert_reveals_nothing(response, *EXTRANET_PAGES[url], document.title)
    assert response.status_code == 403
    assert_reveals_nothing(client.get(document.url), document.title)
    # Nor is it listed anywhere they can go.
    for listing in ("/extranet/", "/extranet/groupes-de-travail/"):
        body = text_of(client.get(listing))
        assert EXTRANET_PAGES[url][0] not in body and document.title not in body

    client.force_login(associates["associe3"].user)  # the partners' college
    response = client.get(url)
    assert response.status_code == 200
    assert document.title in text_of(response)
    download = client.get(document.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
