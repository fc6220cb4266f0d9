"""A local Stripe double: a tiny HTTP server the real stripe-python client talks to.

Why a server rather than mocks: the app points `StripeClient` at
`settings.STRIPE_API_BASE`, so tests run the library's real code path (form
encoding, the Idempotency-Key and Stripe-Version headers, retries, error
mapping) and only the far end is fake. Answers start from Stripe's own example
objects (stripe_fixtures.json, copied from Stripe's OpenAPI fixtures) so the app
meets the full shape of real objects, overridden with what was sent.

Also here: builders for the objects webhook events carry, `make_event` and
`sign`, so webhook tests post exactly what Stripe would.

For a person trying the site: given `webhook_url` and `webhook_secret`, the fake
checkout page's "Payer" completes the session, posts the signed events Stripe would
send to the site's webhook, then sends the browser to the thank-you page. Run
`python -m tests.donations.stripe_double --help` (or `make stripe-double`).
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import logging
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

FIXTURES: dict[str, dict] = json.loads(
    Path(__file__).with_name("stripe_fixtures.json").read_text(encoding="utf-8")
)
API_VERSION: str = stripe.api_version  # the version stripe-python 16 pins and sends
UI_MODES = ("hosted_page", "embedded_page", "elements")  # values of the pinned API version
MONTH = 30 * 24 * 3600
WEBHOOK_TIMEOUT = 10  # seconds: Stripe waits longer, a person clicking "Payer" should not

logger = logging.getLogger(__name__)


def new_id(prefix: str) -> str:
    """A fresh Stripe-looking id, e.g. new_id("cs_test") -> "cs_test_3f9a…"."""
    return f"{prefix}_{secrets.token_hex(12)}"


def fixture(object_type: str) -> dict:
    """A deep copy of Stripe's example object for `object_type` ("checkout.session", "charge"…)."""
    return copy.deepcopy(FIXTURES[object_type])


# -- Objects, for the double's answers and for webhook events ----------------------------------


def _session_base() -> dict:
    """The fixture session without what a one-line EUR donation never has.

    The example object carries absurd shipping/FX amounts and `payment_method_types`,
    which the pinned API version removed from Checkout Sessions.
    """
    obj = fixture("checkout.session")
    obj.pop("payment_method_types", None)
    now = int(time.time())
    obj.update(
        id=new_id("cs_test"),
        created=now,
        expires_at=now + 24 * 3600,
        livemode=False,
        ui_mode="hosted_page",
        currency="eur",
        adaptive_pricing={"enabled": False},
        after_expiration=None,
        currency_conversion=None,
        shipping_address_collection=None,
        shipping_cost=None,
        collected_information=None,
        total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
    )
    return obj


def checkout_session_object(**overrides: Any) -> dict:
    """A completed, paid, one-off 50 EUR session: what `checkout.session.completed` carries."""
    obj = _session_base()
    obj.update(
        mode="payment",
        status="complete",
        payment_status="paid",
        amount_subtotal=5000,
        amount_total=5000,
        submit_type="donate",
        locale="fr",
        payment_intent=new_id("pi"),
        customer=new_id("cus"),
        url=None,
    )
    if "amount_total" in overrides:
        obj["amount_subtotal"] = overrides["amount_total"]
    obj.update(overrides)
    if obj.get("customer_email") and obj.get("customer_details"):
        obj["customer_details"]["email"] = obj["customer_email"]
    return obj


def invoice_object(
    *, amount: int = 5000, subscription: str | None = None, **overrides: Any
) -> dict:
    """A paid monthly renewal invoice of `amount` cents for `subscription` (fresh id if None).

    The pinned API version puts the subscription at
    `parent.subscription_details.subscription` (no top-level `invoice.subscription`).
    Pass `parent=None` for an invoice outside any subscription.
    """
    obj = fixture("invoice")
    invoice_id = overrides.get("id") or new_id("in")
    subscription = subscription or new_id("sub")
    now = int(time.time())
    obj.update(
        id=invoice_id,
        created=now,
        livemode=False,
        currency="eur",
        status="paid",
        billing_reason="subscription_cycle",
        customer=new_id("cus"),
        amount_due=amount,
        amount_paid=amount,
        amount_remaining=0,
        amount_overpaid=0,
        subtotal=amount,
        total=amount,
        last_finalization_error=None,
        from_invoice=None,
        period_start=now - MONTH,
        period_end=now,
        parent={
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": subscription},
        },
    )
    line = obj["lines"]["data"][0]
    line.update(amount=amount, subtotal=amount, currency="eur", invoice=invoice_id)
    obj["lines"]["url"] = f"/v1/invoices/{invoice_id}/lines"
    obj.update(overrides)
    return obj


def charge_object(**overrides: Any) -> dict:
    """A succeeded 50 EUR card charge with a payment intent (refund and dispute events carry it)."""
    obj = fixture("charge")
    charge_id = overrides.get("id") or new_id("ch")
    obj.update(
        id=charge_id,
        created=int(time.time()),
        livemode=False,
        amount=5000,
        amount_captured=5000,
        amount_refunded=0,
        currency="eur",
        payment_intent=new_id("pi"),
        status="succeeded",
        paid=True,
        captured=True,
        refunded=False,
        disputed=False,
    )
    obj["refunds"]["url"] = f"/v1/charges/{charge_id}/refunds"
    obj.update(overrides)
    return obj


def dispute_object(**overrides: Any) -> dict:
    """A dispute opened on a 50 EUR charge, awaiting our response."""
    obj = fixture("dispute")
    obj.update(
        id=new_id("dp"),
        created=int(time.time()),
        livemode=False,
        amount=5000,
        currency="eur",
        charge=new_id("ch"),
        payment_intent=new_id("pi"),
        status="needs_response",
    )
    obj.update(overrides)
    return obj


def subscription_object(*, amount: int = 5000, **overrides: Any) -> dict:
    """An active monthly subscription of `amount` cents, current period starting now."""
    obj = fixture("subscription")
    sub_id = overrides.get("id") or new_id("sub")
    now = int(time.time())
    obj.update(
        id=sub_id,
        created=now,
        start_date=now,
        billing_cycle_anchor=now,
        livemode=False,
        currency="eur",
        customer=new_id("cus"),
        status="active",
        cancel_at=None,
        cancel_at_period_end=False,
        canceled_at=None,
        ended_at=None,
        pause_collection=None,
        pending_update=None,
    )
    item = obj["items"]["data"][0]
    item.update(subscription=sub_id, current_period_start=now, current_period_end=now + MONTH)
    item["price"].update(currency="eur", unit_amount=amount, unit_amount_decimal=str(amount))
    obj["items"]["url"] = f"/v1/subscription_items?subscription={sub_id}"
    obj.update(overrides)
    return obj


# -- Events and signatures ---------------------------------------------------------------------


def make_event(
    event_type: str,
    obj: dict,
    *,
    event_id: str | None = None,
    created: int | None = None,
    previous_attributes: dict | None = None,
) -> dict:
    """A Stripe event of `event_type` carrying `obj`, shaped like the fixture event.

    Pass the same `event_id` twice to simulate Stripe redelivering one event.
    """
    event = fixture("event")
    event.update(
        id=event_id or new_id("evt"),
        type=event_type,
        created=int(time.time()) if created is None else created,
        api_version=API_VERSION,
        livemode=False,
        pending_webhooks=1,
        data={"object": copy.deepcopy(obj)},
    )
    if previous_attributes is not None:
        event["data"]["previous_attributes"] = previous_attributes
    return event


def sign(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send with `payload` (now, or at `timestamp`).

    Bytes are decoded first: the library formats the payload into the signed
    string, so bytes would sign "b'...'" and never verify.
    """
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def signed_payload(event: dict, secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
    """The raw body and Stripe-Signature header for delivering `event` to the webhook."""
    payload = json.dumps(event).encode("utf-8")
    return payload, sign(payload, secret, timestamp)


# -- Request parsing ---------------------------------------------------------------------------


def parse_form(query: str) -> dict:
    """Stripe's form encoding back into nested data, all values left as the strings sent.

    `line_items[0][price_data][unit_amount]=5000&metadata[donation]=7` becomes
    `{"line_items": [{"price_data": {"unit_amount": "5000"}}], "metadata": {"donation": "7"}}`.
    """
    root: dict = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        head, _, rest = key.partition("[")
        parts = [head, *rest[:-1].split("][")] if rest else [head]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node: Any, key: str = "") -> Any:
    """Dicts keyed 0, 1, 2… are arrays (metadata keys stay keys, even numeric ones)."""
    if not isinstance(node, dict):
        return node
    items = {k: _listify(v, k) for k, v in node.items()}
    if key != "metadata" and items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def _typed(value: Any, key: str = "") -> Any:
    """What Stripe stores: booleans and the integer fields the double reads become typed."""
    if isinstance(value, dict):
        return {k: v if key == "metadata" else _typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v, key) for v in value]
    if value in ("true", "false"):
        return value == "true"
    if key in {"amount", "quantity", "unit_amount", "cancel_at", "trial_end"} and value.isdigit():
        return int(value)
    return value


# -- The server --------------------------------------------------------------------------------


class StripeError(Exception):
    """Answered as Stripe's error JSON, which stripe-python maps to its exception classes."""

    def __init__(self, status: int, error_type: str, message: str, **extra: Any):
        super().__init__(message)
        self.status = status
        self.error = {"type": error_type, "message": message, **extra}


def _invalid(message: str, **extra: Any) -> StripeError:
    """A 400 invalid_request_error (stripe-python raises InvalidRequestError)."""
    return StripeError(400, "invalid_request_error", message, **extra)


def _required(param: str) -> StripeError:
    return _invalid(f"Missing required param: {param}.", code="parameter_missing", param=param)


def _missing(what: str, object_id: str) -> StripeError:
    return StripeError(
        404,
        "invalid_request_error",
        f"No such {what}: '{object_id}'",
        code="resource_missing",
        param="id",
    )


@dataclass
class RecordedRequest:
    """One request as the double received it, for assertions."""

    method: str
    path: str
    params: dict
    headers: dict[str, str]
    status: int = 0
    replayed: bool = False  # answered from the idempotency store

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    @property
    def idempotency_key(self) -> str | None:
        return self.header("Idempotency-Key")

    @property
    def stripe_version(self) -> str | None:
        return self.header("Stripe-Version")

    @property
    def authorization(self) -> str | None:
        return self.header("Authorization")


@dataclass
class Delivery:
    """One event posted to `webhook_url`: the site's HTTP status, or why it never answered."""

    event_id: str
    event_type: str
    status: int | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stripe does not follow a webhook's redirects: a 3xx is a failed delivery."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# Straight to the site: no redirects, and no HTTP proxy from the environment for 127.0.0.1.
_webhook_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


class _Handler(BaseHTTPRequestHandler):
    server_version = "StripeDouble"

    def do_GET(self) -> None:
        self.server.double._handle(self)

    do_POST = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test output is not the place for an access log."""


Answer = tuple[int, dict | str, dict[str, str]]


class StripeDouble:
    """Stripe's API on 127.0.0.1, for the endpoints the donation flow calls.

    State a test may read or change: `sessions`, `portal_sessions`, `refunds`,
    `subscriptions` (id -> dict, what GET answers), `requests` (RecordedRequest
    list) and `overrides` (object type -> dict of fields, or a callable
    `(obj, params) -> dict | None`, applied to every object the double creates).

    With `webhook_url` and `webhook_secret`, paying on the checkout page (POST or GET
    /checkout/<id>/pay) posts the completion's events to the site, signed with the
    secret; `deliveries` lists each attempt. `port` 0 picks a free port.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        if bool(webhook_url) != bool(webhook_secret):
            raise ValueError("webhook_url and webhook_secret go together")
        if webhook_url and urlsplit(webhook_url).scheme not in ("http", "https"):
            raise ValueError(f"webhook_url must be http(s): {webhook_url!r}")
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = port
        self._down = False
        self.reset()

    # Life cycle

    def start(self) -> StripeDouble:
        server = ThreadingHTTPServer(("127.0.0.1", self._port), _Handler)
        server.double = self
        self._port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> StripeDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if not self._port:
            raise RuntimeError("StripeDouble.start() first")
        return f"http://127.0.0.1:{self._port}"

    # Knobs

    def reset(self) -> None:
        """Forget every object, request, override and pending failure; come back up."""
        with self._lock:
            self.sessions: dict[str, dict] = {}
            self.portal_sessions: dict[str, dict] = {}
            self.refunds: dict[str, dict] = {}
            self.subscriptions: dict[str, dict] = {}
            self.requests: list[RecordedRequest] = []
            self.deliveries: list[Delivery] = []
            self.overrides: dict[str, dict | Callable[[dict, dict], dict | None]] = {}
            self._subscription_metadata: dict[str, dict] = {}  # session id -> as sent
            self._completion_events: dict[str, list[dict]] = {}  # session id -> events
            self._idempotent: dict[tuple, tuple[tuple, Answer]] = {}
            self._failures: list[tuple[str | None, Answer]] = []
        if self._down:
            self.up()

    def fail_next(
        self,
        status: int = 500,
        error_type: str = "api_error",
        times: int = 1,
        *,
        message: str = "Simulated error from the Stripe double.",
        code: str | None = None,
        path: str | None = None,
        should_retry: bool | None = None,
    ) -> None:
        """Answer the next `times` API requests (to `path` only, if given) with a Stripe error.

        Each library retry counts as one request. An injected failure is not stored
        under the request's Idempotency-Key, so a retry with the same key can
        succeed. `should_retry` sets the Stripe-Should-Retry header the library obeys.
        """
        error = {"type": error_type, "message": message, **({"code": code} if code else {})}
        headers = {} if should_retry is None else {"Stripe-Should-Retry": str(should_retry).lower()}
        with self._lock:
            self._failures += [(path, (status, {"error": error}, headers))] * times

    def down(self) -> None:
        """Stripe unreachable: the port refuses connections (the library raises APIConnectionError)."""
        self.stop()
        self._down = True

    def up(self) -> None:
        """Listen again on the same port, with the state kept."""
        self.start()
        self._down = False

    def add_subscription(self, **overrides: Any) -> dict:
        """Store a subscription (see `subscription_object`) for GET/POST/DELETE to find."""
        sub = subscription_object(**overrides)
        with self._lock:
            self.subscriptions[sub["id"]] = sub
        return sub

    def complete_session(self, session_id: str, **overrides: Any) -> dict:
        """Mark a created session paid, as the donor finishing checkout would, and return a copy.

        One-off: a fresh payment intent and customer. Monthly: a fresh customer and an
        active subscription stored in the double, with the `subscription_data[metadata]`
        sent at creation (else the session's metadata). Pass the copy to `make_event`.
        """
        with self._lock:
            session = self.sessions[session_id]
            customer = session["customer"] or new_id("cus")
            session.update(status="complete", payment_status="paid", customer=customer)
            if session["customer_details"] is not None:
                session["customer_details"]["email"] = session["customer_email"]
            if session["mode"] == "subscription":
                metadata = self._subscription_metadata.get(session_id) or session["metadata"]
                sub = self.add_subscription(
                    amount=session["amount_total"], customer=customer, metadata=dict(metadata)
                )
                session["subscription"] = sub["id"]
            else:
                session["payment_intent"] = new_id("pi")
            session.update(overrides)
            return copy.deepcopy(session)

    def completion_events(self, session_id: str) -> list[dict]:
        """The events Stripe sends when the donor pays session `session_id`, made once.

        `checkout.session.completed`; for a subscription, also the first invoice's
        `invoice.paid` (billing_reason "subscription_create") carrying the
        subscription's metadata. Completes the session first if it is still open.
        The same events (same ids) come back on every call, as Stripe's redeliveries.
        """
        with self._lock:
            if session_id in self._completion_events:
                return self._completion_events[session_id]
            session = self.sessions[session_id]
            if session["status"] == "open":
                session = self.complete_session(session_id)
            session = copy.deepcopy(session)
            events = [make_event("checkout.session.completed", session)]
            if session["mode"] == "subscription" and session["subscription"]:
                events.append(make_event("invoice.paid", self._first_invoice(session)))
            self._completion_events[session_id] = events
            return events

    def _first_invoice(self, session: dict) -> dict:
        sub_id = session["subscription"]
        now = int(time.time())
        return invoice_object(
            amount=session["amount_total"],
            subscription=sub_id,
            billing_reason="subscription_create",
            customer=session["customer"],
            customer_email=session["customer_email"],
            period_start=now,
            period_end=now,
            parent={
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {
                    "metadata": dict(self._subscription_metadata.get(session["id"], {})),
                    "subscription": sub_id,
                },
            },
        )

    def deliver(self, event: dict) -> Delivery:
        """POST `event` to `webhook_url`, signed as Stripe signs; never raises."""
        payload = json.dumps(event).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 (http(s) only: checked in __init__)
            self.webhook_url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(payload, self.webhook_secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        delivery = Delivery(event["id"], event["type"])
        try:
            with _webhook_opener.open(request, timeout=WEBHOOK_TIMEOUT) as response:
                delivery.status = response.status
        except urllib.error.HTTPError as error:
            delivery.status = error.code
            error.close()
        except (OSError, ValueError) as error:  # refused, timed out, bad URL
            delivery.error = f"{type(error).__name__}: {error}"
        if not delivery.ok and not delivery.error:
            delivery.error = f"HTTP {delivery.status}"
        with self._lock:
            self.deliveries.append(delivery)
        logger.info(
            "%s %s -> %s", delivery.event_type, delivery.event_id, delivery.error or delivery.status
        )
        return delivery

    # HTTP

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode("utf-8") if length else ""
        params = parse_form(body if handler.command == "POST" else url.query)
        record = RecordedRequest(handler.command, url.path, params, dict(handler.headers.items()))
        paying = re.fullmatch(r"/checkout/([^/]+)/pay", url.path)
        if paying and self.webhook_url and handler.command in ("GET", "POST"):
            with self._lock:
                self.requests.append(record)
            # Not under the lock: the site may call the double while it handles the events.
            status, payload, headers = self._pay(paying.group(1))
            record.status = status
        else:
            with self._lock:
                self.requests.append(record)
                status, payload, headers = self._answer(record)
                record.status = status
        if isinstance(payload, str):
            data, content_type = payload.encode("utf-8"), "text/html; charset=utf-8"
        else:
            data, content_type = json.dumps(payload).encode("utf-8"), "application/json"
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", new_id("req"))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, record: RecordedRequest) -> Answer:
        if not record.path.startswith("/v1/"):
            return self._page(record)
        if not (record.authorization or "").startswith("Bearer sk_test_"):
            error = {"type": "invalid_request_error", "message": "Invalid API Key provided."}
            return 401, {"error": error}, {}
        for index, (path, failure) in enumerate(self._failures):
            if path is None or path == record.path:
                del self._failures[index]
                return failure
        key = record.idempotency_key if record.method == "POST" else None
        store_key = (record.authorization, key)
        fingerprint = (record.method, record.path, record.params)
        if key and store_key in self._idempotent:
            first_fingerprint, stored = self._idempotent[store_key]
            if first_fingerprint != fingerprint:
                message = (
                    "Keys for idempotent requests can only be used with the same parameters "
                    "they were first used with."
                )
                return 400, {"error": {"type": "idempotency_error", "message": message}}, {}
            record.replayed = True
            return stored[0], stored[1], {**stored[2], "Idempotent-Replayed": "true"}
        try:
            obj = self._route(record)
        except StripeError as exc:  # not stored: Stripe keeps only requests it executed
            return exc.status, {"error": exc.error}, {}
        if key:
            frozen = json.loads(json.dumps(obj))  # a replay answers the first response as sent
            self._idempotent[store_key] = (fingerprint, (200, frozen, {}))
        return 200, obj, {}

    def _route(self, record: RecordedRequest) -> dict:
        params = _typed(record.params)
        for method, pattern, name in ROUTES:
            match = re.fullmatch(pattern, record.path)
            if match and method == record.method:
                return getattr(self, name)(params, *match.groups())
        raise StripeError(
            404,
            "invalid_request_error",
            f"Unrecognized request URL ({record.method}: {record.path}).",
        )

    def _finish(self, obj: dict, params: dict) -> dict:
        """Apply the test's override for this object type, if any."""
        override = self.overrides.get(obj["object"])
        if callable(override):
            obj = override(obj, params) or obj
        elif override:
            obj.update(copy.deepcopy(override))
        return obj

    # Endpoints

    def _create_checkout_session(self, params: dict) -> dict:
        if "payment_method_types" in params:
            message = (
                "Received unknown parameter: payment_method_types"  # removed by the API version
            )
            raise _invalid(message, code="parameter_unknown", param="payment_method_types")
        ui_mode = params.get("ui_mode", "hosted_page")
        if ui_mode not in UI_MODES:
            raise _invalid(f"Invalid ui_mode: {ui_mode}", param="ui_mode")
        if not params.get("line_items"):
            raise _required("line_items")
        amount, currency = 0, params.get("currency", "eur")
        for index, item in enumerate(params["line_items"]):
            price = item.get("price_data") or {}
            if "unit_amount" not in price:
                raise _required(
                    f"line_items[{index}][price_data][unit_amount]"
                )  # price ids: unknown here
            amount += price["unit_amount"] * item.get("quantity", 1)
            currency = price.get("currency", currency)
        session = _session_base()
        session_id = session["id"]
        fields = ("client_reference_id", "customer", "customer_email", "success_url", "cancel_url")
        session.update({name: params.get(name) for name in fields})
        session.update(
            mode=params.get("mode", "payment"),
            ui_mode=ui_mode,
            amount_subtotal=amount,
            amount_total=amount,
            currency=currency.lower(),
            metadata=params.get("metadata", {}),
            submit_type=params.get("submit_type"),
            locale=params.get("locale"),
            status="open",
            payment_status="unpaid",
            payment_intent=None,
            subscription=None,
            customer_details=None,
            url=f"{self.url}/checkout/{session_id}" if ui_mode == "hosted_page" else None,
            client_secret=None if ui_mode == "hosted_page" else f"{session_id}_secret_x",
        )
        session = self._finish(session, params)
        self.sessions[session["id"]] = session
        subscription_data = params.get("subscription_data") or {}
        if subscription_data.get("metadata"):
            self._subscription_metadata[session["id"]] = dict(subscription_data["metadata"])
        return session

    def _retrieve_checkout_session(self, params: dict, session_id: str) -> dict:
        if session_id not in self.sessions:
            raise _missing("checkout.session", session_id)
        return self.sessions[session_id]

    def _create_portal_session(self, params: dict) -> dict:
        if not params.get("customer"):
            raise _required("customer")
        portal = fixture("billing_portal.session")
        portal_id = new_id("bps")
        portal.update(
            id=portal_id,
            created=int(time.time()),
            livemode=False,
            customer=params["customer"],
            return_url=params.get("return_url"),
            locale=params.get("locale"),
            flow=None,
            url=f"{self.url}/portal/{portal_id}",
        )
        portal = self._finish(portal, params)
        self.portal_sessions[portal["id"]] = portal
        return portal

    def _create_refund(self, params: dict) -> dict:
        """Refund `amount`, else the paid total of the session with that payment intent."""
        charge, payment_intent = params.get("charge"), params.get("payment_intent")
        if not (charge or payment_intent):
            raise _invalid("One of payment_intent or charge is required.", code="parameter_missing")
        refund = fixture("refund")
        paid = next(
            (
                s
                for s in self.sessions.values()
                if payment_intent and s["payment_intent"] == payment_intent
            ),
            None,
        )
        refund.update(
            id=new_id("re"),
            created=int(time.time()),
            amount=params.get("amount", paid["amount_total"] if paid else refund["amount"]),
            currency=paid["currency"] if paid else "eur",
            charge=charge,
            payment_intent=payment_intent,
            reason=params.get("reason"),
            metadata=params.get("metadata", {}),
            status="succeeded",
        )
        refund = self._finish(refund, params)
        self.refunds[refund["id"]] = refund
        return refund

    def _subscription(self, sub_id: str) -> dict:
        """A stored subscription, else the fixture if asked for its id (stored from then on)."""
        if sub_id not in self.subscriptions:
            if sub_id != FIXTURES["subscription"]["id"]:
                raise _missing("subscription", sub_id)
            self.subscriptions[sub_id] = fixture("subscription")
        return self.subscriptions[sub_id]

    def _retrieve_subscription(self, params: dict, sub_id: str) -> dict:
        return self._subscription(sub_id)

    def _update_subscription(self, params: dict, sub_id: str) -> dict:
        sub = self._subscription(sub_id)
        for name, value in params.items():
            if name == "metadata":  # Stripe merges metadata; an empty value deletes a key or all
                merged = {**(sub["metadata"] or {}), **value} if isinstance(value, dict) else {}
                sub["metadata"] = {k: v for k, v in merged.items() if v != ""}
            elif name != "expand":
                sub[name] = value
        if "cancel_at_period_end" in params:
            period_end = sub["items"]["data"][0]["current_period_end"]
            sub["cancel_at"] = period_end if params["cancel_at_period_end"] else None
        return self._finish(sub, params)

    def _cancel_subscription(self, params: dict, sub_id: str) -> dict:
        sub = self._subscription(sub_id)
        now = int(time.time())
        sub.update(status="canceled", canceled_at=now, ended_at=now, cancel_at_period_end=False)
        sub["cancellation_details"].update(params.get("cancellation_details", {}))
        return self._finish(sub, params)

    # Pages the browser lands on instead of Stripe's

    def _pay(self, session_id: str) -> Answer:
        """The donor pays: complete the session, post its events to the site, then send
        the browser to the success URL, or show which delivery failed (click again)."""
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None or session["status"] not in ("open", "complete"):
                error = _missing("checkout.session", session_id)
                return error.status, {"error": error.error}, {}
            events = self.completion_events(session_id)
            success = (session["success_url"] or "").replace("{CHECKOUT_SESSION_ID}", session_id)
        failed = [d for d in map(self.deliver, events) if not d.ok]
        if not failed:
            return 303, "", {"Location": success}
        lines = "".join(
            f"<li><code>{html.escape(d.event_type)}</code> : {html.escape(d.error)}</li>"
            for d in failed
        )
        body = (
            "<p>Le paiement de test est fait, mais le site n'a pas accepté ces événements, "
            f"envoyés à <code>{html.escape(self.webhook_url)}</code> :</p><ul>{lines}</ul>"
            "<p>Vérifiez que le site tourne à cette adresse avec le même "
            "<code>STRIPE_WEBHOOK_SECRET</code>, puis réessayez : les mêmes événements "
            "sont renvoyés, le site ne les compte qu'une fois.</p>"
            f"{_pay_form(session_id, 'Réessayer')}"
        )
        return 502, _html("Paiement de test", body), {}

    def _page(self, record: RecordedRequest) -> Answer:
        kind, _, object_id = record.path.strip("/").partition("/")
        if record.method == "GET" and kind == "checkout" and object_id in self.sessions:
            session = self.sessions[object_id]
            cents = session["amount_total"] or 0
            amount = f"{cents // 100},{cents % 100:02d} {session['currency'].upper()}"
            monthly = " par mois" if session["mode"] == "subscription" else ""
            success = (session["success_url"] or "").replace("{CHECKOUT_SESSION_ID}", object_id)
            cancel = f'<a href="{html.escape(session["cancel_url"] or "")}">Annuler</a>'
            if self.webhook_url:
                pay = f"{_pay_form(object_id, 'Payer')}<p>{cancel}</p>"
            else:  # no webhook: the test delivers the events itself
                pay = f'<p><a href="{html.escape(success)}">Payer</a> {cancel}</p>'
            body = (
                f"<p>Montant : <strong>{html.escape(amount)}</strong>{monthly}</p>"
                f"<p>Page du double local de Stripe : aucun paiement réel.</p>{pay}"
            )
            return 200, _html("Paiement de test", body), {}
        if record.method == "GET" and kind == "portal" and object_id in self.portal_sessions:
            back = html.escape(self.portal_sessions[object_id]["return_url"] or "")
            body = (
                f'<p>Gestion du don mensuel (double local).</p><p><a href="{back}">Retour</a></p>'
            )
            return 200, _html("Portail de test", body), {}
        error = _missing("page", record.path)
        return error.status, {"error": error.error}, {}


def _pay_form(session_id: str, label: str) -> str:
    action = html.escape(f"/checkout/{session_id}/pay")
    return f'<form method="post" action="{action}"><button type="submit">{label}</button></form>'


def _html(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )


ROUTES = [
    ("POST", r"/v1/checkout/sessions", "_create_checkout_session"),
    ("GET", r"/v1/checkout/sessions/([^/]+)", "_retrieve_checkout_session"),
    ("POST", r"/v1/billing_portal/sessions", "_create_portal_session"),
    ("POST", r"/v1/refunds", "_create_refund"),
    ("GET", r"/v1/subscriptions/([^/]+)", "_retrieve_subscription"),
    ("POST", r"/v1/subscriptions/([^/]+)", "_update_subscription"),
    ("DELETE", r"/v1/subscriptions/([^/]+)", "_cancel_subscription"),
]


# -- Command line: a double for a person trying the site ----------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Serve the double until Ctrl-C, posting payments' events to the site's webhook."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.donations.stripe_double",
        description="Double local de Stripe pour essayer les dons avec `make run`.",
    )
    parser.add_argument("--port", type=int, default=12111, help="port sur 127.0.0.1")
    parser.add_argument(
        "--webhook-url", help="webhook du site, ex. http://127.0.0.1:8000/dons/stripe/webhook/"
    )
    parser.add_argument("--webhook-secret", help="secret de signature, ex. whsec_demo")
    args = parser.parse_args(argv)
    if bool(args.webhook_url) != bool(args.webhook_secret):
        parser.error("--webhook-url et --webhook-secret vont ensemble")
    logging.basicConfig(level=logging.INFO, format="webhook : %(message)s")
    double = StripeDouble(
        port=args.port, webhook_url=args.webhook_url, webhook_secret=args.webhook_secret
    )
    try:
        double.start()
    except OSError as error:
        parser.exit(1, f"Impossible d'écouter sur 127.0.0.1:{args.port} : {error}\n")
    env = "STRIPE_SECRET_KEY=sk_test_demo"
    if args.webhook_secret:
        env += f" STRIPE_WEBHOOK_SECRET={args.webhook_secret}"
    env += f" STRIPE_API_BASE={double.url}"
    if args.webhook_url:
        site = urlsplit(args.webhook_url)
        if site.port not in (None, 8000) or site.hostname != "127.0.0.1":
            origin = f"{site.scheme}://{site.netloc}"
            env += f" BASE_URL={origin} HOST={site.hostname} PORT={site.port or 80}"
    print(f"Double local de Stripe sur {double.url} (aucun paiement réel).", flush=True)
    if args.webhook_url:
        print(f"« Payer » envoie les événements signés à {args.webhook_url}", flush=True)
    else:
        print("Sans --webhook-url, « Payer » n'envoie aucun événement au site.", flush=True)
    print(f"Dans un autre terminal :\n  {env} make run", flush=True)
    print("Ctrl-C pour arrêter.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        double.stop()


if __name__ == "__main__":
    main()
