"""Query budgets: the home page and the news index cost the same with ten times more news."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.demo.images import ensure_image
from home.models import NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db

# Measured on the demo site (same on SQLite and PostgreSQL); a change that adds
# queries must say why here. Home: site, page, restrictions, 6 key figures (4 computed
# from records), featured pages, news with images, breadcrumbs, the menu (2 queries),
# the organisation's settings (1) and the news index's address (2). Counted as a page
# renders with the page cache and its fragments off (the test settings): with them
# warm, the menu, settings, figures, route and {% cached %} parts cost none
# (tests/home/test_cache.py).
# Home, +2 for "Participer" (home.agenda): the open calls and the next three workshops
# with their places left, one query each, privacy checked inside them (home.privacy);
# tests/projects/test_home_take_part.py shows they stay 2 with more calls and workshops.
# +1 on both: the news cards' image renditions (AVIF, WebP, JPEG in three widths,
# home.images.renditions_of) in one query for all the cards, where a cold rendition
# cache cost one query per card.
HOME_PAGE_QUERIES = 28
NEWS_INDEX_QUERIES = 17


def add_news(count: int, start: int = 0) -> None:
    index = NewsIndexPage.objects.get()
    image = ensure_image("Image de test", "Illustration de test.", "meadow")
    for number in range(start, start + count):
        page = NewsPage(
            title=f"Actualité {number}",
            slug=f"actualite-{number}",
            intro="Brève du territoire.",
            date=datetime.date(2025, 1, 1) + datetime.timedelta(days=number),
            image=image,
        )
        index.add_child(instance=page)
        page.tags.add("territoire", f"lot-{number % 3}")
        page.save()


def count_queries(client, url: str) -> int:
    client.get(url)  # warm Wagtail's per-process caches (site root paths, renditions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "budget"), [("/", HOME_PAGE_QUERIES), ("/actualites/", NEWS_INDEX_QUERIES)]
)
def test_query_count_does_not_grow_with_the_news(client, demo_site, url, budget):
    add_news(3)
    few = count_queries(client, url)
    add_news(30, start=3)
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries with 4 news, {many} with 34"
    assert many == budget, f"{url}: {many} queries, pinned at {budget}"
