"""Limits, choices and rules of the donations app: the bottom layer.

Money is integer cents of EUR everywhere, never float.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

CURRENCY = "eur"
MIN_AMOUNT_CENTS = 500  # 5 EUR: below, card fees eat the gift and card testers thrive
DEFAULT_MAX_AMOUNT_CENTS = 1_000_000  # 10,000 EUR online; more by transfer, with the team
NAME_MAX, COMPANY_MAX, ADDRESS_MAX, CITY_MAX = 120, 200, 200, 100

# Who gives (donations.models.DonorFields): what the form asks, a receipt carries, a
# monthly gift copies from its first month to each renewal.
DONOR_FIELDS = (
    "donor_type",
    "first_name",
    "last_name",
    "company_name",
    "legal_form",
    "siren",
    "email",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "recognition",
)

# French tax reductions (to confirm with the cooperative's accountant; FACTS.md).
INDIVIDUAL_RATE = 66  # % of the gift, within 20 % of taxable income (art. 200 CGI)
INDIVIDUAL_INCOME_CAP = 20  # %
COMPANY_RATE = 60  # % of the gift (art. 238 bis CGI)
COMPANY_FLAT_CAP_CENTS = 2_000_000  # 20,000 EUR...
COMPANY_TURNOVER_CAP_PERMILLE = 5  # ...or 0.5 % of turnover, whichever is higher


class DonorType(models.TextChoices):
    INDIVIDUAL = "individual", _("Particulier")
    COMPANY = "company", _("Entreprise ou organisation")


class Frequency(models.TextChoices):
    ONCE = "once", _("Une fois")
    MONTHLY = "monthly", _("Chaque mois")


class Recognition(models.TextChoices):
    ANONYMOUS = "anonymous", _("Rester anonyme")
    NAME = "name", _("Mon nom (ou celui de mon entreprise) sur la liste des donateurs")
    LOGO = "logo", _("Le logo de mon entreprise sur la liste des donateurs")


class DonationStatus(models.TextChoices):
    PENDING = "pending", _("en attente de paiement")
    PROCESSING = "processing", _("paiement en cours (prélèvement)")
    PAID = "paid", _("payé")
    FAILED = "failed", _("échoué")
    EXPIRED = "expired", _("abandonné")
    REFUNDED = "refunded", _("remboursé")
    DISPUTED = "disputed", _("contesté")


# A status only moves forward: an event arriving late or out of order never moves a
# donation back. Same rank: no move between them (failed vs. expired).
STATUS_RANK = {
    DonationStatus.PENDING: 0,
    DonationStatus.PROCESSING: 1,
    DonationStatus.FAILED: 2,
    DonationStatus.EXPIRED: 2,
    DonationStatus.PAID: 3,
    DonationStatus.REFUNDED: 4,
    DonationStatus.DISPUTED: 4,
}
# Statuses whose money counts toward the goal.
COUNTED_STATUSES = (DonationStatus.PAID,)


class Channel(models.TextChoices):
    ONLINE = "online", _("en ligne (Stripe)")
    CHEQUE = "cheque", _("chèque")
    TRANSFER = "transfer", _("virement")
    CASH = "cash", _("espèces")


class IssuerKind(models.TextChoices):
    SCIC = "scic", _("SCIC (ne peut pas émettre de reçu fiscal)")
    ENDOWMENT_FUND = "endowment_fund", _("Fonds de dotation")
    FOUNDATION = "foundation", _("Fondation reconnue d'utilité publique")
    ASSOCIATION = "association", _("Association d'intérêt général")


class ReceiptKind(models.TextChoices):
    CERTIFICATE = "certificate", _("attestation de paiement (sans avantage fiscal)")
    INDIVIDUAL = "individual", _("reçu fiscal particulier (Cerfa 11580)")
    COMPANY = "company", _("reçu fiscal entreprise (Cerfa 16216)")


class ReceiptStatus(models.TextChoices):
    ISSUED = "issued", _("émis")
    CANCELLED = "cancelled", _("annulé")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("actif")
    PAST_DUE = "past_due", _("paiement en retard")
    CANCELLED = "cancelled", _("arrêté")
