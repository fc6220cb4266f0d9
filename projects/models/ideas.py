"""Calls for ideas (pages) and the ideas the public sends (a model, followed by staff).

A call page takes submissions itself (a routable page: the form on GET, the
submission on POST, then a confirmation page). The rules of writing an idea live
in `projects.ideas_services`, the abuse checks in `projects.abuse`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator, RegexValidator
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from home.models import SectionIndexPage, paginate

IDEAS_PER_PAGE = 10

# Length bounds shared by the model, the public form and the admin form.
TITLE_MIN, TITLE_MAX = 5, 150
DESCRIPTION_MIN, DESCRIPTION_MAX = 30, 5000
NAME_MAX, ORGANISATION_MAX, PHONE_MAX, EMAIL_MAX = 150, 150, 30, 254
PUBLIC_ANSWER_MAX, STAFF_NOTES_MAX = 3000, 10000

phone_validator = RegexValidator(
    r"^[0-9+().\-\s]{6,30}$",
    _("Saisissez un numéro de téléphone, par exemple 03 84 00 00 00 ou +33 3 84 00 00 00."),
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
        """What the public may read of the ideas: never the submitter's personal data."""
        return (
            Idea.objects.filter(call=self, is_published=True, duplicate_of__isnull=True)
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
            )
            .order_by("-created_at", "-pk")
        )

    # --- routes ------------------------------------------------------------------

    @path("")
    def call(self, request):
        if request.method == "POST":
            return self.submit(request)
        from projects.forms import IdeaForm

        form = IdeaForm(call=self, request=request) if self.is_open() else None
        return self.render_call(request, form=form)

    @path("merci/", name="thanks")
    def thanks(self, request):
        return self.render(request, template="projects/call_for_ideas_page_thanks.html")

    def submit(self, request):
        """The POST of the submission form: refuse abuse kindly, store, then redirect (PRG)."""
        from projects import abuse
        from projects.forms import IdeaForm
        from projects.ideas_services import CallNotOpen, submit_idea

        if not self.is_open():
            return self.render_call(
                request, form=None, status=403, refusal=abuse.Refusal.call_closed(self)
            )
        if abuse.body_too_large(request):
            return self.render_call(
                request,
                form=IdeaForm(call=self, request=request),
                status=413,
                refusal=abuse.Refusal.too_large(),
            )
        data = abuse.read_post(request)
        if data is None:
            return self.render_call(
                request,
                form=IdeaForm(call=self, request=request),
                status=400,
                refusal=abuse.Refusal.too_large(),
            )

        form = IdeaForm(data, call=self, request=request)
        started = data.get(abuse.STARTED_FIELD, "")
        if abuse.honeypot_filled(data):
            return self.render_call(
                request, form=form, status=400, refusal=abuse.Refusal.honeypot(), started=started
            )
        if not form.is_valid():
            return self.render_call(request, form=form, status=400, started=started)
        timing = abuse.check_fill_time(started, call_id=self.pk)
        if timing is not abuse.FillTime.OK:
            # A too-fast answer keeps its start time (waiting is enough); a missing,
            # forged or expired one gets a fresh start.
            keep = started if timing is abuse.FillTime.TOO_FAST else None
            return self.render_call(
                request, form=form, status=400, refusal=abuse.Refusal.timing(timing), started=keep
            )
        if not abuse.idea_rate_limit.hit(request):
            response = self.render_call(
                request,
                form=form,
                status=429,
                refusal=abuse.Refusal.rate_limited(),
                started=started,
            )
            response["Retry-After"] = str(abuse.idea_rate_limit.window)
            return response
        try:
            submit_idea(call=self, **form.cleaned_data)
        except CallNotOpen:
            return self.render_call(
                request, form=None, status=403, refusal=abuse.Refusal.call_closed(self)
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_call(request, form=form, status=400, started=started)
        return redirect(self.url + self.reverse_subpage("thanks"))

    def render_call(self, request, *, form, status=200, refusal=None, started=None):
        from projects import abuse

        ideas_page = paginate(request, self.published_ideas(), IDEAS_PER_PAGE)
        response = self.render(
            request,
            context_overrides={
                "form": form,
                "refusal": refusal,
                "started_token": started or abuse.start_token(call_id=self.pk),
                "honeypot_field": abuse.HONEYPOT_FIELD,
                "started_field": abuse.STARTED_FIELD,
                "call_state": self.state(),
                "themes": list(self.themes.all()),
                "ideas_page": ideas_page,
                "has_errors": bool(refusal) or bool(form is not None and form.errors),
            },
        )
        response.status_code = status
        return response


def count_received_ideas() -> int:
    """Ideas received through the site for the home page's figure: duplicates and demo
    examples are not counted."""
    return Idea.objects.filter(duplicate_of__isnull=True, is_example=False).count()


class Idea(models.Model):
    """An idea sent by the public; staff carry it through workshops to a project.

    Personal data (name, email, organisation, phone) never leaves the admin.
    Write through `projects.ideas_services` (submit, change status, mark duplicate).
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
            "La raison du statut, en quelques phrases : envoyée à la personne si elle a accepté "
            "d'être recontactée, et affichée si l'idée est publiée."
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

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        indexes = [models.Index(fields=["call", "is_published", "-created_at"])]

    def __str__(self):
        return self.title

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


class IdeaEmail(models.Model):
    """The outbox of the ideas app: every email is recorded before it is sent.

    A background task sends it after the transaction commits and retries with a
    growing delay on failure; staff see in the admin what failed and why.
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("accusé de réception")
        STAFF_NOTIFICATION = "staff_notification", _("notification à l'équipe")
        STATUS_CHANGED = "status_changed", _("changement de statut")

    class State(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("abandonné après plusieurs essais")

    idea = models.ForeignKey(
        Idea, verbose_name=_("idée"), on_delete=models.CASCADE, related_name="emails"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    to = models.EmailField(_("destinataire"), max_length=254)
    reply_to = models.EmailField(_("répondre à"), max_length=254, blank=True)
    subject = models.CharField(_("objet"), max_length=250)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    next_attempt_at = models.DateTimeField(_("prochain essai"), default=timezone.now)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("courriel d'idée")
        verbose_name_plural = _("courriels des idées")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to}"
