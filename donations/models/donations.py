"""Gifts to the impulsion fund: one `Donation` per payment (each monthly renewal is
one), the `Subscription` behind monthly gifts, and each Stripe event recorded once.

Write through `donations.services`: a donation's status only moves forward
(`constants.STATUS_RANK`), whatever order Stripe's events arrive in.
"""

import uuid

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from donations.constants import (
    ADDRESS_MAX,
    CITY_MAX,
    COMPANY_MAX,
    COUNTED_STATUSES,
    NAME_MAX,
    Channel,
    DonationStatus,
    DonorType,
    Frequency,
    Recognition,
    SubscriptionStatus,
)
from donations.models.issuers import ReceiptIssuer, siren_validator
from home.money import format_eur

postal_code_validator = RegexValidator(
    r"^[0-9A-Za-z \-]{3,10}$", _("Saisissez un code postal, par exemple 39000.")
)


class DonorFields(models.Model):
    """Who gives: what a receipt must carry, and how they wish to be thanked."""

    donor_type = models.CharField(
        _("donateur"), max_length=12, choices=DonorType.choices, default=DonorType.INDIVIDUAL
    )
    first_name = models.CharField(_("prénom"), max_length=NAME_MAX)
    last_name = models.CharField(_("nom"), max_length=NAME_MAX)
    company_name = models.CharField(_("raison sociale"), max_length=COMPANY_MAX, blank=True)
    legal_form = models.CharField(_("forme juridique"), max_length=60, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[siren_validator])
    email = models.EmailField(_("courriel"), max_length=254)
    address_line1 = models.CharField(_("adresse"), max_length=ADDRESS_MAX)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=ADDRESS_MAX, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=10, validators=[postal_code_validator]
    )
    city = models.CharField(_("ville"), max_length=CITY_MAX)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    recognition = models.CharField(
        _("remerciement public"),
        max_length=10,
        choices=Recognition.choices,
        default=Recognition.ANONYMOUS,
    )

    class Meta:
        abstract = True

    @property
    def donor_name(self) -> str:
        if self.donor_type == DonorType.COMPANY and self.company_name:
            return self.company_name
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def postal_address(self) -> str:
        lines = [self.address_line1, self.address_line2, f"{self.postal_code} {self.city}"]
        if self.country and self.country != "FR":
            lines.append(self.country)
        return "\n".join(line for line in lines if line.strip())


class Subscription(DonorFields):
    """A monthly gift: Stripe charges it each month; each paid invoice is a Donation."""

    stripe_subscription_id = models.CharField(_("abonnement Stripe"), max_length=255, unique=True)
    stripe_customer_id = models.CharField(_("client Stripe"), max_length=255, blank=True)
    page = models.ForeignKey(
        "donations.DonationPage",
        verbose_name=_("campagne"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriptions",
    )
    amount_cents = models.PositiveBigIntegerField(_("montant mensuel (centimes)"))
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
    )
    earmark = models.ForeignKey(
        "projects.ProjectPage",
        verbose_name=_("projet soutenu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("arrêté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("don mensuel")
        verbose_name_plural = _("dons mensuels")

    def __str__(self):
        return f"{self.donor_name} — {self.amount_cents / 100:.2f} €/mois"


class DonationQuerySet(models.QuerySet):
    def counted(self) -> "DonationQuerySet":
        """The gifts whose money the fund holds: paid, online or offline."""
        return self.filter(status__in=COUNTED_STATUSES)

    def progress(self) -> dict:
        """{"total_cents", "donors"} of the counted gifts: donors counted once by address."""
        totals = self.counted().aggregate(
            total_cents=Sum(F("amount_cents") - F("refunded_cents")),
            donors=Count("email", distinct=True),
        )
        return {"total_cents": totals["total_cents"] or 0, "donors": totals["donors"] or 0}

    def for_wall(self) -> "DonationQuerySet":
        """Counted gifts whose donors chose to be named (never the anonymous ones)."""
        return self.counted().exclude(recognition=Recognition.ANONYMOUS)


class Donation(DonorFields):
    """One payment to the fund: online (Stripe) or recorded by staff (cheque, transfer)."""

    public_id = models.UUIDField(_("référence"), default=uuid.uuid4, unique=True, editable=False)
    page = models.ForeignKey(
        "donations.DonationPage",
        verbose_name=_("campagne"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    channel = models.CharField(
        _("moyen"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("don mensuel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    amount_cents = models.PositiveBigIntegerField(
        _("montant (centimes)"), validators=[MinValueValidator(1)]
    )
    earmark = models.ForeignKey(
        "projects.ProjectPage",
        verbose_name=_("projet soutenu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo (remerciement)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Affiché sur la liste des donateurs si l'entreprise l'a demandé."),
    )
    consent_processing = models.BooleanField(_("accepte le traitement de ses données"))
    consented_at = models.DateTimeField(_("accord donné le"), null=True, blank=True)
    newsletter = models.BooleanField(_("accepte la lettre d'information"), default=False)
    status = models.CharField(
        _("état"), max_length=12, choices=DonationStatus.choices, default=DonationStatus.PENDING
    )
    refunded_cents = models.PositiveBigIntegerField(_("remboursé (centimes)"), default=0)
    received_at = models.DateTimeField(_("reçu le"), null=True, blank=True)
    issuer = models.ForeignKey(
        ReceiptIssuer,
        verbose_name=_("émetteur du reçu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    staff_note = models.TextField(_("note interne"), blank=True)
    # Stripe's references (online gifts).
    stripe_session_id = models.CharField(
        _("session Stripe"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_invoice_id = models.CharField(
        _("facture Stripe"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(
        _("paiement Stripe"), max_length=255, blank=True, db_index=True
    )
    stripe_charge_id = models.CharField(
        _("débit Stripe"), max_length=255, blank=True, db_index=True
    )
    stripe_customer_id = models.CharField(_("client Stripe"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("don")
        verbose_name_plural = _("dons")
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["email"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gte=1), name="donation_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.donor_name} — {self.amount_eur} € ({self.get_status_display()})"

    @property
    def amount_eur(self) -> str:
        return format_eur(self.amount_cents)

    @property
    def kept_cents(self) -> int:
        """What the fund keeps of this gift, refunds deducted."""
        return self.amount_cents - self.refunded_cents


class StripeEvent(models.Model):
    """Each Stripe event id is recorded once (a unique constraint): a duplicate delivery,
    even at the same moment on another app server, is recognised and acknowledged."""

    event_id = models.CharField(_("événement"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    created = models.DateTimeField(_("émis le"), null=True, blank=True)
    livemode = models.BooleanField(_("réel"), default=False)
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    outcome = models.CharField(_("traitement"), max_length=200, blank=True)
    payload = models.JSONField(_("contenu"), default=dict)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("événement Stripe")
        verbose_name_plural = _("événements Stripe")

    def __str__(self):
        return f"{self.type} {self.event_id}"
