"""The benchmark's large site (`load_demo_content --scale N`, home/demo/scale.py): bulk
inserted pages form a sound page tree, live and searchable; a second run adds nothing,
a larger scale adds the difference; and the pages the benchmark measures cost the same
number of queries whatever the scale."""

import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from donations.models import Donation
from home.models import NewsPage
from projects.models import Idea, ProjectPage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def bench_pages() -> list[str]:
    spec = importlib.util.spec_from_file_location("bench_serve", ROOT / "bench" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PAGES


def load(scale: int) -> str:
    out = StringIO()
    call_command("load_demo_content", "--scale", str(scale), stdout=out)
    return out.getvalue()


def generated() -> dict[str, int]:
    return {
        "news": NewsPage.objects.filter(slug__startswith="echelle-").count(),
        "projects": ProjectPage.objects.filter(slug__startswith="echelle-").count(),
        "ideas": Idea.objects.filter(email__endswith="@echelle.exemple").count(),
        "gifts": Donation.objects.filter(email__endswith="@echelle.exemple").count(),
    }


def test_scale_adds_what_is_missing_once_and_grows(demo_site):
    assert "Échelle 1 : ajouté 40 actualités, 10 projets, 200 idées, 100 dons" in load(1)
    assert generated() == {"news": 40, "projects": 10, "ideas": 200, "gifts": 100}
    assert "Échelle 1 déjà atteinte : rien à ajouter." in load(1)
    assert generated() == {"news": 40, "projects": 10, "ideas": 200, "gifts": 100}
    load(2)
    assert generated() == {"news": 80, "projects": 20, "ideas": 400, "gifts": 200}


def test_bulk_inserted_pages_are_a_sound_live_tree(client, demo_site):
    load(1)
    assert Page.find_problems() == ([], [], [], [], [])
    news = NewsPage.objects.filter(slug__startswith="echelle-").order_by("pk").first()
    project = ProjectPage.objects.filter(slug__startswith="echelle-").order_by("pk").first()
    for page in (news, project):
        assert page.live and page.url_path.endswith(f"/{page.slug}/")
        response = client.get(page.url)
        assert response.status_code == 200
        assert page.title in response.content.decode()
    # Their search entries were written in bulk: the search finds them.
    results = client.get("/recherche/", {"q": "Clus'Ter Jura ateliers transition"})
    assert "echelle-" in results.content.decode()


def count(client, url: str) -> int:
    """The page's queries. The search page also reads each page type found on its page of
    results once (home.views.search): that part depends on which types rank first, not
    on how many pages there are (it is bounded by the number of page models), so it is
    left out of the comparison."""
    client.get(url)  # renditions made
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    results = response.context.get("results") if response.context else None
    per_type = len({type(page) for page in results.object_list}) if results else 0
    return len(queries) - per_type


def test_the_benchmarked_pages_cost_the_same_at_two_scales(client, demo_site):
    """Rendered in full (the test settings keep the page cache and its fragments off)."""
    pages = bench_pages()
    load(1)
    small = {url: count(client, url) for url in pages}
    load(3)
    large = {url: count(client, url) for url in pages}
    assert large == small
