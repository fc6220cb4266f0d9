"""Calls for ideas (pages) and the ideas the public sends (a model, followed by staff).

A call page takes submissions (a routable page: the form on GET, the submission on
POST, then a confirmation page): its route hands the request to
`projects.views.ideas`; the rules of writing an idea live in `projects.services.ideas`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from home import routing
from home.models import SectionIndexPage
from home.privacy import in_private_section
from projects.constants import (
    COMMUNE_OTHER_MAX,
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    EMAIL_MAX,
    NAME_MAX,
    ORGANISATION_MAX,
    PERSONAL_MESSAGE_MAX,
    PHONE_MAX,
    PUBLIC_ANSWER_MAX,
    STAFF_NOTES_MAX,
    TITLE_MAX,
    TITLE_MIN,
    IdeaStatus,
    Involvement,
    phone_validator,
)


class CallForIdeasIndexPage(SectionIndexPage):
    """The calls for ideas at /appels-a-idees/: open ones first, then upcoming, then closed."""

    subpage_types = ["projects.CallForIdeasPage"]

    class Meta:
        verbose_name = _("index des appels à idées")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        calls = list(
            CallForIdeasPage.objects.live()
            .public()
            .child_of(self)
            .order_by("-closes_on", "-pk")
            .prefetch_related("themes")
        )
        groups = {"open": [], "upcoming": [], "closed": []}
        for call in calls:
            groups[call.state(today)].append(call)
        # Upcoming calls soonest first; open calls closing soonest first.
        groups["open"].sort(key=lambda call: call.closes_on)
        groups["upcoming"].sort(key=lambda call: call.opens_on)
        context.update(
            open_calls=groups["open"],
            upcoming_calls=groups["upcoming"],
            closed_calls=groups["closed"],
        )
        return context


class CallForIdeasPageQuerySet(PageQuerySet):
    def open_to_public(self, today=None) -> "CallForIdeasPageQuerySet":
        """Public calls open today (Europe/Paris), closing soonest first: one query, privacy
        checked in SQL (the home page's agenda)."""
        today = today or timezone.localdate()
        return (
            self.live()
            .filter(~in_private_section(), opens_on__lte=today, closes_on__gte=today)
            .order_by("closes_on", "pk")
        )


class CallForIdeasPage(RoutablePageMixin, Page):
    """A call for ideas: while open it takes submissions without an account."""

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link", "ul", "ol"])
    themes = ParentalManyToManyField(
        "projects.Theme", verbose_name=_("thèmes"), blank=True, related_name="calls"
    )
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture"), help_text=_("Dernier jour inclus (heure de Paris)."))
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
    # Only the call's own text: ideas and their authors are never indexed.
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("guiding_questions"),
        index.SearchField("outcome"),
        index.FilterField("closes_on"),
    ]
    parent_page_types = ["projects.CallForIdeasIndexPage"]
    subpage_types = []

    objects = PageManager.from_queryset(CallForIdeasPageQuerySet)()

    class Meta:
        verbose_name = _("appel à idées")
        verbose_name_plural = _("appels à idées")

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError(
                {"closes_on": _("La clôture doit tomber le jour de l'ouverture ou après.")}
            )

    # --- state -----------------------------------------------------------------

    def state(self, today=None) -> str:
        """ "upcoming", "open" or "closed", for today in Europe/Paris (TIME_ZONE)."""
        today = today or timezone.localdate()
        if today < self.opens_on:
            return "upcoming"
        if today > self.closes_on:
            return "closed"
        return "open"

    def is_open(self, today=None) -> bool:
        return self.state(today) == "open"

    def published_ideas(self):
        return Idea.objects.published_on(self)

    # --- routes: thin, the views (projects.views.ideas) handle the form ----------

    @path("")
    def call(self, request):
        return routing.serve("projects.call_for_ideas", request, self)

    @path("merci/", name="thanks")
    def thanks(self, request):
        return self.render(request, template="projects/call_for_ideas_page_thanks.html")


class IdeaQuerySet(models.QuerySet):
    def published_on(self, call) -> "IdeaQuerySet":
        """What the public may read of a call's ideas: never the submitter's personal data."""
        return (
            self.filter(call=call, is_published=True, duplicate_of__isnull=True)
            .select_related("commune")
            .only(
                "title",
                "description",
                "status",
                "public_answer",
                "is_example",
                "created_at",
                "call_id",
                "commune__name",
                "commune__postal_code",
                "commune_other",
            )
            .order_by("-created_at", "-pk")
        )

    def public_titles(self) -> "IdeaQuerySet":
        """Published ideas that are not duplicates, titles only (lineage, workshop pages)."""
        return self.filter(is_published=True, duplicate_of__isnull=True).only(
            "pk", "title", "created_at"
        )

    def lineage_titles(self) -> "IdeaQuerySet":
        """`public_titles()` with the call each idea answered, to link to it, and
        `call_is_public`: whether the public may follow that link (a live call outside any
        private section). One query, whatever the number of ideas."""
        return (
            self.public_titles()
            .select_related("call")
            .only("pk", "title", "created_at", "call__title", "call__url_path")
            .annotate(
                call_is_public=Case(
                    When(Q(call__live=True) & ~in_private_section("call__path"), then=Value(True)),
                    default=Value(False),
                )
            )
        )

    def counted(self) -> "IdeaQuerySet":
        """Ideas received through the site for the home page's figure: duplicates and
        demo examples are not counted."""
        return self.filter(duplicate_of__isnull=True, is_example=False)


class Idea(models.Model):
    """An idea sent by the public; staff carry it through workshops to a project.

    Personal data (name, email, organisation, phone) never leaves the admin.
    Write through `projects.ideas_services` (submit, change status, mark duplicate).
    """

    Status = IdeaStatus
    Involvement = Involvement

    call = models.ForeignKey(
        CallForIdeasPage, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="ideas"
    )
    title = models.CharField(
        _("titre"), max_length=TITLE_MAX, validators=[MinLengthValidator(TITLE_MIN)]
    )
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX,
        validators=[MinLengthValidator(DESCRIPTION_MIN), MaxLengthValidator(DESCRIPTION_MAX)],
    )
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
    commune_other = models.CharField(
        _("autre commune"),
        max_length=COMMUNE_OTHER_MAX,
        blank=True,
        help_text=_(
            "La commune écrite par la personne quand elle n'était pas dans la liste (« Autre "
            "commune »). Choisissez-la ci-dessus si elle existe, ou ajoutez-la aux communes."
        ),
    )
    involvement = models.CharField(
        _("implication souhaitée"), max_length=12, choices=Involvement.choices
    )
    # Personal data: admin only.
    name = models.CharField(_("nom"), max_length=NAME_MAX)
    email = models.EmailField(_("courriel"), max_length=EMAIL_MAX)
    organisation = models.CharField(_("organisation"), max_length=ORGANISATION_MAX, blank=True)
    phone = models.CharField(
        _("téléphone"), max_length=PHONE_MAX, blank=True, validators=[phone_validator]
    )
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
        max_length=PUBLIC_ANSWER_MAX,
        validators=[MaxLengthValidator(PUBLIC_ANSWER_MAX)],
        help_text=_(
            "Pour tout le monde : la raison du statut, en quelques phrases, affichée sous "
            "l'idée sur la page de l'appel quand elle est publiée. Jamais envoyée par courriel."
        ),
    )
    personal_message = models.TextField(
        _("message personnel à la personne"),
        blank=True,
        max_length=PERSONAL_MESSAGE_MAX,
        validators=[MaxLengthValidator(PERSONAL_MESSAGE_MAX)],
        help_text=_(
            "Pour la personne seule : envoyé par courriel avec le nouveau statut si elle a "
            "accepté d'être recontactée (« Merci Marie, on vous attend à l'atelier »). "
            "Jamais publié."
        ),
    )
    staff_notes = models.TextField(
        _("notes internes"),
        blank=True,
        max_length=STAFF_NOTES_MAX,
        validators=[MaxLengthValidator(STAFF_NOTES_MAX)],
        help_text=_("Jamais affichées ni envoyées."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suivie par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_ideas",
    )
    is_published = models.BooleanField(
        _("publiée"),
        default=False,
        help_text=_(
            "Affiche le titre, le texte, la commune, le statut et la réponse publique sur la "
            "page de l'appel ; jamais le nom ni les coordonnées."
        ),
    )
    is_example = models.BooleanField(
        _("exemple de démonstration"),
        default=False,
        help_text=_("Idée fictive du contenu de démonstration : exclue des chiffres clés."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("doublon de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text=_("Les deux idées sont conservées ; seule l'idée d'origine est publiée."),
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

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        indexes = [models.Index(fields=["call", "is_published", "-created_at"])]

    def __str__(self):
        return self.title

    @property
    def commune_label(self) -> str:
        """Where the idea would take place: the commune chosen in the list, else the one
        typed under "Autre commune", else ""."""
        if self.commune_id is not None:
            return self.commune.name
        return self.commune_other

    def clean(self):
        super().clean()
        if self.duplicate_of_id is not None:
            if self.pk is not None and self.duplicate_of_id == self.pk:
                raise ValidationError(
                    {"duplicate_of": _("Une idée ne peut pas être le doublon d'elle-même.")}
                )
            original = self.duplicate_of
            if original.duplicate_of_id is not None:
                raise ValidationError(
                    {
                        "duplicate_of": _(
                            "« %(title)s » est elle-même un doublon : choisissez l'idée "
                            "d'origine, « %(root)s »."
                        )
                        % {"title": original.title, "root": original.duplicate_of.title}
                    }
                )
