"""Thematic workshops: /ateliers/, registration with a capacity and a waiting list.

The registration form and the self-service cancel link are handled by
`projects.views.workshops`; the rules of registering live in
`projects.services.workshops`.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Greatest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from home import routing
from home.blocks import BaseStreamBlock
from home.models import SectionIndexPage, paginate
from home.privacy import in_private_section
from projects.constants import (
    REGISTRANT_NAME_MAX,
    REGISTRANT_ORGANISATION_MAX,
    WORKSHOPS_PER_PAGE,
    RegistrationStatus,
)


class WorkshopIndexPage(SectionIndexPage):
    """Upcoming and past workshops at /ateliers/."""

    subpage_types = ["projects.WorkshopPage"]

    class Meta:
        verbose_name = _("index des ateliers")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        past_page = paginate(request, WorkshopPage.objects.past(self), WORKSHOPS_PER_PAGE)
        context.update(
            # Upcoming workshops head the first page; past ones follow, paginated.
            upcoming=list(WorkshopPage.objects.upcoming(self)) if past_page.number == 1 else [],
            past_page=past_page,
        )
        return context


_confirmed = Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED))


class WorkshopPageQuerySet(PageQuerySet):
    def cards(self) -> "WorkshopPageQuerySet":
        """Workshops as the cards show them, with their confirmed registrations and places left."""
        return (
            self.defer_streamfields()
            .select_related("theme")
            .annotate(confirmed_count=_confirmed)
            .annotate(places_left=Greatest(F("capacity") - F("confirmed_count"), Value(0)))
        )

    def upcoming(self, index) -> "WorkshopPageQuerySet":
        return (
            self.live()
            .public()
            .child_of(index)
            .filter(ends_at__gte=timezone.now())
            .cards()
            .order_by("starts_at", "pk")
        )

    def past(self, index) -> "WorkshopPageQuerySet":
        return (
            self.live()
            .public()
            .child_of(index)
            .filter(ends_at__lt=timezone.now())
            .cards()
            .order_by("-starts_at", "-pk")
        )

    def next_public(self) -> "WorkshopPageQuerySet":
        """Public workshops still to start, anywhere on the site, soonest first, as cards:
        one query, privacy checked in SQL (the home page's agenda)."""
        return (
            self.live()
            .filter(~in_private_section(), starts_at__gte=timezone.now())
            .cards()
            .order_by("starts_at", "pk")
        )

    def count_held(self) -> int:
        """Public workshops that have already taken place (a key figure)."""
        return self.live().public().filter(starts_at__lt=timezone.now()).count()


class WorkshopPage(RoutablePageMixin, Page):
    """One thematic workshop: when, where, who facilitates, who registered."""

    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        help_text=_(
            "Facultatif, par exemple 46.67440 : place le lien « Voir sur OpenStreetMap » "
            "sur le point exact. Sans elle, le lien cherche l'adresse."
        ),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
        help_text=_("Facultatif, par exemple 5.55510 (à l'est de Greenwich : positive)."),
    )
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
                FieldPanel("latitude"),
                FieldPanel("longitude"),
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
        index.RelatedFields("theme", [index.SearchField("name")]),
        index.FilterField("starts_at"),
    ]
    parent_page_types = ["projects.WorkshopIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("atelier")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fin doit suivre le début.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {
                    "longitude" if self.longitude is None else "latitude": _(
                        "Donnez la latitude et la longitude, ou aucune des deux."
                    )
                }
            )

    @property
    def location(self) -> str:
        """Where, on one line: the place, then its address."""
        return ", ".join(part for part in (self.place, self.address) if part)

    @property
    def map_url(self) -> str:
        """The workshop on openstreetmap.org: the exact point when staff gave it, else a
        search for the address. Only a link: no page of ours loads anything from there."""
        if self.latitude is not None and self.longitude is not None:
            query = urlencode({"mlat": self.latitude, "mlon": self.longitude})
            return f"https://www.openstreetmap.org/?{query}#map=17/{self.latitude}/{self.longitude}"
        return "https://www.openstreetmap.org/search?" + urlencode({"query": self.location})

    @property
    def geo_uri(self) -> str:
        """`geo:` link (RFC 5870) that opens the phone's own map application."""
        if self.latitude is None or self.longitude is None:
            return ""
        return f"geo:{self.latitude},{self.longitude}"

    @property
    def facilitator_list(self) -> list[str]:
        return [name.strip() for name in self.facilitators.split(",") if name.strip()]

    objects = PageManager.from_queryset(WorkshopPageQuerySet)()

    def closed_reason(self) -> str | None:
        """Why this workshop takes no registration right now, or None when it does."""
        if self.starts_at <= timezone.now():
            return _gettext("Cet atelier a déjà eu lieu : les inscriptions sont fermées.")
        if not self.registration_open or self.capacity == 0:
            return _gettext("Les inscriptions en ligne à cet atelier sont fermées.")
        return None

    def confirmed_count(self) -> int:
        if not self.pk:
            return 0
        return self.registrations.filter(status=RegistrationStatus.CONFIRMED).count()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        confirmed = self.confirmed_count()
        context.update(
            confirmed_count=confirmed,
            places_left=max(self.capacity - confirmed, 0),
            closed_reason=self.closed_reason(),
            # Published ideas (duplicates left out) and public projects: titles and cards.
            ideas=list(self.ideas.public_titles().order_by("title", "pk")) if self.pk else [],
            born_projects=list(self.projects.live().public().cards().order_by("title"))
            if self.pk
            else [],
        )
        return context

    # --- routes: thin, the views (projects.views.workshops) do the work ----------

    @path("")
    def workshop(self, request):
        """The workshop page; a POST is a registration (post/redirect/get on success)."""
        return routing.serve("projects.workshop", request, self)

    # Wagtail page URLs take no dot: the file name comes from Content-Disposition.
    @path("calendrier/", name="ics")
    def ics(self, request):
        return routing.serve("projects.workshop_ics", request, self)

    @path("plan/", name="map")
    def map_page(self, request):
        """The address and how to get there, with a link to OpenStreetMap (not embedded)."""
        return TemplateResponse(
            request,
            "projects/workshop_map.html",
            {"page": self, "self": self, "subpage_title": _gettext("Plan d'accès")},
        )

    @path("annuler/<str:token>/", name="cancel")
    def cancel(self, request, token):
        """The link sent to a registrant to cancel their place themselves."""
        return routing.serve("projects.workshop_cancel", request, self, token=token)


class WorkshopRegistration(models.Model):
    """A person registered to a workshop, confirmed or on the waiting list."""

    Status = RegistrationStatus

    workshop = models.ForeignKey(
        WorkshopPage,
        verbose_name=_("atelier"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField(_("nom"), max_length=REGISTRANT_NAME_MAX)
    email = models.EmailField(_("courriel"), max_length=254)
    organisation = models.CharField(
        _("organisation"), max_length=REGISTRANT_ORGANISATION_MAX, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

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
