"""The donor's own space: an emailed, signed, expiring link shows a donor their gifts
and receipts, and lets a monthly donor change or stop their gift through Stripe's
billing portal. No account, no password: the link is the key, for one address."""

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from donations import stripe_api
from donations.constants import DonationStatus, SubscriptionStatus
from donations.models import Donation, Receipt, Subscription
from home.links import absolute_url
from home.outbox import queue_email
from home.text import normalize_email

SALT = "donations.donor-space"
LINK_MAX_AGE = 7 * 24 * 3600  # a week: long enough to come back, short if forwarded


class LinkInvalid(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid" or "expired"


def token_for(email: str) -> str:
    return signing.dumps({"e": normalize_email(email)}, salt=SALT, compress=True)


def email_from(token: str) -> str:
    try:
        payload = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkInvalid("expired") from None
    except signing.BadSignature:
        raise LinkInvalid("invalid") from None
    email = payload.get("e") if isinstance(payload, dict) else None
    if not isinstance(email, str) or "@" not in email:
        raise LinkInvalid("invalid")
    return email


def link_for(email: str) -> str:
    return absolute_url(reverse("donations:donor_space", args=[token_for(email)]))


def has_gifts(email: str) -> bool:
    return (
        Donation.objects.filter(email__iexact=email).exclude(status=DonationStatus.PENDING).exists()
    )


def send_link(*, email: str) -> bool:
    """Email the link to an address that has given; say nothing about others (the
    page answers the same either way). Returns whether an email was queued."""
    email = normalize_email(email)
    if not has_gifts(email):
        return False
    queue_email(
        kind="donations.donor_link",
        to=email,
        subject=_("Vos dons au fonds d'impulsion"),
        template="donations/emails/donor_link",
        context={"link": link_for(email), "days": LINK_MAX_AGE // 86400},
    )
    return True


def overview(email: str) -> dict:
    """What the donor's page shows: gifts, receipts, monthly gifts."""
    donations = list(
        Donation.objects.filter(email__iexact=email)
        .exclude(status=DonationStatus.PENDING)
        .select_related("page", "earmark")
        .order_by("-created_at", "-pk")
    )
    receipts = list(
        Receipt.objects.filter(donor_email__iexact=email)
        .select_related("issuer")
        .order_by("-issued_at", "-pk")
    )
    subscriptions = list(
        Subscription.objects.filter(email__iexact=email).order_by("-started_at", "-pk")
    )
    return {"donations": donations, "receipts": receipts, "subscriptions": subscriptions}


def receipt_of(email: str, receipt_id: int) -> Receipt | None:
    return Receipt.objects.filter(pk=receipt_id, donor_email__iexact=email).first()


def portal_url(*, email: str, subscription_id: int, return_url: str) -> str:
    """Stripe's billing portal for one of this donor's monthly gifts; raises
    stripe_api.PaymentUnavailable, or LinkInvalid when the gift is not theirs."""
    subscription = (
        Subscription.objects.filter(pk=subscription_id, email__iexact=email)
        .exclude(status=SubscriptionStatus.CANCELLED)
        .first()
    )
    if subscription is None or not subscription.stripe_customer_id:
        raise LinkInvalid("invalid")
    session = stripe_api.create_portal_session(
        customer=subscription.stripe_customer_id, return_url=return_url
    )
    return session.url
