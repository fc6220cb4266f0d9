"""Project stories: where pages may live, the filtered index, the story page and its lineage,
the figures computed from the records, search, sitemap and the demo content."""

import datetime
import re

import pytest
from wagtail.models import Page, PageViewRestriction

from home.demo.images import ensure_image
from home.models import HomePage, KeyFigure
from projects.models import (
    CallForIdeasIndexPage,
    CallForIdeasPage,
    Idea,
    ProjectGalleryImage,
    ProjectIndexPage,
    ProjectMilestone,
    ProjectPage,
    ProjectPartner,
    WorkshopIndexPage,
    WorkshopPage,
)
from tests.projects.factories import (
    CommuneFactory,
    ProjectIndexPageFactory,
    ProjectPageFactory,
    ProjectStatusFactory,
    ThemeFactory,
    WorkshopIndexPageFactory,
    WorkshopPageFactory,
    clear_projects_and_workshops,
    site_home,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleared(db):
    """The demo site without its projects and workshops: each test counts what it creates."""
    clear_projects_and_workshops()


@pytest.fixture
def index(cleared):
    return ProjectIndexPageFactory()


@pytest.fixture
def taxonomy():
    return {
        "eco": ThemeFactory(name="Transition écologique", slug="transition-ecologique"),
        "social": ThemeFactory(name="Transition sociale", slug="transition-sociale"),
        "idea": ProjectStatusFactory(name="Idée", slug="idee", counts_as_seeded=False),
        "launched": ProjectStatusFactory(name="Lancé", slug="lance", counts_as_seeded=True),
        "dole": CommuneFactory(name="Dole", slug="dole", postal_code="39100"),
        "morez": CommuneFactory(name="Morez", slug="morez", postal_code="39400"),
    }


def card_titles(response) -> list[str]:
    return re.findall(r'<h2 class="card__title"><a href="[^"]+">([^<]+)</a>', response.text)


def make_idea(title: str, *, project=None, published=True, email="secret@example.org", **extra):
    """An idea sent to a call (created on demand), optionally linked to a project."""
    home = site_home()
    calls = CallForIdeasIndexPage.objects.first()
    if calls is None:
        calls = CallForIdeasIndexPage(title="Appels à idées", slug="appels-a-idees")
        home.add_child(instance=calls)
    call = CallForIdeasPage.objects.first()
    if call is None:
        call = CallForIdeasPage(
            title="Transitions",
            slug="transitions",
            intro="<p>Vos idées.</p>",
            opens_on=datetime.date(2025, 1, 1),
            closes_on=datetime.date(2025, 3, 31),
        )
        calls.add_child(instance=call)
    return Idea.objects.create(
        call=call,
        title=title,
        description="Une description.",
        involvement=Idea.Involvement.INFORMED,
        name="Claude Personne",
        email=email,
        phone="06 00 00 00 00",
        consent_processing=True,
        is_published=published,
        project=project,
        **extra,
    )


# Where pages may live ----------------------------------------------------------------


def test_project_pages_live_only_under_the_single_project_index():
    assert ProjectPage.allowed_parent_page_models() == [ProjectIndexPage]
    assert ProjectIndexPage.allowed_subpage_models() == [ProjectPage]
    assert ProjectIndexPage.allowed_parent_page_models() == [HomePage]
    assert ProjectIndexPage.max_count == 1
    assert ProjectPage.allowed_subpage_models() == []


def test_a_second_project_index_cannot_be_created(index):
    assert not ProjectIndexPage.can_create_at(site_home())
    assert ProjectPage.can_create_at(index)
    assert not ProjectPage.can_create_at(site_home())


# The index and its filters -------------------------------------------------------------


@pytest.fixture
def listed(index, taxonomy):
    t = taxonomy
    return {
        "bois": ProjectPageFactory(
            parent=index,
            title="Filière bois",
            themes=[t["eco"]],
            status=t["launched"],
            communes=[t["morez"]],
        ),
        "cantine": ProjectPageFactory(
            parent=index,
            title="Cantine locale",
            themes=[t["eco"], t["social"]],
            status=t["idea"],
            communes=[t["dole"]],
        ),
        "garde": ProjectPageFactory(
            parent=index,
            title="Garde partagée",
            themes=[t["social"]],
            status=t["launched"],
            communes=[t["dole"], t["morez"]],
            is_example=True,
        ),
    }


def test_index_lists_live_public_projects_real_ones_first(client, index, listed):
    draft = ProjectPageFactory(parent=index, title="Brouillon")
    draft.unpublish()
    private = ProjectPageFactory(parent=index, title="Réservé")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    response = client.get("/projets/")

    assert response.status_code == 200
    assert card_titles(response) == ["Cantine locale", "Filière bois", "Garde partagée"]
    assert "3 projets" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=transition-ecologique", ["Cantine locale", "Filière bois"]),
        ("theme=transition-sociale", ["Cantine locale", "Garde partagée"]),
        ("status=lance", ["Filière bois", "Garde partagée"]),
        ("commune=dole", ["Cantine locale", "Garde partagée"]),
        ("theme=transition-sociale&status=lance&commune=morez", ["Garde partagée"]),
        ("theme=transition-ecologique&status=idee&commune=morez", []),
    ],
)
def test_index_filters_by_theme_status_and_commune(client, listed, query, expected):
    response = client.get(f"/projets/?{query}")

    assert response.status_code == 200
    assert card_titles(response) == expected


def test_index_filter_form_keeps_the_chosen_values_and_offers_a_reset(client, listed):
    response = client.get("/projets/?theme=transition-sociale&commune=dole")
    html = response.text

    assert '<option value="transition-sociale" selected>' in html
    assert '<option value="dole" selected>' in html
    assert '<option value="lance" selected>' not in html
    assert '<label for="filtre-theme">Thème</label>' in html
    assert '<button class="button button--primary" type="submit">Filtrer</button>' in html
    assert "2 projets correspondant à vos filtres" in html
    assert '<a href="/projets/">Réinitialiser</a>' in html
    assert 'name="robots" content="noindex, follow"' in html


def test_index_without_filters_has_no_reset_link(client, listed):
    assert "Réinitialiser" not in client.get("/projets/").text


def test_index_says_when_no_project_matches(client, listed):
    response = client.get("/projets/?theme=transition-ecologique&status=idee&commune=morez")

    assert "Aucun projet ne correspond à ces filtres" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "theme=inconnu",
        "status=%00%ff",
        "commune=" + "x" * 5000,
        "page=abc",
        "page=-1",
        "page=99999",
        "theme=transition-sociale&theme=transition-ecologique",
        "theme[]=1&status=<script>",
    ],
)
def test_bad_filter_values_never_fail(client, listed, query):
    response = client.get(f"/projets/?{query}")

    assert response.status_code == 200
    assert "<script>" not in response.text.split("<main", 1)[1]


def test_an_unknown_slug_is_ignored_rather_than_emptying_the_list(client, listed):
    response = client.get("/projets/?theme=inconnu&commune=dole")

    assert card_titles(response) == ["Cantine locale", "Garde partagée"]


def test_index_paginates_twelve_a_page_and_keeps_the_filters(client, index, taxonomy):
    for number in range(14):
        ProjectPageFactory(parent=index, title=f"Projet {number:02d}", themes=[taxonomy["eco"]])
    ProjectPageFactory(parent=index, title="Autre thème", themes=[taxonomy["social"]])

    first = client.get("/projets/?theme=transition-ecologique")
    second = client.get("/projets/?theme=transition-ecologique&page=2")

    assert len(card_titles(first)) == 12
    assert "Page 1 sur 2" in first.text
    assert 'href="?theme=transition-ecologique&amp;page=2"' in first.text
    assert card_titles(second) == ["Projet 12", "Projet 13"]
    assert 'href="?theme=transition-ecologique&amp;page=1"' in second.text
    assert client.get("/projets/?theme=transition-ecologique&page=abc").status_code == 200


def test_cards_show_image_status_themes_communes_and_example_badge(client, index, listed):
    image = ensure_image("Image de carte", "Illustration de test.", "forest")
    listed["garde"].hero_image = image
    listed["garde"].save_revision().publish()

    html = client.get("/projets/").text
    card = html.split('href="/projets/garde-partagee/"')[0].rsplit('<li class="card', 1)[1]
    card += html.split('href="/projets/garde-partagee/"')[1].split("</li>", 1)[0]

    assert re.search(r'<img alt="" class="card__image"[^>]+fill-480x270', card)
    assert "Lancé" in card
    assert "Exemple" in card
    assert "Transition sociale" in card
    assert "Dole, Morez" in card
    bois = html.split('href="/projets/filiere-bois/"')[0].rsplit('<li class="card', 1)[1]
    assert "Exemple" not in bois


# The project page and its lineage ------------------------------------------------------


@pytest.fixture
def story(index, taxonomy):
    workshops = WorkshopIndexPageFactory()
    held = WorkshopPageFactory(
        parent=workshops,
        title="Atelier circuits courts",
        starts_at=datetime.datetime(2024, 3, 14, 17, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2024, 3, 14, 19, 0, tzinfo=datetime.UTC),
    )
    related = ProjectPageFactory(parent=index, title="Projet voisin")
    logo = ensure_image("Logo partenaire", "Logo.", "clay")
    photo = ensure_image("Photo du projet", "Photo.", "lake")
    project = ProjectPageFactory(
        parent=index,
        title="Légumerie partagée",
        summary="Préparer les légumes des fermes pour les cantines.",
        hero_image=ensure_image("Image principale", "Illustration.", "meadow"),
        hero_image_alt="Des caisses de légumes devant la légumerie",
        body=[("paragraph", "<p>Tout a commencé par une question.</p>")],
        themes=[taxonomy["eco"]],
        communes=[taxonomy["dole"]],
        status=taxonomy["launched"],
        sector="Alimentation",
        jobs_created=3,
        start_date=datetime.date(2025, 1, 6),
        workshops=[held],
        related_projects=[related],
        milestones=[
            ProjectMilestone(date=datetime.date(2025, 9, 1), title="Première livraison"),
            ProjectMilestone(date=datetime.date(2025, 1, 6), title="Étude lancée"),
        ],
        partners=[ProjectPartner(name="Groupement paysan", url="https://example.org/", logo=logo)],
        gallery_images=[ProjectGalleryImage(image=photo, alt_text="La chambre froide")],
        contact_name="Équipe projet",
        contact_email="projet@example.org",
        contact_phone="03 84 00 00 00",
    )
    idea = make_idea("Des légumes locaux à la cantine", project=project, email="idee@exemple.fr")
    Idea.objects.filter(pk=idea.pk).update(
        created_at=datetime.datetime(2023, 11, 2, 10, 0, tzinfo=datetime.UTC)
    )
    make_idea("Idée encore à l'étude", project=project, published=False, email="cachee@exemple.fr")
    return project


def test_project_page_shows_every_field(client, story):
    html = client.get("/projets/legumerie-partagee/").text

    for text in [
        "Légumerie partagée",
        "Préparer les légumes des fermes pour les cantines.",
        'alt="Des caisses de légumes devant la légumerie"',
        "Tout a commencé par une question.",
        "Transition écologique",
        "Dole",
        "Lancé",
        "Alimentation",
        "<dt>Emplois créés</dt><dd>3</dd>",
        "janvier 2025",
        "Groupement paysan",
        'href="https://example.org/"',
        'alt="La chambre froide"',
        "Projet voisin",
        "Équipe projet",
        'href="mailto:projet@example.org"',
        'href="tel:0384000000"',
    ]:
        assert text in html, text


def test_lineage_merges_ideas_workshops_and_milestones_by_date(client, story):
    html = client.get("/projets/legumerie-partagee/").text
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]

    titles = re.findall(r'<h3 class="timeline__title">(?:<a [^>]+>)?([^<]+)', timeline)
    assert titles == [
        "Des légumes locaux à la cantine",
        "Atelier circuits courts",
        "Étude lancée",
        "Première livraison",
    ]
    assert "2 novembre 2023" in timeline
    assert "14 mars 2024" in timeline
    assert 'href="/ateliers/atelier-circuits-courts/"' in timeline


def test_lineage_shows_published_ideas_by_title_only(client, story):
    html = client.get("/projets/legumerie-partagee/").text

    assert "Des légumes locaux à la cantine" in html
    assert "Idée encore à l'étude" not in html
    for personal in ["idee@exemple.fr", "cachee@exemple.fr", "Claude Personne", "06 00 00 00 00"]:
        assert personal not in html
    assert "Une description." not in html


def test_lineage_skips_workshops_that_are_not_published(story):
    workshop = story.workshops.get()
    workshop.unpublish()

    kinds = [step.kind for step in story.lineage()]

    assert kinds == ["idea", "milestone", "milestone"]


def test_example_project_says_it_is_fictional(client, index):
    ProjectPageFactory(parent=index, title="Projet fictif", is_example=True)

    html = client.get("/projets/projet-fictif/").text

    assert "Exemple" in html
    assert "Projet fictif présenté pour illustrer" in html


def test_project_page_preview_of_an_unsaved_page_renders(rf, index, taxonomy):
    page = ProjectPage(title="Aperçu", slug="apercu", summary="Résumé.", themes=[taxonomy["eco"]])
    page.path, page.depth = index.path + "0001", index.depth + 1
    request = rf.get("/")
    request.user = None

    context = page.get_context(request)

    assert context["lineage"] == []
    assert context["themes"] == [taxonomy["eco"]]


# Figures computed from the records -----------------------------------------------------


def test_figures_count_only_real_public_seeded_projects_and_their_jobs(index, taxonomy):
    ProjectPageFactory(parent=index, status=taxonomy["launched"], jobs_created=4)
    ProjectPageFactory(parent=index, status=taxonomy["launched"], jobs_created=2)
    ProjectPageFactory(parent=index, status=taxonomy["idea"], jobs_created=1)  # not seeded yet
    ProjectPageFactory(parent=index, status=None, jobs_created=0)
    ProjectPageFactory(parent=index, status=taxonomy["launched"], jobs_created=50, is_example=True)
    draft = ProjectPageFactory(parent=index, status=taxonomy["launched"], jobs_created=7)
    draft.unpublish()
    private = ProjectPageFactory(parent=index, status=taxonomy["launched"], jobs_created=9)
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    assert ProjectPage.objects.count_seeded() == 2
    assert ProjectPage.objects.sum_jobs_created() == 7


def test_figures_are_zero_without_records(cleared):
    assert ProjectPage.objects.count_seeded() == 0
    assert ProjectPage.objects.sum_jobs_created() == 0
    assert WorkshopPage.objects.count_held() == 0


def test_workshops_held_counts_past_public_workshops_only(cleared):
    workshops = WorkshopIndexPageFactory()
    now = datetime.datetime.now(datetime.UTC)
    WorkshopPageFactory(parent=workshops, starts_at=now - datetime.timedelta(days=30))
    WorkshopPageFactory(parent=workshops, starts_at=now - datetime.timedelta(hours=1))
    WorkshopPageFactory(parent=workshops, starts_at=now + datetime.timedelta(days=3))
    WorkshopPageFactory(parent=workshops, starts_at=now - datetime.timedelta(days=2)).unpublish()

    assert WorkshopPage.objects.count_held() == 2


def test_home_figure_adds_the_offset_to_the_records(index, taxonomy):
    ProjectPageFactory(parent=index, status=taxonomy["launched"], jobs_created=3)
    home = site_home()
    projects = KeyFigure.objects.create(page=home, label="projets", offset=20, source="projects")
    jobs = KeyFigure.objects.create(page=home, label="emplois", offset=50, source="jobs")

    assert projects.value == 21
    assert jobs.value == 53


# Search and sitemap --------------------------------------------------------------------


def test_search_finds_projects_and_workshops(client, story):
    assert "Légumerie partagée" in client.get("/recherche/?q=légumerie").text
    assert "Atelier circuits courts" in client.get("/recherche/?q=circuits").text


def test_sitemap_lists_projects_and_workshops(client, story):
    xml = client.get("/sitemap.xml").text

    assert "/projets/legumerie-partagee/" in xml
    assert "/ateliers/atelier-circuits-courts/" in xml
    assert "/projets/</loc>" in xml


# Demo content ----------------------------------------------------------------------------


def test_demo_content_fills_projects_workshops_and_taxonomies_once(demo_site, client):
    """One test, because building the demo site takes several seconds."""
    from wagtail.models import Revision

    from home.demo.content import load
    from projects.models import Commune, ProjectStatus, Theme, WorkshopRegistration

    index = ProjectIndexPage.objects.get()
    projects = ProjectPage.objects.child_of(index)
    real = projects.filter(is_example=False)

    assert sorted(real.values_list("slug", flat=True)) == [
        "atelier-textile-jurassien",
        "ensemble-bi-eau",
    ]
    assert all(page.status.counts_as_seeded for page in real)
    assert projects.filter(is_example=True).count() == 6
    assert Theme.objects.count() == 3
    assert Commune.objects.filter(slug="conliege", postal_code="39570").exists()
    assert list(ProjectStatus.objects.values_list("name", "counts_as_seeded")) == [
        ("Idée", False),
        ("En atelier", False),
        ("Amorcé", True),
        ("Lancé", True),
        ("Autonome", True),
    ]
    assert WorkshopIndexPage.objects.get().show_in_menus
    assert WorkshopPage.objects.filter(capacity=2).exists()
    assert WorkshopPage.objects.upcoming(WorkshopIndexPage.objects.get()).count() == 2
    assert ProjectPage.objects.filter(workshops__isnull=False).exists()
    assert ProjectMilestone.objects.exists()

    # The key figures read as in the 2021 article, and link to their lists.
    html = client.get("/").text
    assert re.search(r'href="/ateliers/">\s*<span class="figure__value">[^\n]*71</span>', html)
    assert re.search(r'href="/projets/">\s*<span class="figure__value">[^\n]*22</span>', html)
    assert re.search(r'href="/projets/">\s*<span class="figure__value">[^\n]*50</span>', html)

    # Loading again changes nothing.
    def snapshot():
        return (
            Page.objects.count(),
            Revision.objects.count(),
            Theme.objects.count(),
            Commune.objects.count(),
            ProjectStatus.objects.count(),
            WorkshopRegistration.objects.count(),
            ProjectMilestone.objects.count(),
            list(KeyFigure.objects.values_list("offset", "link_page")),
        )

    before = snapshot()
    load()
    assert snapshot() == before
    assert ProjectPage.objects.filter(slug="atelier-textile-jurassien").count() == 1
