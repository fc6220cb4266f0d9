"""The only module that talks to Stripe (stripe-python 16, `StripeClient`).

Sessions are created on the server; amounts are integer cents of EUR. Every call
that creates something carries an idempotency key, so a retried request never
creates it twice. Any failure to reach or use Stripe becomes `PaymentUnavailable`,
which views turn into a kind French message (and pending gifts stay pending).
"""

import functools
import json
import logging

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)


class PaymentUnavailable(Exception):
    """Stripe could not be reached or refused the request; nothing was charged."""


class NotConfigured(PaymentUnavailable):
    """No STRIPE_SECRET_KEY: online payment is switched off."""


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    if not is_configured():
        raise NotConfigured("STRIPE_SECRET_KEY is not set")
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@functools.lru_cache(maxsize=4)
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    """One client per key and address, kept for the process: it keeps its HTTP
    connections open (a new client per call opened a new connection each time)."""
    options = {"max_network_retries": 1}
    if api_base:
        options["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(secret_key, **options)


def _call(what: str, function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except stripe.StripeError as error:
        logger.warning("Stripe %s failed: %s: %s", what, type(error).__name__, error)
        raise PaymentUnavailable(str(error)) from error


def create_checkout_session(params: dict, *, idempotency_key: str):
    stripe_client = client()
    return _call(
        "checkout session",
        stripe_client.v1.checkout.sessions.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def retrieve_checkout_session(session_id: str):
    return _call("checkout retrieve", client().v1.checkout.sessions.retrieve, session_id)


def create_portal_session(*, customer: str, return_url: str):
    return _call(
        "billing portal",
        client().v1.billing_portal.sessions.create,
        params={"customer": customer, "return_url": return_url, "locale": "fr"},
    )


def refund(*, payment_intent: str, amount_cents: int | None, idempotency_key: str):
    params = {"payment_intent": payment_intent, "reason": "requested_by_customer"}
    if amount_cents:
        params["amount"] = amount_cents
    return _call(
        "refund",
        client().v1.refunds.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


class BadSignature(Exception):
    """A webhook body whose signature is missing, wrong or stale."""


def verify_event(payload: bytes, signature: str | None) -> dict:
    """The event as plain data, if the signature on the raw body is right and fresh
    (300 s); raises BadSignature otherwise (and when no webhook secret is set)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        raise BadSignature("missing secret or signature")
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, 300)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as error:
        raise BadSignature(str(error)) from error
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        raise BadSignature("not an event")
    return event
