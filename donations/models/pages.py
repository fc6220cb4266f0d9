"""The campaign page of the impulsion fund, at /fonds-impulsion/.

Its form and the Stripe checkout are handled by `donations.views` (the routes hand
the request over through `home.routing`); the ledger of what the fund finances and
the donor wall are plain read-only pages rendered here.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from donations.constants import DEFAULT_MAX_AMOUNT_CENTS, MIN_AMOUNT_CENTS
from donations.models.allocations import Allocation
from home import images, routing
from home.blocks import BaseStreamBlock


def parse_amounts(text: str) -> list[int]:
    """ "20, 50, 100" -> [2000, 5000, 10000] (cents); raises ValueError."""
    amounts = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip().replace("€", "").strip()
        if part:
            amounts.append(int(part) * 100)
    return amounts


class DonationPage(RoutablePageMixin, Page):
    """A campaign: the story, the goal and its live progress, the gift form."""

    intro = models.TextField(_("chapeau"), max_length=600)
    story = StreamField(BaseStreamBlock(), verbose_name=_("histoire"), blank=True)
    goal_cents = models.PositiveBigIntegerField(
        _("objectif (centimes)"), default=5_000_000, help_text=_("50 000 € = 5000000.")
    )
    preset_amounts = models.CharField(
        _("montants proposés (une fois), en euros"), max_length=100, default="30, 50, 100, 250"
    )
    monthly_preset_amounts = models.CharField(
        _("montants proposés (chaque mois), en euros"), max_length=100, default="10, 20, 50"
    )
    max_amount_cents = models.PositiveBigIntegerField(
        _("montant maximal en ligne (centimes)"),
        default=DEFAULT_MAX_AMOUNT_CENTS,
        help_text=_("Au-delà, le donateur est invité à faire un virement."),
    )
    thank_you = RichTextField(
        _("message de remerciement"), blank=True, features=["bold", "italic", "link"]
    )
    show_donor_wall = models.BooleanField(_("afficher la liste des donateurs"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("story"),
        MultiFieldPanel(
            [
                FieldPanel("goal_cents"),
                FieldPanel("preset_amounts"),
                FieldPanel("monthly_preset_amounts"),
                FieldPanel("max_amount_cents"),
            ],
            heading=_("Montants"),
        ),
        FieldPanel("thank_you"),
        FieldPanel("show_donor_wall"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("story")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page de campagne de dons")

    def clean(self):
        super().clean()
        errors = {}
        for field in ("preset_amounts", "monthly_preset_amounts"):
            try:
                amounts = parse_amounts(getattr(self, field))
            except ValueError:
                errors[field] = _("Des montants entiers en euros, séparés par des virgules.")
                continue
            if any(a < MIN_AMOUNT_CENTS or a > self.max_amount_cents for a in amounts):
                errors[field] = _("Chaque montant doit être compris entre 5 € et le maximum.")
        if self.max_amount_cents is not None and self.max_amount_cents < MIN_AMOUNT_CENTS:
            errors["max_amount_cents"] = _("Le maximum ne peut pas être inférieur à 5 €.")
        if errors:
            raise ValidationError(errors)

    @property
    def presets(self) -> list[int]:
        try:
            return parse_amounts(self.preset_amounts)
        except ValueError:
            return []

    @property
    def monthly_presets(self) -> list[int]:
        try:
            return parse_amounts(self.monthly_preset_amounts)
        except ValueError:
            return []

    def progress(self) -> dict:
        """Confirmed gifts (online and offline) to this campaign, and how many donors."""
        progress = self.donations.progress() if self.pk else {"total_cents": 0, "donors": 0}
        goal = self.goal_cents or 0
        progress["goal_cents"] = goal
        progress["percent"] = min(100, round(progress["total_cents"] * 100 / goal)) if goal else 0
        return progress

    # --- routes: the form and the checkout are views (donations.views) ------------

    @path("")
    def donate(self, request):
        return routing.serve("donations.donate", request, self)

    @path("merci/", name="thanks")
    def thanks(self, request):
        return routing.serve("donations.thanks", request, self)

    @path("registre/", name="ledger")
    def ledger(self, request):
        """What the fund has committed and paid, project by project."""
        allocations = list(Allocation.objects.public().select_related("project"))
        return self.render(
            request,
            template="donations/ledger.html",
            context_overrides={
                "allocations": allocations,
                "totals": Allocation.objects.public().totals(),
                "progress": self.progress(),
            },
        )

    @path("donateurs/", name="wall")
    def wall(self, request):
        """The donors who chose to be thanked publicly, never the others."""
        donors = (
            self.donations.for_wall()
            .select_related("logo")
            .prefetch_related(images.renditions_of("logo", "donor_logo"))
            .order_by("-received_at", "-pk")
            .only(
                "donor_type",
                "first_name",
                "last_name",
                "company_name",
                "recognition",
                "logo",
                "received_at",
                "page_id",
            )
        )
        return self.render(
            request,
            template="donations/donor_wall.html",
            context_overrides={"donors": list(donors[:500])},
        )
