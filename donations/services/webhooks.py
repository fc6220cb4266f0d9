"""Stripe tells what happened: each signed event is recorded once, then dispatched on
its type through a table. A donation's status only moves forward
(`constants.STATUS_RANK`): an event that arrives late or out of order never moves it
back. The donation's row is locked while an event changes it, and the event id is
unique in the database: two copies of one event delivered at the same moment to two
app processes record one donation.
"""

import datetime
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from donations.constants import (
    DONOR_FIELDS,
    STATUS_RANK,
    DonationStatus,
    Frequency,
    SubscriptionStatus,
)
from donations.models import Donation, StripeEvent, Subscription
from donations.services import notices, receipts, refunds
from donations.tasks import issue_receipt
from home import cache as page_cache

logger = logging.getLogger(__name__)

Handler = Callable[[dict], str]
HANDLERS: dict[str, Handler] = {}


def handles(*event_types: str):
    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            HANDLERS[event_type] = handler
        return handler

    return register


def receive(event: dict) -> str:
    """Record a verified event once and act on it; returns what was done, for the log
    and the admin ("duplicate", "ignored", or the handler's outcome)."""
    event_id = str(event.get("id") or "")[:255]
    event_type = str(event.get("type") or "")[:100]
    if not event_id:
        return "ignored: no id"
    created = event.get("created")
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(
                    event_id=event_id,
                    type=event_type,
                    created=datetime.datetime.fromtimestamp(created, tz=datetime.UTC)
                    if isinstance(created, int)
                    else None,
                    livemode=bool(event.get("livemode")),
                    payload=event,
                )
        except IntegrityError:
            return "duplicate"
        handler = HANDLERS.get(event_type)
        obj = (event.get("data") or {}).get("object") or {}
        outcome = handler(obj) if handler is not None and isinstance(obj, dict) else "ignored"
        record.outcome = outcome[:200]
        record.save(update_fields=["outcome"])
    return outcome


# --- helpers ------------------------------------------------------------------------


def _advance(donation: Donation, status: str, **fields) -> bool:
    """Move `donation` (locked) forward to `status`; never backward. Returns whether
    it moved. Reaching "paid" issues the receipt after commit."""
    if STATUS_RANK[status] <= STATUS_RANK[donation.status]:
        return False
    donation.status = status
    for name, value in fields.items():
        setattr(donation, name, value)
    if status == DonationStatus.PAID and donation.received_at is None:
        donation.received_at = timezone.now()
    donation.save()
    # The fund's progress (campaign page, ledger) and the donor wall count paid gifts.
    page_cache.invalidate(purge_pages=[donation.page_id] if donation.page_id else [])
    if status == DonationStatus.PAID:
        donation_id = donation.pk
        transaction.on_commit(lambda: issue_receipt.enqueue(donation_id))
    return True


def _locked_by_public_id(public_id) -> Donation | None:
    if not public_id:
        return None
    try:
        return Donation.objects.select_for_update().filter(public_id=str(public_id)).first()
    except ValidationError:  # a malformed UUID: not one of ours
        return None


def _session_donation(session: dict) -> Donation | None:
    public_id = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "donation"
    )
    donation = _locked_by_public_id(public_id)
    if donation is None and session.get("id"):
        donation = (
            Donation.objects.select_for_update().filter(stripe_session_id=session["id"]).first()
        )
    return donation


def _ensure_subscription(donation: Donation, subscription_id: str, customer: str) -> Subscription:
    subscription, _created = Subscription.objects.get_or_create(
        stripe_subscription_id=subscription_id,
        defaults={
            "stripe_customer_id": customer or "",
            "page": donation.page,
            "amount_cents": donation.amount_cents,
            "earmark": donation.earmark,
            **{name: getattr(donation, name) for name in DONOR_FIELDS},
        },
    )
    if donation.subscription_id != subscription.pk:
        donation.subscription = subscription
        donation.save(update_fields=["subscription"])
    return subscription


def _id(value) -> str:
    """A Stripe reference that may come expanded (an object) or as an id."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value or "")


# --- Checkout -------------------------------------------------------------------------


@handles("checkout.session.completed")
def session_completed(session: dict) -> str:
    donation = _session_donation(session)
    if donation is None:
        return "unknown donation"
    references = {
        "stripe_session_id": donation.stripe_session_id or _id(session.get("id")) or None,
        "stripe_customer_id": _id(session.get("customer")) or donation.stripe_customer_id,
        "stripe_payment_intent_id": _id(session.get("payment_intent"))
        or donation.stripe_payment_intent_id,
    }
    for name, value in references.items():
        setattr(donation, name, value)
    donation.save(update_fields=list(references))
    if session.get("mode") == "subscription" and session.get("subscription"):
        _ensure_subscription(donation, _id(session["subscription"]), _id(session.get("customer")))
    paid = session.get("payment_status") in ("paid", "no_payment_required")
    status = DonationStatus.PAID if paid else DonationStatus.PROCESSING
    if not _advance(donation, status):
        return f"kept {donation.status}"
    if status == DonationStatus.PAID and donation.frequency == Frequency.MONTHLY:
        notices.monthly_started(donation)
    return f"{status}"


@handles("checkout.session.async_payment_succeeded")
def async_payment_succeeded(session: dict) -> str:
    donation = _session_donation(session)
    if donation is None:
        return "unknown donation"
    return "paid" if _advance(donation, DonationStatus.PAID) else f"kept {donation.status}"


@handles("checkout.session.async_payment_failed")
def async_payment_failed(session: dict) -> str:
    donation = _session_donation(session)
    if donation is None:
        return "unknown donation"
    if _advance(donation, DonationStatus.FAILED):
        notices.payment_failed(donation)
        return "failed"
    return f"kept {donation.status}"


@handles("checkout.session.expired")
def session_expired(session: dict) -> str:
    donation = _session_donation(session)
    if donation is None:
        return "unknown donation"
    return "expired" if _advance(donation, DonationStatus.EXPIRED) else f"kept {donation.status}"


# --- Monthly gifts --------------------------------------------------------------------


def _invoice_payment_intent(invoice: dict) -> str:
    """The invoice's payment intent: in `payments` in the pinned API version (where a
    refund's charge finds it), at the top level in older ones."""
    payments = (invoice.get("payments") or {}).get("data") or []
    for payment in payments:
        intent = _id(((payment or {}).get("payment") or {}).get("payment_intent"))
        if intent:
            return intent
    return _id(invoice.get("payment_intent"))


def _invoice_subscription(invoice: dict) -> tuple[str, dict]:
    """(subscription id, its metadata) of an invoice: under `parent` in the pinned API
    version, at the top level in older ones."""
    details = ((invoice.get("parent") or {}).get("subscription_details")) or {}
    subscription_id = _id(details.get("subscription") or invoice.get("subscription"))
    return subscription_id, details.get("metadata") or {}


@handles("invoice.paid")
def invoice_paid(invoice: dict) -> str:
    subscription_id, metadata = _invoice_subscription(invoice)
    invoice_id = _id(invoice.get("id"))
    if not subscription_id or not invoice_id:
        return "not a subscription invoice"
    if Donation.objects.filter(stripe_invoice_id=invoice_id).exists():
        return "invoice already recorded"
    first = _locked_by_public_id(metadata.get("donation"))
    subscription = (
        Subscription.objects.select_for_update()
        .filter(stripe_subscription_id=subscription_id)
        .first()
    )
    if (
        first is not None
        and (invoice.get("billing_reason") == "subscription_create" or not first.stripe_invoice_id)
        and first.status in (DonationStatus.PENDING, DonationStatus.PROCESSING, DonationStatus.PAID)
    ):
        # The first month is the gift the donor made on the form.
        if subscription is None:
            subscription = _ensure_subscription(
                first, subscription_id, _id(invoice.get("customer"))
            )
        if not first.stripe_invoice_id:
            first.stripe_invoice_id = invoice_id
            first.stripe_charge_id = _id(invoice.get("charge")) or first.stripe_charge_id
            first.stripe_payment_intent_id = (
                _invoice_payment_intent(invoice) or first.stripe_payment_intent_id
            )
            first.save(
                update_fields=["stripe_invoice_id", "stripe_charge_id", "stripe_payment_intent_id"]
            )
            if _advance(first, DonationStatus.PAID):
                notices.monthly_started(first)
            return "first month paid"
    if subscription is None:
        return "unknown subscription"
    source = subscription.donations.order_by("created_at", "pk").first()
    renewal = Donation(
        page=subscription.page,
        subscription=subscription,
        frequency=Frequency.MONTHLY,
        amount_cents=int(invoice.get("amount_paid") or subscription.amount_cents),
        earmark=subscription.earmark,
        consent_processing=True,
        consented_at=source.consented_at if source else None,
        newsletter=source.newsletter if source else False,
        issuer=source.issuer if source else None,
        stripe_invoice_id=invoice_id,
        stripe_customer_id=subscription.stripe_customer_id,
        stripe_charge_id=_id(invoice.get("charge")),
        stripe_payment_intent_id=_invoice_payment_intent(invoice),
        status=DonationStatus.PENDING,
        **{name: getattr(subscription, name) for name in DONOR_FIELDS},
    )
    renewal.save()
    _advance(renewal, DonationStatus.PAID)
    if subscription.status != SubscriptionStatus.ACTIVE:
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.save(update_fields=["status"])
    return "renewal paid"


@handles("invoice.payment_failed")
def invoice_payment_failed(invoice: dict) -> str:
    subscription_id, _metadata = _invoice_subscription(invoice)
    subscription = (
        Subscription.objects.select_for_update()
        .filter(stripe_subscription_id=subscription_id)
        .first()
    )
    if subscription is None:
        return "unknown subscription"
    if subscription.status == SubscriptionStatus.ACTIVE:
        subscription.status = SubscriptionStatus.PAST_DUE
        subscription.save(update_fields=["status"])
    notices.monthly_payment_failed(subscription)
    return "donor told"


@handles("customer.subscription.deleted")
def subscription_deleted(subscription_obj: dict) -> str:
    subscription = (
        Subscription.objects.select_for_update()
        .filter(stripe_subscription_id=_id(subscription_obj.get("id")))
        .first()
    )
    if subscription is None:
        return "unknown subscription"
    if subscription.status != SubscriptionStatus.CANCELLED:
        subscription.status = SubscriptionStatus.CANCELLED
        subscription.cancelled_at = timezone.now()
        subscription.save(update_fields=["status", "cancelled_at"])
    return "subscription cancelled"


# --- After the payment ------------------------------------------------------------------


def _charge_donation(charge: dict) -> Donation | None:
    payment_intent = _id(charge.get("payment_intent"))
    queryset = Donation.objects.select_for_update()
    if payment_intent:
        donation = queryset.filter(stripe_payment_intent_id=payment_intent).first()
        if donation is not None:
            return donation
    charge_id = _id(charge.get("id"))
    if charge_id:
        donation = queryset.filter(stripe_charge_id=charge_id).first()
        if donation is not None:
            return donation
    invoice = _id(charge.get("invoice"))
    if invoice:
        return queryset.filter(stripe_invoice_id=invoice).first()
    return None


@handles("charge.refunded")
def charge_refunded(charge: dict) -> str:
    donation = _charge_donation(charge)
    if donation is None:
        return "unknown donation"
    # `amount_refunded` is the charge's total refunded so far: the one refund path.
    return refunds.record_refund(
        donation=donation, refunded_cents=int(charge.get("amount_refunded") or 0)
    )


@handles("charge.dispute.created")
def dispute_created(dispute: dict) -> str:
    charge = dispute.get("charge")
    charge_data = charge if isinstance(charge, dict) else {"id": charge}
    charge_data.setdefault("payment_intent", dispute.get("payment_intent"))
    donation = _charge_donation(charge_data)
    if donation is None:
        return "unknown donation"
    if _advance(donation, DonationStatus.DISPUTED):
        receipts.on_dispute(donation=donation)
        return "disputed"
    return f"kept {donation.status}"
