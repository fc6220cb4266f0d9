"""A gift from the form to the receipt, against the local Stripe double: the real
stripe-python code path (HTTP, idempotency header, error mapping) runs, and the
webhook receives events signed as Stripe signs them."""

import re
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from donations.constants import DonationStatus, SubscriptionStatus
from donations.models import Donation, DonationPage, Receipt, StripeEvent, Subscription
from donations.services import donor_space
from donations.views import CHECKOUT_PER_EMAIL, CHECKOUT_PER_NETWORK
from home.models import OutboxEmail
from tests.donations.stripe_double import (
    charge_object,
    dispute_object,
    invoice_object,
    make_event,
    sign,
    signed_payload,
)

pytestmark = pytest.mark.django_db

WEBHOOK = "/dons/stripe/webhook/"
SECRET = "whsec_test_double"


@pytest.fixture
def demo_transactional(transactional_db):
    """The demo site in a transactional test (a previous one may have flushed it)."""
    from home.models import HomePage
    from tests.conftest import build_demo_site

    return HomePage.objects.first() or build_demo_site()


@pytest.fixture
def campaign(demo_site) -> DonationPage:
    return DonationPage.objects.get(slug="fonds-impulsion")


def gift(**overrides) -> dict:
    data = {
        "frequency": "once",
        "amount_once": "50",
        "amount_monthly": "",
        "other_amount": "",
        "donor_type": "individual",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille@example.org",
        "address_line1": "12 rue des Lilas",
        "postal_code": "39000",
        "city": "Lons-le-Saunier",
        "country": "FR",
        "recognition": "anonymous",
        "consent_processing": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


COMPANY = {
    "frequency": "monthly",
    "amount_monthly": "autre",
    "other_amount": "1000",
    "donor_type": "company",
    "company_name": "Lunetterie Jurassienne SAS",
    "legal_form": "SAS",
    "siren": "732 829 320",
    "email": "compta@lunetterie.example",
}


def deliver(client, event: dict, *, secret: str = SECRET, timestamp=None):
    payload, header = signed_payload(event, secret, timestamp)
    return client.post(
        WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def start(client, campaign, double, **overrides) -> tuple[Donation, dict]:
    response = client.post(campaign.url, gift(**overrides))
    assert response.status_code == 303, response.content.decode()[:3000]
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    donation = Donation.objects.get(stripe_session_id=session_id)
    return donation, double.sessions[session_id]


# --- Checkout -------------------------------------------------------------------------


def test_a_gift_is_stored_pending_then_sent_to_a_server_side_checkout(
    client, campaign, stripe_settings
):
    response = client.post(campaign.url, gift())

    assert response.status_code == 303
    assert response["Location"].startswith(stripe_settings.url + "/checkout/cs_")
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.PENDING
    assert (donation.amount_cents, donation.frequency) == (5000, "once")
    assert donation.consent_processing and donation.consented_at
    create = next(r for r in stripe_settings.requests if r.path == "/v1/checkout/sessions")
    params = create.params
    assert params["mode"] == "payment"
    assert params["submit_type"] == "donate"
    assert params["locale"] == "fr"
    assert params["client_reference_id"] == str(donation.public_id)
    assert params["metadata"]["donation"] == str(donation.public_id)
    assert params["line_items"][0]["price_data"]["unit_amount"] == "5000"
    assert params["line_items"][0]["price_data"]["currency"] == "eur"
    assert "payment_method_types" not in params
    assert create.idempotency_key == f"checkout-{donation.public_id}"
    assert params["success_url"].endswith(
        "/fonds-impulsion/merci/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert f"?reprendre={donation.public_id}" in params["cancel_url"]


def test_a_monthly_company_gift_is_a_subscription(client, campaign, stripe_settings):
    donation, session = start(client, campaign, stripe_settings, **COMPANY)

    assert session["mode"] == "subscription"
    assert donation.amount_cents == 100_000 and donation.frequency == "monthly"
    assert (donation.company_name, donation.siren) == ("Lunetterie Jurassienne SAS", "732829320")
    create = next(r for r in stripe_settings.requests if r.path == "/v1/checkout/sessions")
    price = create.params["line_items"][0]["price_data"]
    assert price["recurring"] == {"interval": "month"}
    assert "submit_type" not in create.params


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount_once": "autre", "other_amount": "4"}, "commence à 5 €"),
        ({"amount_once": "autre", "other_amount": "50000"}, "Au-delà de"),
        ({"amount_once": "autre", "other_amount": "beaucoup"}, "Indiquez un montant en euros"),
        ({**COMPANY, "siren": "123456789"}, "Ce SIREN n&#x27;est pas valide"),
        ({"consent_processing": None}, "sans votre accord"),
        ({"email": "pas-une-adresse"}, "adresse électronique complète"),
        ({"first_name": "Cam\x1bille"}, "seule ligne"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(
    client, campaign, stripe_settings, overrides, message
):
    response = client.post(campaign.url, gift(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Donation.objects.exists()
    assert not stripe_settings.requests


def test_stripe_unreachable_keeps_the_gift_pending_and_the_form_filled(
    client, campaign, stripe_settings
):
    stripe_settings.down()
    try:
        response = client.post(campaign.url, gift(first_name="Dominique"))
    finally:
        stripe_settings.up()
    assert response.status_code == 503
    text = response.content.decode()
    assert "momentanément indisponible" in text
    assert 'value="Dominique"' in text
    assert Donation.objects.get().status == DonationStatus.PENDING


def test_without_keys_the_page_says_online_payment_is_not_configured(client, campaign, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = client.post(campaign.url, gift())
    assert response.status_code == 503
    assert "pas encore ouvert" in response.content.decode()
    assert not Donation.objects.exists()


def test_cancelling_on_stripe_brings_back_what_was_typed_to_the_same_browser_only(
    client, campaign, stripe_settings
):
    donation, _session = start(client, campaign, stripe_settings, first_name="Aurore")
    back = client.get(campaign.url, {"reprendre": str(donation.public_id)}).content.decode()
    assert 'value="Aurore"' in back
    stranger = Client().get(campaign.url, {"reprendre": str(donation.public_id)}).content.decode()
    assert 'value="Aurore"' not in stranger


def test_card_testing_is_slowed_per_address_and_per_email(client, campaign, stripe_settings):
    for number in range(CHECKOUT_PER_EMAIL.limit):
        assert client.post(campaign.url, gift(last_name=f"Essai {number}")).status_code == 303
    blocked = client.post(campaign.url, gift())
    assert blocked.status_code == 429 and blocked["Retry-After"] == "3600"
    assert Donation.objects.count() == CHECKOUT_PER_EMAIL.limit
    assert CHECKOUT_PER_NETWORK.limit > CHECKOUT_PER_EMAIL.limit


# --- Webhook: signatures and duplicates ------------------------------------------------


def test_bad_missing_or_stale_signatures_are_refused(client, stripe_settings):
    event = make_event("checkout.session.expired", {"id": "cs_x"})
    assert deliver(client, event, secret="whsec_wrong").status_code == 400
    payload, _header = signed_payload(event, SECRET)
    assert client.post(WEBHOOK, payload, content_type="application/json").status_code == 400
    assert deliver(client, event, timestamp=int(time.time()) - 600).status_code == 400
    assert (
        client.post(
            WEBHOOK,
            b"{not json",
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(b"{not json", SECRET),
        ).status_code
        == 400
    )
    assert client.get(WEBHOOK).status_code == 405
    assert not StripeEvent.objects.exists()


def test_unknown_types_and_duplicates_are_acknowledged(client, stripe_settings):
    unknown = make_event("customer.created", {"id": "cus_1"})
    assert deliver(client, unknown).status_code == 200
    assert deliver(client, unknown).json()["outcome"] == "duplicate"
    assert StripeEvent.objects.count() == 1


def pay(client, campaign, double, **overrides) -> Donation:
    donation, session = start(client, campaign, double, **overrides)
    event = make_event("checkout.session.completed", double.complete_session(session["id"]))
    assert deliver(client, event).status_code == 200
    donation.refresh_from_db()
    return donation


def test_the_same_completion_delivered_ten_times_records_one_paid_gift(
    client, campaign, stripe_settings, django_capture_on_commit_callbacks
):
    donation, session = start(client, campaign, stripe_settings)
    event = make_event(
        "checkout.session.completed", stripe_settings.complete_session(session["id"])
    )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            assert deliver(client, event).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID and donation.received_at
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert Receipt.objects.filter(donations=donation).count() == 1
    assert campaign.progress()["total_cents"] >= 5000


def test_the_scic_sends_a_payment_certificate_by_email(
    client, campaign, stripe_settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        donation = pay(client, campaign, stripe_settings)
    receipt = Receipt.objects.get(donations=donation)
    assert receipt.kind == "certificate"
    message = next(m for m in mail.outbox if m.to == ["camille@example.org"])
    assert message.attachments and message.attachments[0][0].endswith(".pdf")


def test_a_late_completion_never_moves_a_refunded_gift_back(client, campaign, stripe_settings):
    donation, session = start(client, campaign, stripe_settings)
    completed = make_event(
        "checkout.session.completed", stripe_settings.complete_session(session["id"])
    )
    payment_intent = completed["data"]["object"]["payment_intent"]
    Donation.objects.filter(pk=donation.pk).update(stripe_payment_intent_id=payment_intent)
    refunded = make_event(
        "charge.refunded",
        charge_object(payment_intent=payment_intent, amount_refunded=5000, refunded=True),
    )
    # Out of order: paid by another path, refunded, then the completion arrives late.
    Donation.objects.filter(pk=donation.pk).update(status=DonationStatus.PAID)
    assert deliver(client, refunded).status_code == 200
    assert deliver(client, completed).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED
    assert donation.refunded_cents == 5000


def test_a_sepa_debit_is_processing_then_paid_or_failed(client, campaign, stripe_settings):
    for outcome, status in (
        ("checkout.session.async_payment_succeeded", DonationStatus.PAID),
        ("checkout.session.async_payment_failed", DonationStatus.FAILED),
    ):
        donation, session = start(client, campaign, stripe_settings, last_name=outcome[-9:])
        pending = stripe_settings.complete_session(session["id"], payment_status="unpaid")
        deliver(client, make_event("checkout.session.completed", pending))
        donation.refresh_from_db()
        assert donation.status == DonationStatus.PROCESSING
        deliver(client, make_event(outcome, {**pending, "payment_status": "paid"}))
        donation.refresh_from_db()
        assert donation.status == status
    failed = Donation.objects.get(status=DonationStatus.FAILED)
    assert OutboxEmail.objects.about(failed).filter(kind="donations.payment_failed").exists()


def test_an_abandoned_checkout_expires(client, campaign, stripe_settings):
    donation, session = start(client, campaign, stripe_settings)
    deliver(client, make_event("checkout.session.expired", {**session, "status": "expired"}))
    donation.refresh_from_db()
    assert donation.status == DonationStatus.EXPIRED


def test_a_monthly_gift_counts_its_first_month_once_then_each_renewal(
    client, campaign, stripe_settings
):
    donation, session = start(client, campaign, stripe_settings, **COMPANY)
    completed = stripe_settings.complete_session(session["id"])
    subscription_id = completed["subscription"]
    first_invoice = invoice_object(
        amount=100_000,
        subscription=subscription_id,
        billing_reason="subscription_create",
        parent={
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "metadata": {"donation": str(donation.public_id)},
                "subscription": subscription_id,
            },
        },
    )
    # The invoice may arrive before the session's completion: one gift either way.
    deliver(client, make_event("invoice.paid", first_invoice))
    deliver(client, make_event("checkout.session.completed", completed))
    assert Donation.objects.filter(status=DonationStatus.PAID).count() == 1
    started = OutboxEmail.objects.filter(kind="donations.monthly_started")
    assert [email.to for email in started] == ["compta@lunetterie.example"], "thanked once"
    assert "1\u202f000 € par mois" in started.get().body_text
    subscription = Subscription.objects.get(stripe_subscription_id=subscription_id)
    assert subscription.company_name == "Lunetterie Jurassienne SAS"

    renewal = invoice_object(amount=100_000, subscription=subscription_id)
    deliver(client, make_event("invoice.paid", renewal))
    deliver(client, make_event("invoice.paid", renewal))  # a new event id, the same invoice
    paid = Donation.objects.filter(subscription=subscription, status=DonationStatus.PAID)
    assert paid.count() == 2
    assert campaign.progress()["total_cents"] >= 200_000

    deliver(
        client, make_event("invoice.payment_failed", invoice_object(subscription=subscription_id))
    )
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PAST_DUE
    assert (
        OutboxEmail.objects.about(subscription)
        .filter(kind="donations.monthly_payment_failed")
        .exists()
    )
    deliver(client, make_event("customer.subscription.deleted", {"id": subscription_id}))
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CANCELLED and subscription.cancelled_at


def test_a_partial_refund_after_the_receipt_cancels_and_replaces_it(
    client, campaign, stripe_settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        donation = pay(client, campaign, stripe_settings)
    first = Receipt.objects.get(donations=donation)
    charge = charge_object(payment_intent=donation.stripe_payment_intent_id, amount_refunded=2000)
    deliver(client, make_event("charge.refunded", charge))
    first.refresh_from_db()
    assert first.status == "cancelled"
    replacement = first.replaced_by
    assert replacement.amount_cents == 3000 and replacement.status == "issued"
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID and donation.refunded_cents == 2000


def test_a_dispute_marks_the_gift_disputed(client, campaign, stripe_settings):
    donation = pay(client, campaign, stripe_settings)
    dispute = dispute_object(payment_intent=donation.stripe_payment_intent_id)
    deliver(client, make_event("charge.dispute.created", dispute))
    donation.refresh_from_db()
    assert donation.status == DonationStatus.DISPUTED


def test_the_thank_you_page_reads_the_session_for_display_only(client, campaign, stripe_settings):
    donation, session = start(client, campaign, stripe_settings)
    response = client.get(campaign.url + "merci/", {"session_id": session["id"]})
    assert response.status_code == 200
    assert "50" in response.content.decode()
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING, "only the webhook records a payment"
    assert client.get(campaign.url + "merci/", {"session_id": "cs_inconnu"}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_event_at_the_same_moment_record_one_gift(
    demo_transactional, stripe_settings
):
    campaign = DonationPage.objects.get(slug="fonds-impulsion")
    donation, session = start(Client(), campaign, stripe_settings)
    event = make_event(
        "checkout.session.completed", stripe_settings.complete_session(session["id"])
    )
    payload, header = signed_payload(event, SECRET)
    barrier = threading.Barrier(2)
    statuses = []

    def post():
        barrier.wait()
        try:
            response = Client().post(
                WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID
    assert Receipt.objects.filter(donations=donation).count() == 1


# --- The donor's own space -------------------------------------------------------------


def test_the_donor_link_shows_gifts_receipts_and_opens_the_billing_portal(
    client, campaign, stripe_settings, django_capture_on_commit_callbacks
):
    one_off = {**COMPANY, "frequency": "once", "amount_once": "autre", "other_amount": "40"}
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, campaign, stripe_settings, **one_off)  # its certificate comes at once
        donation = pay(client, campaign, stripe_settings, **COMPANY)
    assert client.post("/dons/espace/", {"email": "inconnu@example.org"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/dons/espace/", {"email": donation.email})
    assert answer.status_code == 200
    link_mail = next(m for m in mail.outbox if m.subject == "Vos dons au fonds d'impulsion")
    assert link_mail.to == [donation.email]
    assert not any(m.to == ["inconnu@example.org"] for m in mail.outbox)
    link = re.search(r"http\S+/dons/espace/\S+/", link_mail.body).group(0)
    path = urlsplit(link).path

    space = client.get(path)
    assert space.status_code == 200
    text = space.content.decode()
    assert "1\u202f000\u00a0€ par mois" in text
    receipt = Receipt.objects.get(donor_email=donation.email)
    assert receipt.reference in text
    pdf = client.get(f"{path}recu/{receipt.pk}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    subscription = Subscription.objects.get(email=donation.email)
    portal = client.post(path, {"subscription": subscription.pk})
    assert portal.status_code == 303
    assert portal["Location"].startswith(stripe_settings.url + "/portal/")


def test_an_altered_or_expired_donor_link_is_refused(client, monkeypatch):
    token = donor_space.token_for("camille@example.org")
    assert client.get(f"/dons/espace/{token[:-3]}abc/").status_code == 400
    monkeypatch.setattr(donor_space, "LINK_MAX_AGE", -1)
    assert client.get(f"/dons/espace/{token}/").status_code == 410


def test_a_receipt_is_only_served_to_its_donor(
    client, campaign, stripe_settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, campaign, stripe_settings)
    receipt = Receipt.objects.get()
    other = donor_space.token_for("autre@example.org")
    assert client.get(f"/dons/espace/{other}/recu/{receipt.pk}/").status_code == 404
