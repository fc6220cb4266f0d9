"""Thematic workshops: /ateliers/, registration with a capacity and a waiting list."""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import SectionIndexPage, paginate

WORKSHOPS_PER_PAGE = 12
# Session key holding the status of the registration just made (post/redirect/get).
REGISTERED_SESSION_KEY = "workshop_registered_%s"


class WorkshopIndexPage(SectionIndexPage):
    """Upcoming and past workshops at /ateliers/."""

    subpage_types = ["projects.WorkshopPage"]

    class Meta:
        verbose_name = _("index des ateliers")

    def get_context(self, request, *args, **kwargs):
        from projects import selectors

        context = super().get_context(request, *args, **kwargs)
        past_page = paginate(request, selectors.past_workshops(self), WORKSHOPS_PER_PAGE)
        context.update(
            # Upcoming workshops head the first page; past ones follow, paginated.
            upcoming=list(selectors.upcoming_workshops(self)) if past_page.number == 1 else [],
            past_page=past_page,
        )
        return context


class WorkshopPage(RoutablePageMixin, Page):
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

    @property
    def facilitator_list(self) -> list[str]:
        return [name.strip() for name in self.facilitators.split(",") if name.strip()]

    def get_context(self, request, *args, **kwargs):
        from projects import selectors, services

        context = super().get_context(request, *args, **kwargs)
        confirmed = selectors.confirmed_count(self) if self.pk else 0
        context.update(
            confirmed_count=confirmed,
            places_left=max(self.capacity - confirmed, 0),
            closed_reason=services.registration_closed_reason(self),
            ideas=selectors.workshop_ideas(self),
            born_projects=selectors.workshop_projects(self),
        )
        return context

    @path("")
    def workshop(self, request):
        """The workshop page; a POST is a registration (post/redirect/get on success)."""
        from projects import abuse, services
        from projects.workshop_forms import WorkshopRegistrationForm

        session_key = REGISTERED_SESSION_KEY % self.pk
        if request.method == "POST":
            form = WorkshopRegistrationForm(request.POST)
            status = 200
            if form.is_valid() and not abuse.registration_rate_limit.hit(request):
                form.add_error(
                    None,
                    _(
                        "Nous avons reçu beaucoup d'inscriptions depuis votre connexion : "
                        "réessayez dans une heure, ou écrivez-nous pour inscrire un groupe."
                    ),
                )
                status = 429
            if form.is_valid():
                try:
                    registration = services.register_for_workshop(
                        workshop=self,
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        organisation=form.cleaned_data["organisation"],
                    )
                except services.RegistrationRefused as refusal:
                    field = "email" if refusal.code == "duplicate" else None
                    form.add_error(field, refusal.messages[0])
                else:
                    request.session[session_key] = registration.status
                    return redirect(self.url + "#inscription")
            response = self.render(request, context_overrides={"form": form})
            response.status_code = status
            return response
        return self.render(
            request,
            context_overrides={
                "form": WorkshopRegistrationForm(),
                "just_registered": request.session.pop(session_key, None),
            },
        )

    # Wagtail page URLs take no dot: the file name comes from Content-Disposition.
    @path("calendrier/", name="ics")
    def ics(self, request):
        """The workshop as an iCalendar file (RFC 5545) to add to any calendar."""
        from projects.ics import workshop_ics

        response = HttpResponse(
            workshop_ics(self, request), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="atelier-{self.slug}.ics"'
        return response


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
