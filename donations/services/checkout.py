"""A gift begins: the pending Donation is stored first, then a Stripe Checkout
Session is created on the server and the donor is sent to it.

If Stripe cannot be reached, the donation stays pending (nothing was charged) and
the view says online payment is momentarily unavailable.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations import stripe_api
from donations.constants import (
    CURRENCY,
    DONOR_FIELDS,
    MIN_AMOUNT_CENTS,
    DonationStatus,
    Frequency,
)
from donations.models import Donation, DonationPage
from donations.services.receipts import issuer_for
from home.links import absolute_url

logger = logging.getLogger(__name__)


class AmountOutOfBounds(ValueError):
    pass


def record_pending_donation(
    *, page: DonationPage, amount_cents: int, frequency: str, **fields
) -> Donation:
    """Store what the donor typed, before any payment (the source of truth if Stripe or
    the donor's browser fails midway)."""
    if not MIN_AMOUNT_CENTS <= amount_cents <= page.max_amount_cents:
        raise AmountOutOfBounds(amount_cents)
    donation = Donation(
        page=page,
        amount_cents=amount_cents,
        frequency=frequency,
        status=DonationStatus.PENDING,
        consent_processing=True,
        consented_at=timezone.now(),
        issuer=issuer_for(page.get_site()),
        **{
            name: value
            for name, value in fields.items()
            if name in (*DONOR_FIELDS, "earmark", "newsletter")
        },
    )
    # The links (campaign, issuer, earmark) are rows just read, and public_id a fresh
    # uuid4 under a unique constraint: validating them again would cost 4 queries on
    # the path of every gift (bench/donations.py).
    donation.full_clean(exclude=["page", "issuer", "earmark"], validate_unique=False)
    donation.save()
    return donation


def checkout_params(donation: Donation) -> dict:
    page = donation.page
    page_path = page.get_url() or "/"
    monthly = donation.frequency == Frequency.MONTHLY
    product = _("Don mensuel au fonds d'impulsion") if monthly else _("Don au fonds d'impulsion")
    if donation.earmark_id:
        product += " — " + donation.earmark.title
    metadata = {"donation": str(donation.public_id), "campaign": str(page.pk)}
    price_data = {
        "currency": CURRENCY,
        "unit_amount": donation.amount_cents,
        "product_data": {"name": product[:250]},
    }
    if monthly:
        price_data["recurring"] = {"interval": "month"}
    params = {
        "mode": "subscription" if monthly else "payment",
        "locale": "fr",
        "customer_email": donation.email,
        "client_reference_id": str(donation.public_id),
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "metadata": metadata,
        "success_url": absolute_url(page_path + page.reverse_subpage("thanks"))
        + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": absolute_url(page_path) + f"?reprendre={donation.public_id}",
    }
    if monthly:
        # Each renewal's invoice carries these, to find the subscription's first gift.
        params["subscription_data"] = {"metadata": metadata, "description": product[:250]}
    else:
        # "donate" labels Stripe's button "Faire un don" (payment mode only).
        params["submit_type"] = "donate"
        params["payment_intent_data"] = {"metadata": metadata, "description": product[:250]}
    return params


def start_checkout(*, donation: Donation) -> str:
    """Create the Checkout Session of a pending donation; returns the URL to send the
    donor to. Raises stripe_api.PaymentUnavailable (the donation stays pending)."""
    session = stripe_api.create_checkout_session(
        checkout_params(donation), idempotency_key=f"checkout-{donation.public_id}"
    )
    with transaction.atomic():
        Donation.objects.filter(pk=donation.pk, stripe_session_id__isnull=True).update(
            stripe_session_id=session.id
        )
    donation.stripe_session_id = session.id
    return session.url


def resume(*, public_id: str, allowed: set[str]) -> Donation | None:
    """A pending donation the same browser started (cancel on Stripe's page): its fields
    fill the form again. Only ids this session created are accepted."""
    if public_id not in allowed:
        return None
    return Donation.objects.filter(public_id=public_id, status=DonationStatus.PENDING).first()


def thanks_summary(session_id: str) -> dict | None:
    """What the thank-you page shows, read from Stripe for display only (the webhook
    alone records payments)."""
    if not session_id or len(session_id) > 255 or not stripe_api.is_configured():
        return None
    try:
        session = stripe_api.retrieve_checkout_session(session_id)
    except stripe_api.PaymentUnavailable:
        return None
    donation = Donation.objects.filter(stripe_session_id=session.id).select_related("page").first()
    if donation is None:
        return None
    return {
        "donation": donation,
        "amount_cents": session.amount_total or donation.amount_cents,
        "monthly": donation.frequency == Frequency.MONTHLY,
        "payment_status": session.payment_status,
    }
