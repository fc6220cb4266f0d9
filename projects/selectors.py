"""Read-side queries of the projects app: listings, lineage and the home page figures.

Listings select and prefetch what their templates show, so the number of queries
of a page does not grow with the number of projects, workshops or ideas.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from wagtail.images import get_image_model

from projects.models import Idea, ProjectPage, ProjectStatus, WorkshopPage, WorkshopRegistration

# Rendition filter specs used by the templates: prefetched with the images they belong to.
CARD_RENDITION = "fill-480x270"
HERO_RENDITION = "fill-1200x600"
GALLERY_RENDITION = "fill-600x400"
LOGO_RENDITION = "max-200x100"


def images_with(*filter_specs: str) -> QuerySet:
    """Images with the renditions the templates will ask for, fetched in one more query."""
    return get_image_model().objects.prefetch_renditions(*filter_specs)


# Key figures (registered with home.figures in ProjectsConfig.ready) ---------------------


def _counted_projects() -> QuerySet:
    """Real projects (not demo examples) that the public can see."""
    return ProjectPage.objects.live().public().filter(is_example=False)


def count_projects() -> int:
    """Projects seeded by the cluster: real, public, at a status that counts as seeded."""
    return _counted_projects().filter(status__counts_as_seeded=True).count()


def count_workshops_held() -> int:
    """Public workshops that have already taken place."""
    return WorkshopPage.objects.live().public().filter(starts_at__lt=timezone.now()).count()


def sum_jobs_created() -> int:
    """Jobs created by real, public projects."""
    return _counted_projects().aggregate(total=Sum("jobs_created"))["total"] or 0


# Project stories ------------------------------------------------------------------------


def project_cards(queryset: QuerySet) -> QuerySet:
    """Projects as the cards show them: status, themes, communes, image and its rendition."""
    return (
        queryset.defer_streamfields()
        .select_related("status")
        .prefetch_related(
            "themes",
            "communes",
            Prefetch("hero_image", queryset=images_with(CARD_RENDITION)),
        )
    )


def project_listing(index, *, theme=None, status=None, commune=None) -> QuerySet:
    """The public projects under `index`, filtered, ready for the cards."""
    projects = ProjectPage.objects.live().public().child_of(index)
    if theme is not None:
        projects = projects.filter(themes=theme)
    if status is not None:
        projects = projects.filter(status=status)
    if commune is not None:
        projects = projects.filter(communes=commune)
    return project_cards(projects).order_by("is_example", "title", "pk")


@dataclass(frozen=True)
class LineageStep:
    """One step of a project's timeline: an idea, a workshop or a milestone."""

    kind: str  # "idea", "workshop" or "milestone"
    date: date
    title: str
    description: str = ""
    page: object = None  # the workshop page, to link to it
    ends_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return {"idea": "Idée", "workshop": "Atelier", "milestone": "Étape"}[self.kind]


def project_lineage(project: ProjectPage, *, workshops=None) -> list[LineageStep]:
    """Ideas the project came from, workshops it went through and its milestones, by date.

    Only published ideas appear, and only their titles: the submitter's personal
    data is never loaded here.
    """
    steps: list[LineageStep] = []
    if project.pk:
        ideas = (
            Idea.objects.filter(project=project, is_published=True)
            .only("pk", "title", "created_at")
            .order_by("created_at", "pk")
        )
        steps += [
            LineageStep("idea", timezone.localdate(idea.created_at), idea.title) for idea in ideas
        ]
    if workshops is None:
        workshops = project_workshops(project)
    steps += [
        LineageStep(
            "workshop",
            timezone.localdate(workshop.starts_at),
            workshop.title,
            description=workshop.place,
            page=workshop,
            ends_at=workshop.ends_at,
        )
        for workshop in workshops
    ]
    steps += [
        LineageStep("milestone", milestone.date, milestone.title, milestone.description)
        for milestone in project.milestones.all()
    ]
    order = {"idea": 0, "workshop": 1, "milestone": 2}
    return sorted(steps, key=lambda step: (step.date, order[step.kind]))


def _ids(related) -> QuerySet | list[int]:
    """The primary keys of a ParentalManyToMany relation: a subquery when the relation is in
    the database, a list when it only lives in memory (a page being previewed)."""
    chosen = related.all()
    if isinstance(chosen, QuerySet):
        return chosen.values("pk")
    return [item.pk for item in chosen]


def project_workshops(project: ProjectPage) -> list[WorkshopPage]:
    """The public workshops the project went through, oldest first."""
    return list(
        WorkshopPage.objects.live()
        .public()
        .filter(pk__in=_ids(project.workshops))
        .defer_streamfields()
        .order_by("starts_at", "pk")
    )


def related_projects(project: ProjectPage) -> list[ProjectPage]:
    """The public related projects, as cards."""
    return list(
        project_cards(
            ProjectPage.objects.live().public().filter(pk__in=_ids(project.related_projects))
        ).order_by("title")
    )


def project_partners(project: ProjectPage) -> list:
    return list(
        project.partners.all().prefetch_related(
            Prefetch("logo", queryset=images_with(LOGO_RENDITION))
        )
    )


def project_gallery(project: ProjectPage) -> list:
    return list(
        project.gallery_images.all().prefetch_related(
            Prefetch("image", queryset=images_with(GALLERY_RENDITION))
        )
    )


def filter_choices() -> dict[str, QuerySet]:
    """The taxonomies offered by the project index filters."""
    from projects.models import Commune, Theme

    return {
        "themes": Theme.objects.all(),
        "statuses": ProjectStatus.objects.all(),
        "communes": Commune.objects.all(),
    }


# Workshops ------------------------------------------------------------------------------

_confirmed = Count("registrations", filter=Q(registrations__status="confirmed"))


def workshop_cards(queryset: QuerySet) -> QuerySet:
    """Workshops as the cards show them, with their confirmed registrations and places left."""
    return (
        queryset.defer_streamfields()
        .select_related("theme")
        .annotate(confirmed_count=_confirmed)
        .annotate(places_left=Greatest(F("capacity") - F("confirmed_count"), Value(0)))
    )


def upcoming_workshops(index) -> QuerySet:
    now = timezone.now()
    return workshop_cards(
        WorkshopPage.objects.live().public().child_of(index).filter(ends_at__gte=now)
    ).order_by("starts_at", "pk")


def past_workshops(index) -> QuerySet:
    now = timezone.now()
    return workshop_cards(
        WorkshopPage.objects.live().public().child_of(index).filter(ends_at__lt=now)
    ).order_by("-starts_at", "-pk")


def confirmed_count(workshop: WorkshopPage) -> int:
    return workshop.registrations.filter(status=WorkshopRegistration.Status.CONFIRMED).count()


def workshop_ideas(workshop: WorkshopPage) -> list:
    """The published ideas discussed in this workshop: titles only."""
    if not workshop.pk:
        return []
    return list(
        Idea.objects.filter(workshops=workshop, is_published=True)
        .only("pk", "title")
        .order_by("title", "pk")
    )


def workshop_projects(workshop: WorkshopPage) -> list[ProjectPage]:
    """The public projects that went through this workshop."""
    if not workshop.pk:
        return []
    return list(
        project_cards(ProjectPage.objects.live().public().filter(workshops=workshop)).order_by(
            "title"
        )
    )
