"""Measure the donations' hot paths: webhook events handled per second (signature
checked on the raw body, each event stored once) and the server time to create a
checkout (form validated, pending gift stored, Stripe called), the local Stripe
double answering at once.

Usage: DATABASE_URL=postgres://… .venv/bin/python bench/donations.py [--events 1000] [--checkouts 100]
Without DATABASE_URL, a throw-away SQLite file bench/bench.sqlite3. Targets (issue 6):
at least 200 events/s on 2 cores, and a checkout under 30 ms at the median.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterjura.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend")
os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_bench")
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_bench")

import django  # noqa: E402

from tests.donations.stripe_double import StripeDouble, make_event, sign  # noqa: E402

double = StripeDouble().start()
os.environ["STRIPE_API_BASE"] = double.url
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from donations.models import Donation, DonationPage, StripeEvent  # noqa: E402


def checkout_form(number: int) -> dict:
    return {
        "frequency": "once",
        "amount_once": "50",
        "donor_type": "individual",
        "first_name": "Banc",
        "last_name": f"Essai {number}",
        "email": f"banc{number}@example.org",
        "address_line1": "1 rue du Banc",
        "postal_code": "39000",
        "city": "Lons-le-Saunier",
        "country": "FR",
        "recognition": "anonymous",
        "consent_processing": "on",
    }


def bench_checkouts(page: DonationPage, count: int) -> None:
    from donations import views

    # The rate limits are the point in production; here they would stop the run.
    views.CHECKOUT_PER_NETWORK = views.abuse.RateLimit("bench-ip", 10**9, 3600)
    views.CHECKOUT_PER_EMAIL = views.abuse.RateLimit("bench-email", 10**9, 3600)
    client = Client(HTTP_HOST="127.0.0.1")
    timings = []
    for number in range(count):
        started = time.perf_counter()
        response = client.post(page.url, checkout_form(number))
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 303, response.status_code
    timings.sort()
    print(
        f"checkout creation: {count} requests, median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms (double answering at once)"
    )


def bench_webhooks(count: int) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    pending = list(
        Donation.objects.filter(status="pending").values_list("public_id", "stripe_session_id")
    )
    bodies = []
    for number in range(count):
        public_id, session_id = pending[number % len(pending)]
        session = {
            "id": session_id,
            "object": "checkout.session",
            "client_reference_id": str(public_id),
            "mode": "payment",
            "payment_status": "paid",
            "payment_intent": f"pi_bench_{number}",
            "customer": "cus_bench",
            "metadata": {"donation": str(public_id)},
        }
        event_type = "checkout.session.completed" if number < len(pending) else "customer.updated"
        payload = json.dumps(make_event(event_type, session)).encode()
        bodies.append((payload, sign(payload, "whsec_bench")))
    before = StripeEvent.objects.count()
    started = time.perf_counter()
    for payload, header in bodies:
        response = client.post(
            "/dons/stripe/webhook/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        assert response.status_code == 200, response.status_code
    elapsed = time.perf_counter() - started
    # Every event a second time: recognised as duplicates, stored once.
    for payload, header in bodies[:100]:
        client.post(
            "/dons/stripe/webhook/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
    stored = StripeEvent.objects.count() - before
    print(
        f"webhook: {count} signed events in {elapsed:.2f} s = {count / elapsed:.0f} events/s "
        f"(one process); {stored} stored for {count + 100} deliveries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--checkouts", type=int, default=100)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    page = DonationPage.objects.live().first()
    print(f"database: {connection.vendor}")
    try:
        bench_checkouts(page, args.checkouts)
        bench_webhooks(args.events)
    finally:
        double.stop()


if __name__ == "__main__":
    main()
