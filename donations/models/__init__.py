"""Models of the donations app: the campaign page, gifts, receipts and the fund's
commitments to projects."""

from donations.models.allocations import Allocation
from donations.models.donations import Donation, StripeEvent, Subscription
from donations.models.issuers import FundSettings, ReceiptIssuer
from donations.models.pages import DonationPage
from donations.models.receipts import Receipt, ReceiptCounter

__all__ = [
    "Allocation",
    "Donation",
    "DonationPage",
    "FundSettings",
    "Receipt",
    "ReceiptCounter",
    "ReceiptIssuer",
    "StripeEvent",
    "Subscription",
]
