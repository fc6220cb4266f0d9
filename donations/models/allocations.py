"""What the fund commits and pays to the projects it finances: the public ledger."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class AllocationQuerySet(models.QuerySet):
    def public(self) -> "AllocationQuerySet":
        return self.filter(is_public=True)

    def totals(self) -> dict:
        totals = self.aggregate(committed=Sum("committed_cents"), paid=Sum("paid_cents"))
        return {key: value or 0 for key, value in totals.items()}


class Allocation(models.Model):
    """A decision of the fund to finance a project's experimentation, and what was paid."""

    project = models.ForeignKey(
        "projects.ProjectPage",
        verbose_name=_("projet"),
        on_delete=models.PROTECT,
        related_name="fund_allocations",
    )
    title = models.CharField(_("objet"), max_length=200)
    description = models.TextField(_("ce que finance le fonds"), blank=True, max_length=1000)
    decided_on = models.DateField(_("décidé le"))
    committed_cents = models.PositiveBigIntegerField(_("montant engagé (centimes)"))
    paid_cents = models.PositiveBigIntegerField(_("montant versé (centimes)"), default=0)
    last_paid_on = models.DateField(_("dernier versement le"), null=True, blank=True)
    is_public = models.BooleanField(_("publié dans le registre"), default=True)

    objects = AllocationQuerySet.as_manager()

    panels = [
        FieldPanel("project"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("decided_on"),
        FieldPanel("committed_cents"),
        FieldPanel("paid_cents"),
        FieldPanel("last_paid_on"),
        FieldPanel("is_public"),
    ]

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("engagement du fonds")
        verbose_name_plural = _("engagements du fonds")

    def __str__(self):
        return f"{self.project} — {self.title}"

    def clean(self):
        super().clean()
        if (
            self.paid_cents is not None
            and self.committed_cents is not None
            and self.paid_cents > self.committed_cents
        ):
            raise ValidationError(
                {"paid_cents": _("Le montant versé ne peut pas dépasser le montant engagé.")}
            )
