"""Receipts: a payment certificate, or a French tax receipt when the issuer is eligible.

Numbers run without a gap per issuer and year (`ReceiptCounter`, locked while a
number is taken). A receipt is frozen once issued: its donor, amount, wording and
PDF never change; a refund cancels it and, for what remains, issues a replacement.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from donations.constants import DonorType, ReceiptKind, ReceiptStatus
from donations.models.donations import Donation
from donations.models.issuers import ReceiptIssuer


class ReceiptCounter(models.Model):
    """The last number issued by an issuer in a year: the row is locked to take the next."""

    issuer = models.ForeignKey(ReceiptIssuer, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="one_counter_per_issuer_year")
        ]

    def __str__(self):
        return f"{self.issuer_id} {self.year}: {self.last_number}"


class Receipt(models.Model):
    issuer = models.ForeignKey(
        ReceiptIssuer, verbose_name=_("émetteur"), on_delete=models.PROTECT, related_name="receipts"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    number = models.PositiveIntegerField(_("numéro"))
    kind = models.CharField(_("nature"), max_length=12, choices=ReceiptKind.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=ReceiptStatus.choices, default=ReceiptStatus.ISSUED
    )
    is_yearly = models.BooleanField(_("récapitulatif annuel"), default=False)
    donations = models.ManyToManyField(Donation, verbose_name=_("dons"), related_name="receipts")
    # Frozen copy of what the receipt says.
    donor_type = models.CharField(_("donateur"), max_length=12, choices=DonorType.choices)
    donor_name = models.CharField(_("nom du donateur"), max_length=250)
    donor_siren = models.CharField(_("SIREN du donateur"), max_length=9, blank=True)
    donor_legal_form = models.CharField(_("forme juridique"), max_length=60, blank=True)
    donor_address = models.TextField(_("adresse du donateur"))
    donor_email = models.EmailField(_("courriel du donateur"), max_length=254)
    amount_cents = models.PositiveBigIntegerField(_("montant (centimes)"))
    amount_words = models.CharField(_("montant en lettres"), max_length=300)
    gift_date = models.DateField(_("date du don (ou du premier don)"))
    gift_date_end = models.DateField(_("date du dernier don"), null=True, blank=True)
    payment_method = models.CharField(_("mode de versement"), max_length=60)
    issued_at = models.DateTimeField(_("émis le"))
    pdf = models.BinaryField(_("PDF"), editable=False)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=250, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("remplace le reçu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("reçu")
        verbose_name_plural = _("reçus")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"], name="one_receipt_number_per_issuer_year"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} n° {self.reference}"

    @property
    def reference(self) -> str:
        return f"{self.year}-{self.number:05d}"

    @property
    def filename(self) -> str:
        prefix = "attestation" if self.kind == ReceiptKind.CERTIFICATE else "recu-fiscal"
        return f"{prefix}-{self.reference}.pdf"
