"""The local Stripe double answers the real stripe-python client as Stripe would.

These tests pin what the donation tests lean on: the library's own HTTP path
(form encoding, Idempotency-Key, Stripe-Version, retries, error mapping) meets
the double, and the signed events verify with the library's own checks. Given a
webhook URL, the checkout page's "Payer" posts the events Stripe would send: end to
end, against the live server, as `make stripe-double` and `make run` let a person try.
"""

import http.client
import http.server
import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import stripe
from django.conf import settings as django_settings
from django.core import mail

from donations.constants import DonationStatus
from donations.models import Donation, Receipt, StripeEvent, Subscription
from tests.conftest import build_demo_site
from tests.donations.stripe_double import (
    FIXTURES,
    StripeDouble,
    charge_object,
    checkout_session_object,
    dispute_object,
    invoice_object,
    make_event,
    parse_form,
    sign,
    signed_payload,
    subscription_object,
)
from tests.donations.test_flow import COMPANY, gift

SECRET = "whsec_test_double"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(stripe_double):
    """The app's kind of client. No retries, as `StripeClient` defaults to in stripe-python 16."""
    return stripe.StripeClient(
        "sk_test_x", base_addresses={"api": stripe_double.url}, max_network_retries=0
    )


def donation_params(**extra):
    return {
        "mode": "payment",
        "submit_type": "donate",
        "locale": "fr",
        "client_reference_id": "42",
        "customer_email": "marie@example.org",
        "metadata": {"donation": "42", "frequency": "once"},
        "line_items": [
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 2500,
                    "product_data": {"name": "Don au fonds d'impulsion"},
                },
                "quantity": 2,
            }
        ],
        "success_url": "http://testserver/fonds-impulsion/merci/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://testserver/fonds-impulsion/",
        **extra,
    }


def get(url, headers=None):
    """(status, body) of a plain GET, as a browser or a stray client would send it."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", parts.path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


# Checkout sessions


def test_create_twice_with_one_idempotency_key_makes_one_session(client, stripe_double):
    first = client.v1.checkout.sessions.create(
        params=donation_params(), options={"idempotency_key": "k1"}
    )
    again = client.v1.checkout.sessions.create(
        params=donation_params(), options={"idempotency_key": "k1"}
    )

    assert again.id == first.id and first.id.startswith("cs_test_")
    assert list(stripe_double.sessions) == [first.id]
    assert [r.replayed for r in stripe_double.requests] == [False, True]
    assert first.amount_total == 5000 and first.currency == "eur"
    assert first.mode == "payment" and first.submit_type == "donate" and first.locale == "fr"
    assert first.status == "open" and first.payment_status == "unpaid"
    assert first.client_reference_id == "42" and first.customer_email == "marie@example.org"
    assert first.metadata["donation"] == "42"
    assert first.url == f"{stripe_double.url}/checkout/{first.id}"
    assert "payment_method_types" not in first  # removed by the pinned API version


def test_requests_are_recorded_as_the_library_sent_them(client, stripe_double):
    client.v1.checkout.sessions.create(params=donation_params(), options={"idempotency_key": "k2"})

    (request,) = stripe_double.requests
    assert (request.method, request.path, request.status) == ("POST", "/v1/checkout/sessions", 200)
    assert request.params["line_items"][0]["price_data"]["unit_amount"] == "2500"
    assert request.params["metadata"] == {"donation": "42", "frequency": "once"}
    assert request.idempotency_key == "k2"
    assert request.stripe_version == stripe.api_version
    assert request.authorization == "Bearer sk_test_x"


def test_the_library_sends_an_idempotency_key_on_every_post(client, stripe_double):
    client.v1.checkout.sessions.create(params=donation_params())

    assert stripe_double.requests[0].idempotency_key


def test_one_key_with_other_params_is_an_idempotency_error(client):
    client.v1.checkout.sessions.create(params=donation_params(), options={"idempotency_key": "k3"})

    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(
            params=donation_params(locale="en"), options={"idempotency_key": "k3"}
        )


def test_simultaneous_creates_with_one_key_make_one_session(client, stripe_double):
    ids = []

    def create():
        session = client.v1.checkout.sessions.create(
            params=donation_params(), options={"idempotency_key": "same"}
        )
        ids.append(session.id)

    threads = [threading.Thread(target=create) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(ids) == 5 and len(set(ids)) == 1
    assert len(stripe_double.sessions) == 1


def test_retrieve_answers_the_stored_session_and_unknown_ids_are_invalid(client, stripe_double):
    created = client.v1.checkout.sessions.create(params=donation_params(mode="subscription"))
    stripe_double.sessions[created.id]["payment_status"] = (
        "paid"  # tests may edit what Stripe holds
    )

    session = client.v1.checkout.sessions.retrieve(created.id)
    assert session.id == created.id and session.mode == "subscription"
    assert session.payment_status == "paid"

    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.retrieve("cs_test_unknown")
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"


def test_refused_params_answer_invalid_request_errors(client):
    with pytest.raises(stripe.InvalidRequestError, match="payment_method_types"):
        client.v1.checkout.sessions.create(params=donation_params(payment_method_types=["card"]))
    with pytest.raises(stripe.InvalidRequestError, match="ui_mode"):
        client.v1.checkout.sessions.create(params=donation_params(ui_mode="hosted"))
    with pytest.raises(stripe.InvalidRequestError, match="line_items"):
        client.v1.checkout.sessions.create(params=donation_params(line_items=[]))


def test_checkout_url_is_a_test_payment_page_on_the_double(client, stripe_double):
    session = client.v1.checkout.sessions.create(params=donation_params())

    status, page = get(session.url)

    assert status == 200
    assert "Paiement de test" in page and "50,00 EUR" in page
    assert f"merci/?session_id={session.id}" in page
    assert get(f"{stripe_double.url}/checkout/cs_test_unknown")[0] == 404


def test_complete_session_marks_it_paid_for_the_event_to_carry(client, stripe_double):
    once = client.v1.checkout.sessions.create(params=donation_params())
    monthly = client.v1.checkout.sessions.create(params=donation_params(mode="subscription"))

    paid = stripe_double.complete_session(once.id)
    subscribed = stripe_double.complete_session(monthly.id)

    assert paid["status"] == "complete" and paid["payment_status"] == "paid"
    assert paid["payment_intent"].startswith("pi_") and paid["customer"].startswith("cus_")
    assert client.v1.subscriptions.retrieve(subscribed["subscription"]).metadata["donation"] == "42"
    assert client.v1.checkout.sessions.retrieve(once.id).payment_status == "paid"


def test_overrides_change_created_objects(client, stripe_double):
    stripe_double.overrides["checkout.session"] = {"expires_at": 1}
    assert client.v1.checkout.sessions.create(params=donation_params()).expires_at == 1

    stripe_double.overrides["checkout.session"] = lambda obj, params: {**obj, "url": None}
    assert client.v1.checkout.sessions.create(params=donation_params()).url is None


def test_each_test_starts_with_an_empty_double(stripe_double):
    """The tests above left sessions and requests behind: the autouse reset cleared them."""
    assert stripe_double.sessions == {} and stripe_double.requests == []
    assert stripe_double.overrides == {}


# Failures


def test_fail_next_counts_requests_and_then_succeeds(client, stripe_double):
    stripe_double.fail_next(500, times=2)

    for _ in range(2):
        with pytest.raises(stripe.APIError):
            client.v1.checkout.sessions.create(params=donation_params())
    assert client.v1.checkout.sessions.create(params=donation_params()).status == "open"


@pytest.mark.parametrize(
    ("status", "error_type", "exception"),
    [
        (500, "api_error", stripe.APIError),
        (429, "rate_limit_error", stripe.RateLimitError),
        (402, "card_error", stripe.CardError),
    ],
)
def test_injected_errors_map_to_the_library_exceptions(
    client, stripe_double, status, error_type, exception
):
    stripe_double.fail_next(status, error_type, code="simulated")

    with pytest.raises(exception) as caught:
        client.v1.checkout.sessions.create(params=donation_params())
    assert caught.value.http_status == status and caught.value.error.code == "simulated"
    assert caught.value.error.type == error_type


def test_fail_next_can_target_one_path(client, stripe_double):
    stripe_double.fail_next(500, path="/v1/refunds")

    client.v1.checkout.sessions.create(params=donation_params())
    with pytest.raises(stripe.APIError):
        client.v1.refunds.create(params={"payment_intent": "pi_x", "amount": 100})


def test_a_client_that_retries_gets_one_session_through_a_500(stripe_double):
    """Injected failures are not stored under the key: the retry, same key, succeeds."""
    retrying = stripe.StripeClient(
        "sk_test_x", base_addresses={"api": stripe_double.url}, max_network_retries=1
    )
    stripe_double.fail_next(500)

    session = retrying.v1.checkout.sessions.create(params=donation_params())

    assert list(stripe_double.sessions) == [session.id]
    first, retry = stripe_double.requests
    assert (first.status, retry.status) == (500, 200)
    assert first.idempotency_key == retry.idempotency_key


def test_stripe_should_retry_false_stops_the_library_retrying(stripe_double):
    retrying = stripe.StripeClient(
        "sk_test_x", base_addresses={"api": stripe_double.url}, max_network_retries=2
    )
    stripe_double.fail_next(500, should_retry=False)

    with pytest.raises(stripe.APIError):
        retrying.v1.checkout.sessions.create(params=donation_params())
    assert len(stripe_double.requests) == 1


def test_down_refuses_connections_and_up_restores_the_same_double(client, stripe_double):
    session = client.v1.checkout.sessions.create(params=donation_params())
    url = stripe_double.url

    stripe_double.down()
    try:
        with pytest.raises(stripe.APIConnectionError):
            client.v1.checkout.sessions.create(params=donation_params())
    finally:
        stripe_double.up()

    assert stripe_double.url == url
    assert client.v1.checkout.sessions.retrieve(session.id).id == session.id


def test_reset_brings_a_downed_double_back_empty(client, stripe_double):
    client.v1.checkout.sessions.create(params=donation_params())
    stripe_double.down()

    stripe_double.reset()

    assert stripe_double.sessions == {} and stripe_double.requests == []
    assert client.v1.checkout.sessions.create(params=donation_params()).status == "open"


def test_a_live_or_missing_key_is_refused(stripe_double):
    live = stripe.StripeClient(
        "sk_live_x", base_addresses={"api": stripe_double.url}, max_network_retries=0
    )
    with pytest.raises(stripe.AuthenticationError):
        live.v1.checkout.sessions.retrieve("cs_test_x")


def test_unknown_paths_answer_a_stripe_shaped_404(stripe_double):
    status, body = get(
        f"{stripe_double.url}/v1/customers", headers={"Authorization": "Bearer sk_test_x"}
    )

    assert status == 404
    assert json.loads(body)["error"]["type"] == "invalid_request_error"


# Billing portal, refunds, subscriptions


def test_billing_portal_session_points_at_the_double(client, stripe_double):
    portal = client.v1.billing_portal.sessions.create(
        params={"customer": "cus_123", "return_url": "http://testserver/dons/mes-dons/"}
    )

    assert portal.id.startswith("bps_") and portal.customer == "cus_123"
    assert portal.return_url == "http://testserver/dons/mes-dons/"
    assert portal.url == f"{stripe_double.url}/portal/{portal.id}"
    assert get(portal.url)[0] == 200
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.billing_portal.sessions.create(params={"return_url": "http://testserver/"})


def test_refunds_echo_what_was_sent(client, stripe_double):
    session = client.v1.checkout.sessions.create(params=donation_params())
    paid = stripe_double.complete_session(session.id)

    partial = client.v1.refunds.create(params={"charge": "ch_123", "amount": 1000})
    full = client.v1.refunds.create(params={"payment_intent": paid["payment_intent"]})

    assert partial.id.startswith("re_") and partial.status == "succeeded"
    assert (partial.amount, partial.charge, partial.payment_intent) == (1000, "ch_123", None)
    assert (full.amount, full.currency) == (5000, "eur")
    assert set(stripe_double.refunds) == {partial.id, full.id}
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"amount": 1000})


def test_subscriptions_retrieve_update_and_cancel(client, stripe_double):
    sub = stripe_double.add_subscription(amount=100000, metadata={"donation": "7"})

    assert client.v1.subscriptions.retrieve(sub["id"]).items.data[0].price.unit_amount == 100000
    updated = client.v1.subscriptions.update(
        sub["id"], params={"cancel_at_period_end": True, "metadata": {"note": "x"}}
    )
    assert updated.cancel_at_period_end is True and updated.cancel_at
    assert updated.metadata.to_dict() == {"donation": "7", "note": "x"}
    canceled = client.v1.subscriptions.cancel(sub["id"])
    assert canceled.status == "canceled" and canceled.canceled_at
    assert stripe_double.subscriptions[sub["id"]]["status"] == "canceled"

    fixture_id = FIXTURES["subscription"]["id"]
    assert client.v1.subscriptions.retrieve(fixture_id).id == fixture_id
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.subscriptions.retrieve("sub_unknown")


# Events and signatures


def test_signed_events_verify_with_the_library(client):
    session = checkout_session_object(client_reference_id="42")
    event = make_event("checkout.session.completed", session)
    payload, header = signed_payload(event, SECRET)

    verified = stripe.Webhook.construct_event(payload, header, SECRET)
    assert verified.id == event["id"] and verified.id.startswith("evt_")
    assert verified.type == "checkout.session.completed"
    assert verified.api_version == stripe.api_version
    assert verified.data.object.client_reference_id == "42"
    assert client.construct_event(payload.decode(), sign(payload.decode(), SECRET), SECRET).id


def test_bad_or_stale_signatures_are_refused(client):
    payload, header = signed_payload(make_event("charge.refunded", charge_object()), SECRET)

    with pytest.raises(stripe.SignatureVerificationError):
        client.construct_event(payload, header, "whsec_other")
    with pytest.raises(stripe.SignatureVerificationError):
        client.construct_event(payload + b" ", header, SECRET)
    stale = sign(payload, SECRET, timestamp=int(time.time()) - 301)
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        client.construct_event(payload, stale, SECRET)


def test_event_ids_and_times_can_be_fixed_for_redeliveries():
    obj = dispute_object()
    first = make_event("charge.dispute.created", obj, event_id="evt_same", created=100)
    again = make_event("charge.dispute.created", obj, event_id="evt_same", created=100)

    assert first == again and first["data"]["object"]["object"] == "dispute"


def test_object_builders_start_from_the_fixtures_with_fresh_ids():
    sub = subscription_object()
    renewal = invoice_object(amount=100000, subscription=sub["id"])

    assert renewal["parent"]["subscription_details"]["subscription"] == sub["id"]
    assert renewal["amount_paid"] == 100000 and renewal["billing_reason"] == "subscription_cycle"
    assert set(renewal) == set(FIXTURES["invoice"])
    assert checkout_session_object()["id"] != checkout_session_object()["id"]
    assert "payment_method_types" not in checkout_session_object()
    assert checkout_session_object(amount_total=1000)["amount_subtotal"] == 1000
    assert charge_object(amount=700)["amount"] == 700


# Parsing and fixtures


def test_parse_form_rebuilds_nested_params():
    query = (
        "line_items[0][price_data][unit_amount]=5000&line_items[0][quantity]=1"
        "&line_items[1][quantity]=2&metadata[0]=kept&metadata[donation]=&expand[0]=subscription"
    )

    assert parse_form(query) == {
        "line_items": [
            {"price_data": {"unit_amount": "5000"}, "quantity": "1"},
            {"quantity": "2"},
        ],
        "metadata": {"0": "kept", "donation": ""},
        "expand": ["subscription"],
    }


def test_stripe_settings_point_the_app_at_the_double(stripe_settings):
    assert stripe_settings.url == django_settings.STRIPE_API_BASE
    assert django_settings.STRIPE_SECRET_KEY.startswith("sk_test_")
    assert django_settings.STRIPE_WEBHOOK_SECRET == SECRET


def test_a_standalone_double_serves_as_a_context_manager():
    with StripeDouble() as double:
        assert get(f"{double.url}/v1/anything")[0] == 401  # no key: refused like Stripe
    with pytest.raises(ConnectionRefusedError):
        get(f"{double.url}/v1/anything")


# Paying on the checkout page: the events reach the site's webhook (webhook_url)


class Receiver:
    """A stand-in for the site's webhook: records each POST, answers `status`."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dons/stripe/webhook/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[stripe.Event]:
        """What was received, verified as the site verifies it (raises on a bad signature)."""
        return [
            stripe.Webhook.construct_event(body, headers["Stripe-Signature"], SECRET)
            for headers, body in self.received
        ]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def paying_double(receiver):
    """A double of its own that posts payments' events to `receiver`."""
    with StripeDouble(webhook_url=receiver.url, webhook_secret=SECRET) as double:
        yield double


def pay(url: str, method: str = "POST") -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of clicking "Payer" on the checkout page at `url`."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, parts.path + "/pay")
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def test_paying_a_one_off_session_posts_its_signed_completion_then_redirects(
    paying_double, receiver
):
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": paying_double.url})
    session = client.v1.checkout.sessions.create(params=donation_params())

    page = get(session.url)[1]
    assert f'<form method="post" action="/checkout/{session.id}/pay">' in page
    status, headers, _body = pay(session.url)

    assert status == 303
    assert headers["Location"] == (
        f"http://testserver/fonds-impulsion/merci/?session_id={session.id}"
    )
    (event,) = receiver.events()
    assert event.type == "checkout.session.completed"
    completed = event.data.object
    assert (completed.id, completed.status, completed.payment_status) == (
        session.id,
        "complete",
        "paid",
    )
    assert completed.client_reference_id == "42" and completed.payment_intent.startswith("pi_")
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    request_headers = receiver.received[0][0]
    assert request_headers["Content-Type"].startswith("application/json")
    assert [d.ok for d in paying_double.deliveries] == [True]


def test_paying_a_subscription_also_posts_the_first_invoice_with_its_metadata(
    paying_double, receiver
):
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": paying_double.url})
    metadata = {"donation": "8d1c", "campaign": "3"}
    session = client.v1.checkout.sessions.create(
        params=donation_params(
            mode="subscription", metadata=metadata, subscription_data={"metadata": metadata}
        )
    )

    assert pay(session.url, method="GET")[0] == 303  # GET works too, for scripts

    completed, invoice_paid = receiver.events()
    assert completed.type == "checkout.session.completed"
    subscription_id = completed.data.object.subscription
    assert subscription_id.startswith("sub_")
    assert invoice_paid.type == "invoice.paid"
    invoice = invoice_paid.data.object
    assert invoice.billing_reason == "subscription_create"
    assert invoice.amount_paid == session.amount_total == 5000
    assert invoice.customer == completed.data.object.customer
    details = invoice.parent.subscription_details
    assert details.subscription == subscription_id
    assert details.metadata.to_dict() == metadata
    assert client.v1.subscriptions.retrieve(subscription_id).metadata.to_dict() == metadata


def test_a_refused_delivery_is_shown_and_paying_again_resends_the_same_events(
    paying_double, receiver
):
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": paying_double.url})
    session = client.v1.checkout.sessions.create(params=donation_params(mode="subscription"))
    receiver.status = 400  # e.g. the site has another STRIPE_WEBHOOK_SECRET

    status, _headers, page = pay(session.url)

    assert status == 502
    assert "checkout.session.completed</code> : HTTP 400" in page
    assert "invoice.paid</code> : HTTP 400" in page
    assert f'action="/checkout/{session.id}/pay">' in page and "Réessayer" in page
    receiver.status = 200
    assert pay(session.url)[0] == 303
    first, again = receiver.received[:2], receiver.received[2:]
    assert [json.loads(body)["id"] for _h, body in first] == [
        json.loads(body)["id"] for _h, body in again
    ], "a retry is a redelivery: same event ids, recorded once by the site"
    assert len(paying_double.subscriptions) == 1, "paying twice subscribes once"


def test_an_unreachable_site_is_shown_and_never_breaks_the_double(paying_double, receiver):
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": paying_double.url})
    session = client.v1.checkout.sessions.create(params=donation_params())
    receiver.close()

    status, _headers, page = pay(session.url)

    assert status == 502 and "Connection refused" in page
    (delivery,) = paying_double.deliveries
    assert not delivery.ok and delivery.status is None
    assert client.v1.checkout.sessions.retrieve(session.id).status == "complete"


def test_without_webhook_url_payer_is_still_a_plain_link_and_pay_is_unknown(client, stripe_double):
    session = client.v1.checkout.sessions.create(params=donation_params())

    assert "<form" not in get(session.url)[1]
    assert pay(session.url)[0] == 404
    assert stripe_double.sessions[session.id]["status"] == "open"


def test_webhook_url_and_secret_go_together():
    with pytest.raises(ValueError, match="together"):
        StripeDouble(webhook_url="http://127.0.0.1:8000/dons/stripe/webhook/")
    with pytest.raises(ValueError, match="http"):
        StripeDouble(webhook_url="file:///etc/passwd", webhook_secret=SECRET)


def test_the_command_line_double_says_what_to_export_and_stops_on_ctrl_c(receiver):
    """`make stripe-double`: a person reads the exports, pays, then presses Ctrl-C."""
    command = [sys.executable, "-m", "tests.donations.stripe_double", "--port", "0"]
    command += ["--webhook-url", receiver.url, "--webhook-secret", SECRET]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        lines = [process.stdout.readline() for _ in range(5)]
        url = re.search(r"sur (http://127.0.0.1:\d+) ", lines[0]).group(1)
        client = stripe.StripeClient("sk_test_demo", base_addresses={"api": url})
        session = client.v1.checkout.sessions.create(params=donation_params())
        assert pay(session.url)[0] == 303
        assert [event.type for event in receiver.events()] == ["checkout.session.completed"]
    finally:
        process.send_signal(signal.SIGINT)
        _out, errors = process.communicate(timeout=10)

    assert process.returncode == 0 and "Traceback" not in errors
    assert "checkout.session.completed" in errors  # each delivery is logged
    exports = lines[3]
    assert f"STRIPE_WEBHOOK_SECRET={SECRET} STRIPE_API_BASE={url}" in exports
    assert f"BASE_URL=http://127.0.0.1:{urlsplit(receiver.url).port}" in exports
    assert exports.rstrip().endswith("make run") and lines[4] == "Ctrl-C pour arrêter.\n"


# End to end: the site's form, the double's "Payer", the site's webhook, the thank-you page


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps cookies, follows no redirect: each step of a donor's visit, checked in turn."""

    def __init__(self):
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(CookieJar()),
            _NoRedirect(),
        )

    def open(self, url: str, data: dict | None = None) -> tuple[int, dict[str, str], str]:
        body = urlencode(data).encode() if data is not None else None
        try:
            with self._opener.open(url, data=body, timeout=30) as response:
                return response.status, dict(response.headers.items()), response.read().decode()
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, dict(answer.headers.items()), answer.read().decode()

    def give(self, site: str, fields: dict) -> str:
        """Fill the campaign page's form; returns the checkout page the site sends to."""
        status, _headers, page = self.open(site + "/fonds-impulsion/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, body = self.open(
            site + "/fonds-impulsion/", {**fields, "csrfmiddlewaretoken": token}
        )
        assert status == 303, body[:2000]
        return headers["Location"]


@pytest.fixture
def site_and_double(live_server, transactional_db, settings):
    """The demo site on the live server, its Stripe settings pointing at a double that
    posts to the site's own webhook: what `make stripe-double` + `make run` give."""
    build_demo_site()  # a previous live-server test flushed the database
    with StripeDouble(
        webhook_url=live_server.url + "/dons/stripe/webhook/", webhook_secret=SECRET
    ) as double:
        settings.STRIPE_SECRET_KEY = "sk_test_demo"
        settings.STRIPE_WEBHOOK_SECRET = SECRET
        settings.STRIPE_API_BASE = double.url
        settings.BASE_URL = live_server.url  # the success URL leads back to this server
        # Plain HTTP, as `make run` serves it (dev settings): cookies not marked Secure.
        settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
        yield live_server.url, double


def test_a_50_eur_gift_paid_on_the_double_is_recorded_with_its_certificate(site_and_double):
    site, double = site_and_double
    browser = Browser()
    checkout = browser.give(site, gift())
    assert checkout.startswith(double.url + "/checkout/cs_test_")
    assert Donation.objects.get().status == DonationStatus.PENDING

    status, headers, _body = browser.open(checkout + "/pay", {})

    assert status == 303
    thanks = headers["Location"]
    assert thanks.startswith(site + "/fonds-impulsion/merci/?session_id=cs_test_")
    status, _headers, page = browser.open(thanks)
    assert status == 200 and "Merci Camille" in page and "est bien reçu" in page
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.PAID and donation.amount_cents == 5000
    assert donation.stripe_payment_intent_id.startswith("pi_")
    assert Receipt.objects.filter(donations=donation).exists()
    message = next(m for m in mail.outbox if m.to == ["camille@example.org"])
    assert message.attachments and message.attachments[0][0].endswith(".pdf")
    assert [(d.event_type, d.status) for d in double.deliveries] == [
        ("checkout.session.completed", 200)
    ]


def test_a_monthly_company_gift_paid_on_the_double_is_one_gift_and_a_subscription(
    site_and_double,
):
    site, double = site_and_double
    browser = Browser()
    checkout = browser.give(site, gift(**COMPANY))

    status, headers, _body = browser.open(checkout + "/pay", {})

    assert status == 303
    status, _headers, page = browser.open(headers["Location"])
    assert status == 200 and "par mois est en place" in page
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.PAID and donation.amount_cents == 100_000
    (sub_id,) = double.subscriptions
    subscription = Subscription.objects.get(stripe_subscription_id=sub_id)
    assert donation.subscription == subscription and donation.stripe_invoice_id.startswith("in_")
    assert subscription.company_name == "Lunetterie Jurassienne SAS"
    assert [(d.event_type, d.status) for d in double.deliveries] == [
        ("checkout.session.completed", 200),
        ("invoice.paid", 200),
    ]
    assert set(StripeEvent.objects.values_list("type", flat=True)) == {
        "checkout.session.completed",
        "invoice.paid",
    }
