"""The extranet's pages: its home at /extranet/, the general assemblies and the working
groups, all private.

Every extranet page type comes restricted when staff create it: Wagtail's create view
asks the new page for its default privacy (`get_default_privacy_setting`), and an
extranet page answers "the Associés group" unless an ancestor is already restricted
(children inherit Wagtail restrictions). Staff may restrict a page further to some
colleges with the privacy button ("Collège : …" groups). Extranet pages are never
listed in the sitemap, and public listings and search filter `.public()`.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import BaseViewRestriction, Orderable, Page

from extranet.constants import (
    COLLEGE_SHARE_MAX,
    COLLEGE_SHARE_MIN,
    DEFAULT_MAJORITY,
    DEFAULT_PROXY_CAP,
    DEFAULT_QUORUM,
    GENERATED_MINUTES_LABEL,
    RECENT_DOCUMENTS_LIMIT,
    AssemblyKind,
    DocumentKind,
    Majority,
    ResolutionKind,
    ResolutionOutcome,
)
from extranet.models.membership import Associate
from extranet.models.privacy import associates_group, viewable_by
from home import routing
from home.blocks import BaseStreamBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


class ExtranetPageMixin:
    """What every extranet page type shares: private by default, never cached by a
    shared cache, never in the sitemap."""

    def get_default_privacy_setting(self, request):
        """Wagtail's create view restricts the new page to the associates, unless it is
        created under a page that is already restricted (then it inherits)."""
        if self.get_view_restrictions():
            return {"type": BaseViewRestriction.NONE}
        return {"type": BaseViewRestriction.GROUPS, "groups": [associates_group()]}

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Personal content: neither a shared cache nor the browser's back cache keeps it.
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    def get_sitemap_urls(self, request=None):
        return []


class PageDocument(Orderable):
    """A document attached to an extranet page, with what it is. `added_at` is set when
    the link is first saved (published): the extranet home lists what is new."""

    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(
        _("nature"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    title = models.CharField(
        _("intitulé"),
        max_length=200,
        blank=True,
        help_text=_("Vide : le titre du document."),
    )
    added_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    panels = [FieldPanel("document"), FieldPanel("kind"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True

    @property
    def label(self) -> str:
        return self.title or self.document.title


class ExtranetHomePage(ExtranetPageMixin, RoutablePageMixin, Page):
    """/extranet/: the next general assembly, what is new, "Mon sociétariat"."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["extranet.GeneralAssemblyIndexPage", "extranet.WorkingGroupIndexPage"]
    max_count = 1
    template = "extranet/extranet_home_page.html"

    class Meta:
        verbose_name = _("accueil de l'extranet")

    @path("")
    def home(self, request):
        """The view (extranet.views.pages) records the visit, then renders this page."""
        return routing.serve("extranet.home", request, self)

    def dashboard(self, *, user, associate, since) -> dict:
        """What the home shows to `user`: every list limited to the pages they may see."""
        now = timezone.now()
        assemblies = viewable_by(
            GeneralAssemblyPage.objects.live().descendant_of(self).defer_streamfields(), user
        )
        groups = viewable_by(
            WorkingGroupPage.objects.live().descendant_of(self).defer_streamfields(), user
        )
        documents = recent_documents(assemblies=assemblies, groups=groups, since=since)
        return {
            "associate": associate,
            "since": since,
            "next_assembly": assemblies.filter(held_at__gte=now).order_by("held_at").first(),
            "last_assembly": assemblies.filter(held_at__lt=now).order_by("-held_at").first(),
            "recent_documents": documents,
            "holdings": associate.holdings() if associate else None,
            "my_groups": list(groups.filter(members=associate).order_by("title"))
            if associate
            else [],
            "assembly_index": GeneralAssemblyIndexPage.objects.live().child_of(self).first(),
            "group_index": WorkingGroupIndexPage.objects.live().child_of(self).first(),
        }


def recent_documents(*, assemblies, groups, since, limit: int = RECENT_DOCUMENTS_LIMIT):
    """The documents of these pages added after `since` (all of them when None), newest
    first: two queries, whatever the number of pages."""
    found = []
    for model, pages in ((AssemblyDocument, assemblies), (WorkingGroupDocument, groups)):
        links = model.objects.filter(page__in=pages.values("pk")).select_related("document", "page")
        if since is not None:
            links = links.filter(added_at__gt=since)
        found.extend(links.order_by("-added_at", "-pk")[:limit])
    found.sort(key=lambda link: link.added_at, reverse=True)
    return found[:limit]


class GeneralAssemblyIndexPage(ExtranetPageMixin, Page):
    """/extranet/assemblees-generales/: every general assembly, newest first."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["extranet.ExtranetHomePage"]
    subpage_types = ["extranet.GeneralAssemblyPage"]
    max_count = 1
    template = "extranet/general_assembly_index_page.html"

    class Meta:
        verbose_name = _("index des assemblées générales")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["assemblies"] = list(
            viewable_by(
                GeneralAssemblyPage.objects.live().child_of(self).defer_streamfields(),
                request.user,
            ).order_by("-held_at")
        )
        return context


def _percent_field(label, default, help_text=""):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=help_text,
    )


class GeneralAssemblyPage(ExtranetPageMixin, RoutablePageMixin, Page):
    """One general assembly at /extranet/assemblees-generales/<year>/: convocation,
    agenda, resolutions and their votes, documents, attendance.

    The online vote (extranet.models.assemblies) is set here: the voting window, the
    colleges' shares of the voting rights, quorum and majority per part, the proxy cap.
    """

    held_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=15, choices=AssemblyKind.choices, default=AssemblyKind.ORDINARY
    )
    convocation_date = models.DateField(
        _("convocation envoyée le"),
        null=True,
        blank=True,
        help_text=_("Au moins 15 jours avant l'assemblée (à vérifier dans les statuts)."),
    )
    summary = models.TextField(_("chapeau"), blank=True, max_length=600)
    agenda = RichTextField(_("ordre du jour"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(BaseStreamBlock(), verbose_name=_("compte rendu"), blank=True)
    video_url = models.URLField(
        _("lien de visioconférence"),
        blank=True,
        help_text=_("Facultatif : pour suivre l'assemblée à distance."),
    )
    convocation_number = models.PositiveSmallIntegerField(
        _("convocation"),
        choices=[(1, _("première convocation")), (2, _("deuxième convocation"))],
        default=1,
        help_text=_("Sur deuxième convocation, le quorum requis est celui de la seconde."),
    )
    votes_open_at = models.DateTimeField(_("ouverture du vote en ligne"), null=True, blank=True)
    votes_close_at = models.DateTimeField(_("clôture du vote en ligne"), null=True, blank=True)
    ordinary_quorum = _percent_field(
        _("quorum ordinaire (%)"), DEFAULT_QUORUM[ResolutionKind.ORDINARY][0]
    )
    ordinary_quorum_second = _percent_field(
        _("quorum ordinaire sur 2e convocation (%)"), DEFAULT_QUORUM[ResolutionKind.ORDINARY][1]
    )
    extraordinary_quorum = _percent_field(
        _("quorum extraordinaire (%)"), DEFAULT_QUORUM[ResolutionKind.EXTRAORDINARY][0]
    )
    extraordinary_quorum_second = _percent_field(
        _("quorum extraordinaire sur 2e convocation (%)"),
        DEFAULT_QUORUM[ResolutionKind.EXTRAORDINARY][1],
    )
    proxy_cap = models.PositiveSmallIntegerField(
        _("procurations par associé"),
        default=DEFAULT_PROXY_CAP,
        validators=[MaxValueValidator(50)],
        help_text=_("Le nombre de procurations qu'un associé peut détenir (statuts)."),
    )
    redistribute_silent_colleges = models.BooleanField(
        _("répartir la part d'un collège sans voix exprimée"),
        default=True,
        help_text=_(
            "Règle statutaire courante : la part d'un collège qui n'exprime aucune voix est "
            "répartie entre les autres au prorata de leurs parts."
        ),
    )
    # Set by the services, never typed: when the convocation left, when the vote closed,
    # and the quorum reached at closing ({"ordinary": {...}, "extraordinary": {...}}).
    convocation_sent_at = models.DateTimeField(
        _("convocation envoyée"), null=True, blank=True, editable=False
    )
    votes_closed_at = models.DateTimeField(_("vote clos le"), null=True, blank=True, editable=False)
    quorum_result = models.JSONField(_("quorum constaté"), default=dict, blank=True, editable=False)
    associates_count = models.PositiveIntegerField(_("associés convoqués"), null=True, blank=True)
    present_count = models.PositiveIntegerField(_("associés présents"), null=True, blank=True)
    represented_count = models.PositiveIntegerField(
        _("associés représentés"), null=True, blank=True
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("held_at"), FieldPanel("kind")]),
                FieldPanel("place"),
                FieldPanel("convocation_date"),
            ],
            heading=_("Quand et où"),
        ),
        FieldPanel("video_url"),
        FieldPanel("summary"),
        FieldPanel("agenda"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("votes_open_at"), FieldPanel("votes_close_at")]),
                FieldRowPanel([FieldPanel("convocation_number"), FieldPanel("proxy_cap")]),
                FieldRowPanel(
                    [FieldPanel("ordinary_quorum"), FieldPanel("ordinary_quorum_second")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("extraordinary_quorum"),
                        FieldPanel("extraordinary_quorum_second"),
                    ]
                ),
                FieldPanel("redistribute_silent_colleges"),
                InlinePanel(
                    "college_shares",
                    heading=_("Parts des collèges"),
                    label=_("Collège"),
                    help_text=_("Chaque collège porte de 10 % à 50 % des voix ; 100 % au total."),
                ),
            ],
            heading=_("Vote"),
        ),
        InlinePanel("resolutions", heading=_("Résolutions"), label=_("Résolution")),
        InlinePanel(
            "documents",
            heading=_("Documents"),
            label=_("Document"),
            help_text=_(
                "Rangez les documents dans la collection « Documents des associés » (ou une "
                "collection réservée aux collèges concernés) : jamais dans une collection "
                "publique."
            ),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("associates_count"),
                        FieldPanel("present_count"),
                        FieldPanel("represented_count"),
                    ]
                )
            ],
            heading=_("Participation"),
        ),
        FieldPanel("body"),
    ]
    parent_page_types = ["extranet.GeneralAssemblyIndexPage"]
    subpage_types = []
    template = "extranet/general_assembly_page.html"

    class Meta:
        verbose_name = _("assemblée générale")
        verbose_name_plural = _("assemblées générales")

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.convocation_date
            and self.held_at
            and self.convocation_date > timezone.localdate(self.held_at)
        ):
            errors["convocation_date"] = _gettext("La convocation doit précéder l'assemblée.")
        if self.votes_open_at and self.votes_close_at and self.votes_open_at >= self.votes_close_at:
            errors["votes_close_at"] = _gettext("La clôture du vote doit suivre son ouverture.")
        shares_error = college_shares_error(list(self.college_shares.all()))
        if shares_error:
            errors["__all__"] = shares_error
        errors.update(self.clean_resolutions_against_votes())
        present = (self.present_count or 0) + (self.represented_count or 0)
        if self.associates_count is not None and present > self.associates_count:
            errors["present_count"] = _gettext(
                "Présents et représentés ne peuvent dépasser les associés convoqués."
            )
        if errors:
            raise ValidationError(errors)

    # Fields the services own (convocation, closing): a revision saved before they were
    # set must not bring back their old value when it is published (Wagtail rebuilds
    # the page from the revision's JSON), nor the results computed on the resolutions.
    SERVICE_FIELDS = ("convocation_sent_at", "votes_closed_at", "quorum_result")
    RESULT_FIELDS = (
        "result",
        "outcome",
        "unanimous",
        "votes_for",
        "votes_against",
        "votes_abstaining",
    )

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        kept = self.SERVICE_FIELDS
        if self.convocation_sent_at:
            kept += ("convocation_date", "associates_count")
        for name in kept:
            setattr(obj, name, getattr(self, name))
        if self.votes_closed_at:
            stored = {
                row["pk"]: row
                for row in AssemblyResolution.objects.filter(page=self).values(
                    "pk", *self.RESULT_FIELDS
                )
            }
            for resolution in obj.resolutions.all():
                for name, value in stored.get(resolution.pk, {}).items():
                    setattr(resolution, name, value)
            # The minutes written at closing are a record: a revision saved before
            # them does not take them away.
            linked = {link.pk for link in obj.documents.all()}
            minutes = AssemblyDocument.objects.filter(
                page=self, kind=DocumentKind.MINUTES, title=GENERATED_MINUTES_LABEL
            ).exclude(pk__in=linked)
            if minutes:
                obj.documents.add(*minutes)
        return obj

    def clean_resolutions_against_votes(self) -> dict:
        """Once the vote has begun, a resolution with ballots, participations or counts
        cannot be removed, nor its text or part changed; once it is closed, its computed
        results cannot be edited by hand."""
        if not self.pk:
            return {}
        voted = {
            row["pk"]: row
            for row in AssemblyResolution.objects.filter(page_id=self.pk)
            .filter(
                models.Q(participations__isnull=False)
                | models.Q(ballots__isnull=False)
                | models.Q(room_counts__isnull=False)
            )
            .distinct()
            .values("pk", "title", "text", "kind", "majority", "secret", *self.RESULT_FIELDS)
        }
        if not voted:
            return {}
        kept = {resolution.pk: resolution for resolution in self.resolutions.all()}
        for pk, stored in voted.items():
            resolution = kept.get(pk)
            if resolution is None:
                return {
                    "__all__": _gettext(
                        "La résolution « %(title)s » a déjà reçu des votes : elle ne peut "
                        "plus être retirée."
                    )
                    % {"title": stored["title"]}
                }
            frozen = ("text", "kind", "majority", "secret")
            if self.votes_closed_at:
                frozen += self.RESULT_FIELDS
            if any(getattr(resolution, name) != stored[name] for name in frozen):
                return {
                    "__all__": _gettext(
                        "La résolution « %(title)s » a déjà reçu des votes : son texte, sa "
                        "majorité et son décompte ne peuvent plus changer."
                    )
                    % {"title": stored["title"]}
                }
        return {}

    # Routes: each hands the request to its view (extranet/views/assemblies.py for the
    # page, the proxy and the vote; extranet/views/results.py for results and receipts).
    @path("")
    def assembly(self, request):
        return routing.serve("extranet.assembly", request, self)

    @path("procuration/")
    def proxy(self, request):
        return routing.serve("extranet.assembly_proxy", request, self)

    @path("vote/")
    def vote(self, request):
        return routing.serve("extranet.assembly_vote", request, self)

    @path("resultats/")
    def results(self, request):
        return routing.serve("extranet.assembly_results", request, self)

    @path("recus/")
    def receipts(self, request):
        return routing.serve("extranet.assembly_receipts", request, self)

    @property
    def is_mixed(self) -> bool:
        return self.kind == AssemblyKind.MIXED

    def quorum_for(self, part: str) -> Decimal:
        """The quorum (in percent) that applies to resolutions of `part` at this
        convocation."""
        first, second = {
            ResolutionKind.ORDINARY: (self.ordinary_quorum, self.ordinary_quorum_second),
            ResolutionKind.EXTRAORDINARY: (
                self.extraordinary_quorum,
                self.extraordinary_quorum_second,
            ),
        }[part]
        return second if self.convocation_number == 2 else first

    def voting_state(self, now=None) -> str:
        """ "none" (no online vote), "upcoming", "open" or "closed"."""
        now = now or timezone.now()
        if self.votes_closed_at or (self.votes_close_at and now >= self.votes_close_at):
            return "closed"
        if not self.votes_open_at or not self.votes_close_at:
            return "none"
        if now < self.votes_open_at:
            return "upcoming"
        return "open"

    @property
    def attendance_count(self) -> int | None:
        if self.present_count is None and self.represented_count is None:
            return None
        return (self.present_count or 0) + (self.represented_count or 0)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["resolutions"] = list(self.resolutions.all())
        context["documents"] = list(self.documents.select_related("document"))
        context["working_groups"] = list(
            viewable_by(
                WorkingGroupPage.objects.live().filter(assembly=self).defer_streamfields(),
                request.user,
            ).order_by("title")
        )
        return context


def college_shares_error(shares) -> str:
    """The French message when the colleges' shares break the law (each 10-50 %, 100 %
    in all, each college once), or "" when they are right or there are none."""
    shares = [share for share in shares if share.college_id and share.share is not None]
    if not shares:
        return ""
    if len({share.college_id for share in shares}) != len(shares):
        return _gettext("Chaque collège n'a qu'une part.")
    for share in shares:
        if not COLLEGE_SHARE_MIN <= share.share <= COLLEGE_SHARE_MAX:
            return _gettext(
                "La part de chaque collège est comprise entre %(min)s %% et %(max)s %%."
            ) % {"min": COLLEGE_SHARE_MIN, "max": COLLEGE_SHARE_MAX}
    total = sum(share.share for share in shares)
    if total != 100:
        return _gettext("Les parts des collèges font 100 %% en tout (ici %(total)s %%).") % {
            "total": f"{Decimal(total).normalize():f}".replace(".", ",")
        }
    return ""


class CollegeShare(Orderable):
    """The share of the voting rights a college carries at one assembly."""

    page = ParentalKey(GeneralAssemblyPage, on_delete=models.CASCADE, related_name="college_shares")
    college = models.ForeignKey(
        "extranet.College", verbose_name=_("collège"), on_delete=models.PROTECT, related_name="+"
    )
    share = models.DecimalField(
        _("part des voix (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(COLLEGE_SHARE_MIN)),
            MaxValueValidator(Decimal(COLLEGE_SHARE_MAX)),
        ],
    )

    panels = [FieldRowPanel([FieldPanel("college"), FieldPanel("share")])]

    class Meta(Orderable.Meta):
        verbose_name = _("part d'un collège")
        verbose_name_plural = _("parts des collèges")
        constraints = [
            models.UniqueConstraint(fields=["page", "college"], name="extranet_college_share_once")
        ]

    def __str__(self):
        return f"{self.college} : {self.share} %"


class AssemblyResolution(Orderable):
    """A resolution put to the vote, and its outcome (typed for a past assembly, or
    computed from the ballots by extranet.services.results when the vote closes)."""

    page = ParentalKey(GeneralAssemblyPage, on_delete=models.CASCADE, related_name="resolutions")
    title = models.CharField(_("intitulé"), max_length=200)
    text = models.TextField(_("texte"), blank=True, max_length=4000)
    kind = models.CharField(
        _("partie"),
        max_length=15,
        choices=ResolutionKind.choices,
        default=ResolutionKind.ORDINARY,
        help_text=_("Dans une assemblée mixte : la partie ordinaire ou extraordinaire."),
    )
    majority = models.CharField(
        _("majorité requise"),
        max_length=15,
        choices=Majority.choices,
        blank=True,
        help_text=_("Vide : simple pour l'ordinaire, deux tiers pour l'extraordinaire."),
    )
    secret = models.BooleanField(
        _("vote secret"),
        default=False,
        help_text=_("Élections au conseil : aucun lien n'est gardé entre l'associé et son choix."),
    )
    # The computed result: per college and weighted (extranet.services.results).
    result = models.JSONField(_("décompte"), default=dict, blank=True, editable=False)
    outcome = models.CharField(
        _("résultat"),
        max_length=10,
        choices=ResolutionOutcome.choices,
        default=ResolutionOutcome.PENDING,
    )
    unanimous = models.BooleanField(
        _("à l'unanimité"),
        default=False,
        help_text=_("Adoptée sans voix contre ni abstention, même sans décompte."),
    )
    votes_for = models.PositiveIntegerField(_("voix pour"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("voix contre"), null=True, blank=True)
    votes_abstaining = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("majority"), FieldPanel("secret")]),
        FieldRowPanel([FieldPanel("outcome"), FieldPanel("unanimous")]),
        FieldRowPanel(
            [FieldPanel("votes_for"), FieldPanel("votes_against"), FieldPanel("votes_abstaining")]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("résolution")
        verbose_name_plural = _("résolutions")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.unanimous and (
            self.outcome != ResolutionOutcome.ADOPTED or self.votes_against or self.votes_abstaining
        ):
            raise ValidationError(
                {
                    "unanimous": _gettext(
                        "L'unanimité suppose une résolution adoptée, sans voix contre ni "
                        "abstention."
                    )
                }
            )

    def part(self, assembly: "GeneralAssemblyPage | None" = None) -> str:
        """Ordinary or extraordinary: the assembly's kind, unless the assembly is mixed."""
        assembly = assembly or self.page
        if assembly.kind == AssemblyKind.MIXED:
            return self.kind
        return assembly.kind

    def required_majority(self, assembly: "GeneralAssemblyPage | None" = None) -> str:
        return self.majority or DEFAULT_MAJORITY[self.part(assembly)]

    @property
    def has_counts(self) -> bool:
        return any(
            value is not None
            for value in (self.votes_for, self.votes_against, self.votes_abstaining)
        )

    @property
    def outcome_display(self) -> str:
        """ "Adoptée à l'unanimité", "Rejetée", "À voter"."""
        if self.outcome == ResolutionOutcome.ADOPTED and self.unanimous:
            return _gettext("Adoptée à l'unanimité")
        return str(self.get_outcome_display()).capitalize()


class AssemblyDocument(PageDocument):
    page = ParentalKey(GeneralAssemblyPage, on_delete=models.CASCADE, related_name="documents")

    class Meta(PageDocument.Meta):
        verbose_name = _("document de l'assemblée")
        verbose_name_plural = _("documents de l'assemblée")


class WorkingGroupIndexPage(ExtranetPageMixin, Page):
    """/extranet/groupes-de-travail/: the working groups the associate may see."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["extranet.ExtranetHomePage"]
    subpage_types = ["extranet.WorkingGroupPage"]
    max_count = 1
    template = "extranet/working_group_index_page.html"

    class Meta:
        verbose_name = _("index des groupes de travail")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["groups"] = list(
            viewable_by(
                WorkingGroupPage.objects.live().child_of(self).defer_streamfields(), request.user
            )
            .select_related("assembly")
            .order_by("title")
        )
        return context


class WorkingGroupPage(ExtranetPageMixin, Page):
    """A working group of associates: its question, members, documents and notes."""

    intro = models.TextField(_("question de travail"), max_length=600)
    assembly = models.ForeignKey(
        GeneralAssemblyPage,
        verbose_name=_("créé lors de l'assemblée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="working_groups",
    )
    members = ParentalManyToManyField(
        "extranet.Associate", verbose_name=_("membres"), blank=True, related_name="working_groups"
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("notes"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("assembly"),
        FieldPanel("members"),
        InlinePanel("documents", heading=_("Documents"), label=_("Document")),
        FieldPanel("body"),
    ]
    parent_page_types = ["extranet.WorkingGroupIndexPage"]
    subpage_types = []
    template = "extranet/working_group_page.html"

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The ids first: in a preview, `members` holds the form's (unsaved) choice.
        member_ids = [member.pk for member in self.members.all()]
        context["member_list"] = list(
            Associate.objects.filter(pk__in=member_ids).select_related("user", "college")
        )
        context["documents"] = list(self.documents.select_related("document"))
        return context


class WorkingGroupDocument(PageDocument):
    page = ParentalKey(WorkingGroupPage, on_delete=models.CASCADE, related_name="documents")

    class Meta(PageDocument.Meta):
        verbose_name = _("document du groupe")
        verbose_name_plural = _("documents du groupe")


EXTRANET_PAGE_MODELS = (
    ExtranetHomePage,
    GeneralAssemblyIndexPage,
    GeneralAssemblyPage,
    WorkingGroupIndexPage,
    WorkingGroupPage,
)
