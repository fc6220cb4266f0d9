"""Shared fixtures: the demo site built by the real loader.

The demo site is built ONCE per test session, right after the test database is
created (`django_db_setup` below): every test using the database starts from the
demo site as `make run` shows it, and its changes are rolled back afterwards.
Building it per test cost ~10 s each. Transactional and live-server tests
flush the database when they end: `build_demo_site()` rebuilds it for them.
"""

import pytest
from wagtail.models import Collection, Locale, Page

from home.demo.content import load as load_demo_content
from home.models import HomePage


def ensure_wagtail_root() -> Page:
    """Wagtail's root page, root collection and default locale, as migrations create them.

    A live_server test flushes the database (TransactionTestCase), taking them away.
    """
    Locale.objects.get_or_create(language_code="fr")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            instance=Page(title="Root", slug="root", locale=Locale.objects.get(language_code="fr"))
        )
    return root


def build_demo_site() -> HomePage:
    ensure_wagtail_root()
    load_demo_content()
    return HomePage.objects.get()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_demo_site()


@pytest.fixture
def demo_site(db) -> HomePage:
    """The whole demo site (home, news, projects, legal pages) as `make run` shows it."""
    home = HomePage.objects.first()
    return home if home is not None else build_demo_site()


@pytest.fixture(autouse=True)
def _isolated_cache():
    """The rate limits, Wagtail's caches and the page cache (pages and fragments,
    CACHES["pages"]) live in the caches: start each test with them empty."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
