"""The public pages of the calls: index, published ideas, query budget, search, sitemap, demo."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Revision

from home.demo.content import load as load_demo_content
from projects.demo.ideas import add_months
from projects.models import CallForIdeasIndexPage, CallForIdeasPage, Idea
from tests.projects.factories import (
    CallForIdeasPageFactory,
    CommuneFactory,
    IdeaFactory,
    ThemeFactory,
)


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_index_lists_open_then_upcoming_then_closed_calls(client, index):
    CallForIdeasPageFactory(
        parent=index, title="Appel clos", opens_on=days(-60), closes_on=days(-5)
    )
    CallForIdeasPageFactory(
        parent=index, title="Appel ouvert", opens_on=days(-5), closes_on=days(20)
    )
    CallForIdeasPageFactory(
        parent=index, title="Appel à venir", opens_on=days(10), closes_on=days(40)
    )
    response = client.get(index.url)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert text.index("Appels ouverts") < text.index("Appel ouvert") < text.index("Bientôt ouverts")
    assert text.index("Bientôt ouverts") < text.index("Appel à venir") < text.index("Appels clos")
    assert text.index("Appels clos") < text.index("Appel clos")
    # Cards get French no-break spaces inside « ».
    assert (
        'Proposer une idée<span class="visually-hidden"> à l\'appel «\u00a0Appel ouvert\u00a0»'
        in text
    )


def test_index_without_open_call_says_so(client, index):
    CallForIdeasPageFactory(parent=index, opens_on=days(-60), closes_on=days(-5))
    text = html.unescape(client.get(index.url).content.decode())
    assert "Aucun appel n'est ouvert en ce moment" in text


def test_published_ideas_are_paginated_newest_first(client, index):
    call = CallForIdeasPageFactory(parent=index)
    for number in range(12):
        IdeaFactory(call=call, title=f"Idée publiée {number:02d}", is_published=True)
    first = html.unescape(client.get(call.url).content.decode())
    assert 'Les idées publiées <span class="subtle">(12)</span>' in first
    assert "Idée publiée 11" in first and "Idée publiée 01" not in first
    assert "Page 1 sur 2" in first
    second = html.unescape(client.get(call.url, {"page": 2}).content.decode())
    assert "Idée publiée 01" in second and "Idée publiée 11" not in second
    assert '<meta name="robots" content="noindex, follow">' in second
    # A page number out of range or malformed never fails.
    assert client.get(call.url, {"page": "999"}).status_code == 200
    assert client.get(call.url, {"page": "abc"}).status_code == 200


def _count_queries(client, url) -> int:
    client.get(url)  # warm the per-process caches (site root paths, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_call_page_queries_do_not_grow_with_the_ideas(client, index, capsys):
    theme = ThemeFactory(name="Transition écologique", slug="transition-ecologique")
    commune = CommuneFactory(name="Morez", slug="morez")
    call = CallForIdeasPageFactory(parent=index)
    call.themes.set([theme])
    call.save_revision().publish()
    for _number in range(3):
        IdeaFactory(
            call=call, commune=commune, theme=theme, is_published=True, public_answer="Oui."
        )
    few = _count_queries(client, call.url)

    Idea.objects.bulk_create(
        Idea(
            call=call,
            title=f"Idée {number}",
            description="Une idée parmi beaucoup d'autres, assez longue.",
            theme=theme,
            commune=commune,
            involvement="informed",
            name=f"Personne {number}",
            email=f"p{number}@example.org",
            consent_processing=True,
            is_published=number % 2 == 0,
            public_answer="Merci, à l'étude.",
            status=Idea.Status.UNDER_STUDY,
        )
        for number in range(2000)
    )
    many = _count_queries(client, call.url)
    last_page = _count_queries(client, call.url + "?page=100")
    with capsys.disabled():
        print(
            f"\n[query budget] call page: {few} queries with 3 ideas, {many} with 2,003 "
            f"(1,003 published), {last_page} on page 100"
        )
    assert many == few
    assert last_page == few


def test_index_queries_do_not_grow_with_the_calls(client, index, capsys):
    theme = ThemeFactory(name="Transition sociale", slug="transition-sociale")
    for number in range(2):
        call = CallForIdeasPageFactory(parent=index, slug=f"appel-a-{number}")
        call.themes.set([theme])
        call.save_revision().publish()
    few = _count_queries(client, index.url)
    for number in range(10):
        call = CallForIdeasPageFactory(
            parent=index, slug=f"appel-b-{number}", opens_on=days(-90), closes_on=days(-number - 1)
        )
        call.themes.set([theme])
        call.save_revision().publish()
    many = _count_queries(client, index.url)
    with capsys.disabled():
        print(f"\n[query budget] calls index: {few} queries with 2 calls, {many} with 12")
    assert many == few


def test_search_finds_calls_but_never_ideas_nor_their_authors(client, index):
    call = CallForIdeasPageFactory(
        parent=index, title="Réemploi des matériaux", intro="<p>Chantiers et recycleries.</p>"
    )
    IdeaFactory(
        call=call,
        title="Recyclerie secrète",
        name="Dominique Introuvable",
        email="introuvable@example.org",
        is_published=True,
    )
    found = html.unescape(client.get("/recherche/", {"q": "Réemploi"}).content.decode())
    assert "Réemploi des matériaux" in found
    for query in ["Introuvable", "introuvable@example.org", "secrète"]:
        text = html.unescape(client.get("/recherche/", {"q": query}).content.decode())
        assert "Dominique Introuvable" not in text
        assert "Recyclerie secrète" not in text
        assert "Réemploi des matériaux" not in text  # the call is not found by its ideas


def test_sitemap_lists_the_calls_and_no_confirmation_page(client, index):
    call = CallForIdeasPageFactory(parent=index, slug="transitions-2026")
    IdeaFactory(call=call, name="Dominique Introuvable", is_published=True)
    body = client.get("/sitemap.xml").content.decode()
    assert "/appels-a-idees/</loc>" in body
    assert "/appels-a-idees/transitions-2026/</loc>" in body
    assert "merci" not in body
    assert "Introuvable" not in body


def test_confirmation_page_is_not_indexed(client, index):
    call = CallForIdeasPageFactory(parent=index)
    response = client.get(call.url + "merci/")
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex, follow">' in response.content.decode()


def test_closes_on_before_opens_on_is_refused(index):
    from django.core.exceptions import ValidationError

    call = CallForIdeasPage(
        title="Appel à l'envers",
        slug="envers",
        intro="<p>.</p>",
        opens_on=days(5),
        closes_on=days(1),
    )
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "closes_on" in error.value.message_dict


def test_demo_calls_are_loaded_once(demo_site, client):
    index = CallForIdeasIndexPage.objects.get()
    assert index.url == "/appels-a-idees/" and index.show_in_menus and index.live
    today = timezone.localdate()
    open_call = CallForIdeasPage.objects.get(slug="transitions-2026")
    assert open_call.url == "/appels-a-idees/transitions-2026/"
    assert open_call.opens_on == today
    assert open_call.closes_on == add_months(today, 3)
    assert 89 <= (open_call.closes_on - today).days <= 92
    assert open_call.is_open() and open_call.themes.count() == 3

    closed_call = CallForIdeasPage.objects.exclude(pk=open_call.pk).get()
    assert closed_call.state() == "closed" and closed_call.outcome
    published = list(closed_call.published_ideas())
    assert len(published) >= 3
    assert all(idea.public_answer and idea.is_example for idea in published)
    assert Idea.objects.filter(call=closed_call, duplicate_of__isnull=False).exists()

    # The home page's call to action now points to the calls.
    home_page = html.unescape(client.get("/").content.decode())
    assert 'href="/appels-a-idees/"' in home_page and "Proposer une idée" in home_page
    assert client.get(open_call.url).status_code == 200
    closed_page = html.unescape(client.get(closed_call.url).content.decode())
    assert "Ce qui en est sorti" in closed_page
    assert closed_page.count("Exemple fictif") == len(published)  # examples say so

    counts = (
        Page.objects.count(),
        Idea.objects.count(),
        Revision.objects.count(),
    )
    load_demo_content()
    assert (
        Page.objects.count(),
        Idea.objects.count(),
        Revision.objects.count(),
    ) == counts
    assert CallForIdeasPage.objects.get(pk=open_call.pk).closes_on == open_call.closes_on
