"""Thematic workshops: /ateliers/, registration with a capacity and a waiting list."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BaseStreamBlock


class WorkshopIndexPage(Page):
    """Upcoming and past workshops at /ateliers/."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["projects.WorkshopPage"]
    max_count = 1

    class Meta:
        verbose_name = _("index des ateliers")


class WorkshopPage(Page):
    """One thematic workshop: when, where, who facilitates, who registered."""

    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    theme = models.ForeignKey(
        "projects.Theme",
        verbose_name=_("thème"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshops",
    )
    communes = ParentalManyToManyField(
        "projects.Commune", verbose_name=_("communes"), blank=True, related_name="workshops"
    )
    facilitators = models.CharField(
        _("animation"), max_length=300, blank=True, help_text=_("Noms séparés par des virgules.")
    )
    summary = models.TextField(_("résumé"), max_length=600)
    body = StreamField(BaseStreamBlock(), verbose_name=_("programme et compte rendu"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), default=20, help_text=_("0 : pas d'inscription en ligne.")
    )
    registration_open = models.BooleanField(_("inscriptions ouvertes"), default=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("starts_at"),
                FieldPanel("ends_at"),
                FieldPanel("place"),
                FieldPanel("address"),
            ],
            heading=_("Quand et où"),
        ),
        FieldPanel("theme"),
        FieldPanel("communes"),
        FieldPanel("facilitators"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("capacity"), FieldPanel("registration_open")], heading=_("Inscriptions")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("place"),
        index.SearchField("body"),
    ]
    parent_page_types = ["projects.WorkshopIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("atelier")


class WorkshopRegistration(models.Model):
    """A person registered to a workshop, confirmed or on the waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("inscrit")
        WAITING = "waiting", _("liste d'attente")
        CANCELLED = "cancelled", _("annulé")

    workshop = models.ForeignKey(
        WorkshopPage,
        verbose_name=_("atelier"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("courriel"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("inscription à un atelier")
        verbose_name_plural = _("inscriptions aux ateliers")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "email"],
                condition=~models.Q(status="cancelled"),
                name="unique_active_registration_per_email",
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.workshop}"
