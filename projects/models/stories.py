"""Project stories: /projets/ and one page per project.

The queries the pages show live here, as QuerySet methods (`ProjectPage.objects
.cards()`...): each selects and prefetches what its template shows, so the number of
queries of a page does not grow with the number of projects, workshops or ideas.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from operator import getitem

from django.db import models
from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from home import routing
from home.blocks import BaseStreamBlock
from home.images import images_with
from home.models import SectionIndexPage


def related_ids(related) -> QuerySet | list[int]:
    """The primary keys of a ParentalManyToMany relation: a subquery when the relation is in
    the database, a list when it only lives in memory (a page being previewed)."""
    chosen = related.all()
    if isinstance(chosen, QuerySet):
        return chosen.values("pk")
    return [item.pk for item in chosen]


class ProjectIndexPage(RoutablePageMixin, SectionIndexPage):
    """The list of project stories at /projets/, filtered by theme, stage and commune
    (the filter form is handled by `projects.views.stories`)."""

    subpage_types = ["projects.ProjectPage"]

    class Meta:
        verbose_name = _("index des projets")

    @path("")
    def index(self, request):
        return routing.serve("projects.project_index", request, self)


class ProjectPageQuerySet(PageQuerySet):
    def cards(self) -> "ProjectPageQuerySet":
        """Projects as the cards show them: status, themes, communes, image and its rendition."""
        return (
            self.defer_streamfields()
            .select_related("status")
            .prefetch_related(
                "themes",
                "communes",
                Prefetch("hero_image", queryset=images_with("card")),
            )
        )

    def listing(self, index, *, theme=None, status=None, commune=None) -> "ProjectPageQuerySet":
        """The public projects under `index`, filtered, ready for the cards."""
        projects = self.live().public().child_of(index)
        if theme is not None:
            projects = projects.filter(themes=theme)
        if status is not None:
            projects = projects.filter(status=status)
        if commune is not None:
            projects = projects.filter(communes=commune)
        return projects.cards().order_by("is_example", "title", "pk")

    def counted(self) -> "ProjectPageQuerySet":
        """Real projects (not demo examples) that the public can see: the key figures."""
        return self.live().public().filter(is_example=False)

    def count_seeded(self) -> int:
        """Projects seeded by the cluster: real, public, at a status that counts as seeded."""
        return self.counted().filter(status__counts_as_seeded=True).count()

    def sum_jobs_created(self) -> int:
        return self.counted().aggregate(total=Sum("jobs_created"))["total"] or 0


@dataclass(frozen=True)
class LineageStep:
    """One step of a project's timeline: an idea, a workshop or a milestone."""

    kind: str  # "idea", "workshop" or "milestone"
    date: date
    title: str
    description: str = ""
    page: object = None  # the workshop page, or the call an idea answered: to link to it
    ends_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return {"idea": "Idée", "workshop": "Atelier", "milestone": "Étape"}[self.kind]


# What a project's page shows besides its own fields (ProjectPage.story).
STORY = (
    "hero",
    "share_image",
    "themes",
    "communes",
    "lineage",
    "origins",
    "partners",
    "gallery",
    "related",
)


class ProjectPage(RoutablePageMixin, Page):
    """A project story: what the project is, where it came from, and how it grew.

    A project whose stage still seeks people offers "Rejoindre ce projet" on its own
    URL (`rejoindre/`): the story page itself carries no form, so no CSRF token, and can
    be cached whole.
    """

    summary = models.TextField(_("résumé"), max_length=400)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image principale"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image_alt = models.CharField(
        _("texte alternatif de l'image"),
        max_length=250,
        blank=True,
        help_text=_("Laissez vide si l'image est décorative ; sinon décrivez-la."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("histoire du projet"), blank=True)
    themes = ParentalManyToManyField(
        "projects.Theme", verbose_name=_("thèmes"), blank=True, related_name="projects"
    )
    sector = models.CharField(_("secteur"), max_length=120, blank=True)
    communes = ParentalManyToManyField(
        "projects.Commune", verbose_name=_("communes"), blank=True, related_name="projects"
    )
    status = models.ForeignKey(
        "projects.ProjectStatus",
        verbose_name=_("statut"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    jobs_created = models.PositiveIntegerField(_("emplois créés"), default=0)
    start_date = models.DateField(_("date de démarrage"), null=True, blank=True)
    is_example = models.BooleanField(
        _("projet d'exemple"),
        default=False,
        help_text=_(
            "Projet fictif de démonstration : signalé comme tel et exclu des chiffres clés."
        ),
    )
    related_projects = ParentalManyToManyField(
        "self", verbose_name=_("projets liés"), blank=True, symmetrical=False, related_name="+"
    )
    workshops = ParentalManyToManyField(
        "projects.WorkshopPage",
        verbose_name=_("ateliers traversés"),
        blank=True,
        related_name="projects",
    )
    contact_name = models.CharField(_("contact : nom"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact : courriel"), blank=True)
    contact_phone = models.CharField(_("contact : téléphone"), max_length=30, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading=_("Image")
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("themes"),
                FieldPanel("sector"),
                FieldPanel("communes"),
                FieldPanel("jobs_created"),
                FieldPanel("start_date"),
                FieldPanel("is_example"),
            ],
            heading=_("Fiche"),
        ),
        InlinePanel("milestones", label=_("Étape")),
        InlinePanel("partners", label=_("Partenaire")),
        InlinePanel("gallery_images", label=_("Image de la galerie")),
        MultiFieldPanel(
            [FieldPanel("workshops"), FieldPanel("related_projects")],
            heading=_("Liens"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("sector"),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.RelatedFields("communes", [index.SearchField("name")]),
        index.FilterField("is_example"),
    ]
    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("projet")

    objects = PageManager.from_queryset(ProjectPageQuerySet)()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only when the template renders them: its cached parts ({% cached %}, the
        # page's body and head) do not.
        story = SimpleLazyObject(self.story)
        context.update({name: SimpleLazyObject(partial(getitem, story, name)) for name in STORY})
        return context

    def story(self) -> dict:
        """The parts of the page named in STORY, read from the database."""
        context = {}
        workshops = self.public_workshops()
        lineage = self.lineage(workshops=workshops)
        # The hero is also the page's image in link previews (home/templatetags/meta_tags.py).
        hero = (
            images_with("project_hero", "share").filter(pk=self.hero_image_id).first()
            if self.hero_image_id
            else None
        )
        context.update(
            hero=hero,
            share_image=hero,
            themes=list(self.themes.all()),
            communes=list(self.communes.all()),
            lineage=lineage,
            # The calls and workshops that fed the project, linked from its header.
            origins=list(
                {step.page.pk: step for step in lineage if step.page is not None}.values()
            ),
            partners=list(
                self.partners.all().prefetch_related(
                    Prefetch("logo", queryset=images_with("partner_logo"))
                )
            ),
            gallery=list(
                self.gallery_images.all().prefetch_related(
                    Prefetch("image", queryset=images_with("gallery"))
                )
            ),
            related=list(
                ProjectPage.objects.live()
                .public()
                .filter(pk__in=related_ids(self.related_projects))
                .cards()
                .order_by("title")
            ),
        )
        return context

    @property
    def seeks_people(self) -> bool:
        """Whether the project's stage still looks for people to carry it."""
        return self.status is not None and self.status.seeks_people

    # --- routes: the story is Wagtail's own serve; joining goes to a view ----------

    @path("rejoindre/", name="join")
    def join(self, request):
        return routing.serve("projects.project_join", request, self)

    @path("rejoindre/merci/", name="join_thanks")
    def join_thanks(self, request):
        return routing.serve("projects.project_join_thanks", request, self)

    def public_workshops(self) -> list:
        """The public workshops the project went through, oldest first."""
        workshop_model = self._meta.get_field("workshops").related_model
        return list(
            workshop_model.objects.live()
            .public()
            .filter(pk__in=related_ids(self.workshops))
            .defer_streamfields()
            .order_by("starts_at", "pk")
        )

    def lineage(self, *, workshops=None) -> list[LineageStep]:
        """Ideas the project came from, workshops it went through and its milestones, by date.

        Only published ideas that are not duplicates appear, and only their titles: the
        submitter's personal data is never loaded here.
        """
        steps: list[LineageStep] = []
        if self.pk:
            ideas = self.source_ideas.lineage_titles().order_by("created_at", "pk")
            steps += [
                LineageStep(
                    "idea",
                    timezone.localdate(idea.created_at),
                    idea.title,
                    page=idea.call if idea.call_is_public else None,
                )
                for idea in ideas
            ]
        if workshops is None:
            workshops = self.public_workshops()
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
            for milestone in self.milestones.all()
        ]
        order = {"idea": 0, "workshop": 1, "milestone": 2}
        return sorted(steps, key=lambda step: (step.date, order[step.kind]))


class ProjectMilestone(Orderable):
    """A dated step of the project's timeline (lineage: ideas → workshops → milestones)."""

    page = ParentalKey(ProjectPage, related_name="milestones", on_delete=models.CASCADE)
    date = models.DateField(_("date"))
    title = models.CharField(_("étape"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=600)

    panels = [FieldPanel("date"), FieldPanel("title"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("étape")


class ProjectPartner(Orderable):
    page = ParentalKey(ProjectPage, related_name="partners", on_delete=models.CASCADE)
    name = models.CharField(_("nom"), max_length=150)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("site web"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("logo"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("partenaire")


class ProjectGalleryImage(Orderable):
    page = ParentalKey(ProjectPage, related_name="gallery_images", on_delete=models.CASCADE)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    alt_text = models.CharField(_("texte alternatif"), max_length=250)
    caption = models.CharField(_("légende"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("image de la galerie")
