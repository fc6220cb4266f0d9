"""Who issues the fund's receipts, and the fund's settings.

A SCIC cannot issue French tax receipts: by default the SCIC itself issues payment
certificates. When the fund is carried by an eligible body (an endowment fund, an
association of general interest...), staff set it as the issuer and its receipts
become tax receipts (Cerfa 11580 for individuals, 16216 for companies).
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from donations.constants import IssuerKind, ReceiptKind

siren_validator = RegexValidator(r"^\d{9}$", _("Le SIREN compte 9 chiffres."))
rna_validator = RegexValidator(r"^W\d{9}$", _("Le numéro RNA s'écrit W suivi de 9 chiffres."))


class ReceiptIssuer(models.Model):
    """The body in whose name receipts are numbered and signed."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=20, choices=IssuerKind.choices)
    address = models.TextField(_("adresse"))
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[siren_validator])
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, validators=[rna_validator])
    purpose = models.TextField(
        _("objet"),
        help_text=_("L'objet de l'organisme, tel qu'il figure sur les reçus."),
    )
    eligible_individuals = models.BooleanField(
        _("éligible à la réduction d'impôt des particuliers (article 200 du CGI)"), default=False
    )
    eligible_companies = models.BooleanField(
        _("éligible à la réduction d'impôt des entreprises (article 238 bis du CGI)"),
        default=False,
    )
    signatory_name = models.CharField(_("signataire : nom"), max_length=120)
    signatory_title = models.CharField(_("signataire : qualité"), max_length=120)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("address"),
        FieldPanel("siren"),
        FieldPanel("rna"),
        FieldPanel("purpose"),
        MultiFieldPanel(
            [FieldPanel("eligible_individuals"), FieldPanel("eligible_companies")],
            heading=_("Avantage fiscal"),
        ),
        MultiFieldPanel(
            [FieldPanel("signatory_name"), FieldPanel("signatory_title")], heading=_("Signature")
        ),
    ]

    class Meta:
        verbose_name = _("émetteur des reçus")
        verbose_name_plural = _("émetteurs des reçus")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == IssuerKind.SCIC and (self.eligible_individuals or self.eligible_companies):
            raise ValidationError(
                _(
                    "Une SCIC ne peut pas délivrer de reçu fiscal : elle émet des attestations "
                    "de paiement. Choisissez un fonds de dotation ou une association éligible."
                )
            )

    def receipt_kind(self, donor_type: str) -> str:
        """What this issuer may deliver to such a donor."""
        if donor_type == "company" and self.eligible_companies:
            return ReceiptKind.COMPANY
        if donor_type == "individual" and self.eligible_individuals:
            return ReceiptKind.INDIVIDUAL
        return ReceiptKind.CERTIFICATE

    def is_eligible_for(self, donor_type: str) -> bool:
        return self.receipt_kind(donor_type) != ReceiptKind.CERTIFICATE


@register_setting(icon="doc-full")
class FundSettings(BaseSiteSetting):
    """The impulsion fund: who issues its receipts, how to give offline."""

    issuer = models.ForeignKey(
        ReceiptIssuer,
        verbose_name=_("émetteur des reçus"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Sans émetteur choisi, les dons reçoivent une attestation de paiement au nom de "
            "l'organisation (réglages « Organisation »)."
        ),
    )
    cheque_payee = models.CharField(_("chèques à l'ordre de"), max_length=200, blank=True)
    postal_address = models.TextField(_("adresse d'envoi des chèques"), blank=True)
    iban = models.CharField(_("IBAN pour les virements"), max_length=40, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)

    panels = [
        FieldPanel("issuer"),
        MultiFieldPanel(
            [
                FieldPanel("cheque_payee"),
                FieldPanel("postal_address"),
                FieldPanel("iban"),
                FieldPanel("bic"),
            ],
            heading=_("Dons hors ligne"),
        ),
    ]

    select_related = ["issuer"]

    class Meta:
        verbose_name = _("fonds d'impulsion")
