"""Calls for ideas (pages) and the ideas the public sends (a model, followed by staff)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class CallForIdeasIndexPage(Page):
    """The calls for ideas at /appels-a-idees/: open ones first, then closed ones."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["projects.CallForIdeasPage"]
    max_count = 1

    class Meta:
        verbose_name = _("index des appels à idées")


class CallForIdeasPage(Page):
    """A call for ideas: while open it takes submissions without an account."""

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link", "ul", "ol"])
    themes = ParentalManyToManyField(
        "projects.Theme", verbose_name=_("thèmes"), blank=True, related_name="calls"
    )
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture"))
    guiding_questions = RichTextField(
        _("questions pour vous guider"), blank=True, features=["bold", "italic", "ul", "ol"]
    )
    outcome = RichTextField(
        _("ce qui en est sorti"),
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("Affiché une fois l'appel clos."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("opens_on"), FieldPanel("closes_on")], heading=_("Dates")),
        FieldPanel("themes"),
        FieldPanel("guiding_questions"),
        FieldPanel("outcome"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("guiding_questions"),
    ]
    parent_page_types = ["projects.CallForIdeasIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("appel à idées")
        verbose_name_plural = _("appels à idées")


class Idea(models.Model):
    """An idea sent by the public; staff carry it through workshops to a project.

    Personal data (name, email, organisation, phone) never leaves the admin.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("reçue")
        UNDER_STUDY = "under_study", _("à l'étude")
        IN_WORKSHOP = "in_workshop", _("discutée en atelier")
        RETAINED = "retained", _("retenue")
        PROJECT = "project", _("devenue un projet")
        NOT_RETAINED = "not_retained", _("non retenue")

    class Involvement(models.TextChoices):
        INFORMED = "informed", _("Être tenu informé de la suite")
        CONTRIBUTE = "contribute", _("Participer aux ateliers")
        LEAD = "lead", _("Porter le projet")

    call = models.ForeignKey(
        CallForIdeasPage, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="ideas"
    )
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"))
    theme = models.ForeignKey(
        "projects.Theme",
        verbose_name=_("thème"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    commune = models.ForeignKey(
        "projects.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    involvement = models.CharField(
        _("implication souhaitée"), max_length=12, choices=Involvement.choices
    )
    # Personal data: admin only.
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("courriel"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    consent_processing = models.BooleanField(
        _("accepte le traitement de ses données"), default=False
    )
    consent_contact = models.BooleanField(_("accepte d'être recontacté"), default=False)
    # Staff side.
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    public_answer = models.TextField(
        _("réponse publique"),
        blank=True,
        help_text=_("Envoyée à la personne et affichée si l'idée est publiée."),
    )
    staff_notes = models.TextField(_("notes internes"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suivie par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_ideas",
    )
    is_published = models.BooleanField(_("publiée"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("doublon de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    workshops = models.ManyToManyField(
        "projects.WorkshopPage", verbose_name=_("ateliers"), blank=True, related_name="ideas"
    )
    project = models.ForeignKey(
        "projects.ProjectPage",
        verbose_name=_("projet issu de l'idée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_ideas",
    )
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        indexes = [models.Index(fields=["call", "is_published", "-created_at"])]

    def __str__(self):
        return self.title
