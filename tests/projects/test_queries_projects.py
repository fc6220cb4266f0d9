"""Query budgets: the project index, a project page and a workshop page run the same number
of queries with a handful of projects as with 200 projects, 2,000 ideas and many registrations."""

import datetime
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update

from home.demo.images import ensure_image
from projects.models import (
    Idea,
    ProjectGalleryImage,
    ProjectMilestone,
    ProjectPage,
    ProjectPartner,
    WorkshopRegistration,
)
from tests.projects.factories import (
    CommuneFactory,
    ProjectIndexPageFactory,
    ProjectStatusFactory,
    ThemeFactory,
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    clear_projects_and_workshops,
)
from tests.projects.test_stories import make_idea

pytestmark = pytest.mark.django_db

# Measured with the datasets below (SQLite); a change that adds queries must say why here.
# Counted with the page cache's fragments off (test settings): the menu (2), the
# organisation's settings (1) and the news index's address (2) are read on each page.
PROJECT_INDEX_QUERIES = 22
# +1 for the impulsion fund's commitments to the project (donations' fund_allocations tag).
PROJECT_PAGE_QUERIES = 36
WORKSHOP_PAGE_QUERIES = 22


def count_queries(client, url: str) -> int:
    client.get(url)  # warm Wagtail's per-process caches and create the renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def world():
    """A handful of projects, one of them measured: related projects, ideas, a workshop."""
    clear_projects_and_workshops()  # the demo site's: the datasets below are all there is
    themes = [ThemeFactory(), ThemeFactory()]
    communes = [CommuneFactory(), CommuneFactory()]
    status = ProjectStatusFactory()
    image = ensure_image("Image des projets", "Illustration de test.", "forest")
    workshop = WorkshopPageFactory(
        parent=WorkshopIndexPageFactory(),
        title="Atelier mesuré",
        starts_at=timezone.now() + datetime.timedelta(days=5),
    )
    index = ProjectIndexPageFactory()
    world = {
        "themes": themes,
        "communes": communes,
        "status": status,
        "image": image,
        "workshop": workshop,
        "index": index,
        "count": 0,
    }
    project, *others = add_projects(world, 6)
    project.related_projects = others[:2]
    project.save_revision().publish()
    world["project"] = project
    idea = make_idea("Idée publiée", project=project)
    make_idea("Idée non publiée", project=project, published=False)
    idea.workshops.add(workshop)
    WorkshopRegistration.objects.create(workshop=workshop, name="P", email="p@example.org")
    return world


@contextmanager
def no_index_updates():
    """Skip the search and reference index updates while pages pile up: the pages render
    the same, and building 200 of them stays quick."""
    post_save.disconnect(post_save_signal_handler, sender=ProjectPage)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        post_save.connect(post_save_signal_handler, sender=ProjectPage)


def add_projects(world: dict, count: int) -> list[ProjectPage]:
    """`count` projects as rich as a real story: taxonomies, image, lineage, partners, gallery."""
    with no_index_updates():
        return [_add_project(world) for _ in range(count)]


def _add_project(world: dict) -> ProjectPage:
    number = world["count"] = world["count"] + 1
    page = ProjectPage(
        title=f"Projet {number:03d}",
        slug=f"projet-{number:03d}",
        summary="Un projet du territoire.",
        hero_image=world["image"],
        status=world["status"],
        themes=world["themes"],
        communes=world["communes"],
        workshops=[world["workshop"]],
        milestones=[
            ProjectMilestone(date=datetime.date(2025, 1, 1), title="Démarrage"),
            ProjectMilestone(date=datetime.date(2025, 6, 1), title="Ouverture"),
        ],
        partners=[ProjectPartner(name="Partenaire", logo=world["image"])],
        gallery_images=[ProjectGalleryImage(image=world["image"], alt_text="Vue")],
    )
    world["index"].add_child(instance=page)
    return page


def grow(world: dict) -> None:
    """Up to 200 projects, more of them related to the measured one; 2,000 ideas;
    a workshop with many registrations and ideas."""
    more = add_projects(world, 194)
    project = world["project"]
    project.related_projects = more[:6]
    project.save_revision().publish()
    idea = Idea.objects.first()
    Idea.objects.bulk_create(
        Idea(
            call=idea.call,
            title=f"Idée {number}",
            description="Texte.",
            involvement=Idea.Involvement.INFORMED,
            name="Personne",
            email=f"p{number}@example.org",
            is_published=number % 2 == 0,
            project=project if number < 40 else more[number % len(more)],
        )
        for number in range(2000)
    )
    world["workshop"].ideas.add(*Idea.objects.filter(is_published=True)[:300])
    WorkshopRegistration.objects.bulk_create(
        WorkshopRegistration(workshop=world["workshop"], name="P", email=f"r{n}@example.org")
        for n in range(150)
    )


def test_pages_cost_the_same_with_200_projects_and_2000_ideas(client, world):
    project_url = world["project"].url
    workshop_url = world["workshop"].url
    small = {
        "index": count_queries(client, "/projets/"),
        "filtered": count_queries(client, f"/projets/?theme={world['themes'][0].slug}&page=2"),
        "project": count_queries(client, project_url),
        "workshop": count_queries(client, workshop_url),
    }

    ideas_before = Idea.objects.count()
    grow(world)
    assert ProjectPage.objects.count() == 200
    assert Idea.objects.count() == ideas_before + 2000
    big = {
        "index": count_queries(client, "/projets/"),
        "filtered": count_queries(client, f"/projets/?theme={world['themes'][0].slug}&page=2"),
        "project": count_queries(client, project_url),
        "workshop": count_queries(client, workshop_url),
    }

    assert big == small
    assert big == {
        "index": PROJECT_INDEX_QUERIES,
        "filtered": PROJECT_INDEX_QUERIES,
        "project": PROJECT_PAGE_QUERIES,
        "workshop": WORKSHOP_PAGE_QUERIES,
    }
    # The big dataset really is on the pages measured.
    assert "Page 1 sur 17" in client.get("/projets/").text
    assert "Idée 38" in client.get(project_url).text
    assert "Projet 007" in client.get(project_url).text
