"""Project stories: /projets/ and one page per project."""

from urllib.parse import urlencode

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import SectionIndexPage, paginate

PROJECTS_PER_PAGE = 12


class ProjectIndexPage(SectionIndexPage):
    """The list of project stories at /projets/."""

    subpage_types = ["projects.ProjectPage"]

    class Meta:
        verbose_name = _("index des projets")

    def get_context(self, request, *args, **kwargs):
        from projects import selectors

        context = super().get_context(request, *args, **kwargs)
        choices = {key: list(items) for key, items in selectors.filter_choices().items()}
        # Unknown or malformed values are ignored: a filter never answers an error.
        chosen = {
            "theme": _pick(choices["themes"], request.GET.get("theme")),
            "status": _pick(choices["statuses"], request.GET.get("status")),
            "commune": _pick(choices["communes"], request.GET.get("commune")),
        }
        projects = selectors.project_listing(self, **chosen)
        query_string = urlencode(
            [(key, value.slug) for key, value in chosen.items() if value is not None]
        )
        context.update(
            projects_page=paginate(request, projects, PROJECTS_PER_PAGE),
            filter_choices=choices,
            chosen=chosen,
            is_filtered=bool(query_string),
            query_string=query_string,
        )
        return context


def _pick(items, slug):
    """The item with this slug among `items`, or None for a missing or unknown slug."""
    if not isinstance(slug, str) or not slug:
        return None
    return next((item for item in items if item.slug == slug[:120]), None)


class ProjectPage(Page):
    """A project story: what the project is, where it came from, and how it grew."""

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

    def get_context(self, request, *args, **kwargs):
        from projects import selectors

        context = super().get_context(request, *args, **kwargs)
        workshops = selectors.project_workshops(self)
        context.update(
            hero=selectors.images_with(selectors.HERO_RENDITION)
            .filter(pk=self.hero_image_id)
            .first()
            if self.hero_image_id
            else None,
            themes=list(self.themes.all()),
            communes=list(self.communes.all()),
            lineage=selectors.project_lineage(self, workshops=workshops),
            partners=selectors.project_partners(self),
            gallery=selectors.project_gallery(self),
            related=selectors.related_projects(self),
        )
        return context


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
